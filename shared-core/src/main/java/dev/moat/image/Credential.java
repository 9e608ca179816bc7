package dev.moat.image;

/** A username and password (or token) for one registry. {@link #toString()} never shows the secret. */
public record Credential(String username, String password) {

  /** Docker's convention for an identity token: the user name {@code <token>}. */
  public boolean isIdentityToken() {
    return "<token>".equals(username);
  }

  @Override
  public String toString() {
    return "Credential[" + username + ", ****]";
  }
}
