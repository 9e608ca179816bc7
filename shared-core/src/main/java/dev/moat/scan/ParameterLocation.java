package dev.moat.scan;

/** Where a parameter travels in a request. Body locations name the encoding of the body. */
public enum ParameterLocation {
  PATH,
  QUERY,
  HEADER,
  COOKIE,
  /** A field of a JSON body; the parameter name is a dotted path ({@code user.name}, {@code items.0}). */
  JSON_BODY,
  /** A field of an {@code application/x-www-form-urlencoded} body. */
  FORM_BODY,
  /** A part of a {@code multipart/form-data} body; file parts have {@link Parameter#isFile()}. */
  MULTIPART_BODY,
  /** The text of an XML element of an XML body; the name is the element's path ({@code order/item}). */
  XML_BODY;

  public boolean inBody() {
    return this == JSON_BODY || this == FORM_BODY || this == MULTIPART_BODY || this == XML_BODY;
  }
}
