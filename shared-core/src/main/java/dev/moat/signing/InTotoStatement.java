package dev.moat.signing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.moat.Failure;
import dev.moat.MoatException;
import dev.moat.image.Digest;
import dev.moat.image.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * An in-toto Statement v1 (in-toto/attestation {@code spec/v1/statement.md}): what an attestation says,
 * about which subjects. Moat's subjects are images, named by repository and identified by their sha256
 * manifest digest.
 *
 * @param subjects what the statement is about
 * @param predicateType the URI naming the predicate's schema
 * @param predicate the claim itself, a JSON object
 */
public record InTotoStatement(List<Subject> subjects, String predicateType, JsonNode predicate) {

  public static final String TYPE = "https://in-toto.io/Statement/v1";

  public InTotoStatement {
    subjects = List.copyOf(subjects);
    Objects.requireNonNull(predicateType, "predicateType");
    Objects.requireNonNull(predicate, "predicate");
  }

  /** A statement about one image. */
  public static InTotoStatement about(String name, Digest image, Map<String, String> annotations, String predicateType, JsonNode predicate) {
    return new InTotoStatement(List.of(new Subject(name, image, annotations)), predicateType, predicate);
  }

  /**
   * One subject; only its sha256 digest is kept.
   *
   * @param annotations the subject's annotations (cosign puts a signature's annotations here), possibly empty
   */
  public record Subject(String name, Digest digest, Map<String, String> annotations) {
    public Subject {
      annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
    }
  }

  /** Whether a subject names {@code image}. */
  public boolean names(Digest image) {
    return subjects.stream().anyMatch(s -> image.equals(s.digest()));
  }

  /** The sha256 digests the subjects name, for messages. */
  public List<Digest> digests() {
    return subjects.stream().map(Subject::digest).filter(Objects::nonNull).toList();
  }

  /** Compact JSON: {@code _type}, {@code subject}, {@code predicateType}, {@code predicate}, in that order. */
  public byte[] toBytes() {
    ObjectNode statement = Json.MAPPER.createObjectNode();
    statement.put("_type", TYPE);
    ArrayNode array = statement.putArray("subject");
    for (Subject s : subjects) {
      ObjectNode subject = array.addObject();
      subject.put("name", s.name());
      subject.putObject("digest").put(s.digest().algorithm(), s.digest().hex());
      if (!s.annotations().isEmpty()) {
        ObjectNode a = subject.putObject("annotations");
        new TreeMap<>(s.annotations()).forEach(a::put);
      }
    }
    statement.put("predicateType", predicateType);
    statement.set("predicate", predicate);
    return Json.bytes(statement);
  }

  /**
   * Reads a statement. Subjects without a well-formed sha256 digest are kept with a null digest, so they
   * never match an image; a document that is not a Statement v1 (or v0.1, which cosign v2 writes) fails.
   */
  public static InTotoStatement parse(byte[] bytes, String source) throws MoatException {
    JsonNode json = Json.tree(bytes, source);
    String type = json.path("_type").asText("");
    if (!TYPE.equals(type) && !"https://in-toto.io/Statement/v0.1".equals(type)) {
      throw new MoatException(Failure.PROTOCOL, source + " is not an in-toto statement (_type '" + type + "')", "");
    }
    List<Subject> subjects = new ArrayList<>();
    for (JsonNode subject : json.path("subject")) {
      String hex = subject.path("digest").path("sha256").asText("");
      Digest digest = hex.matches("[0-9a-f]{64}") ? new Digest("sha256", hex) : null;
      Map<String, String> annotations = new LinkedHashMap<>();
      subject.path("annotations").fields().forEachRemaining(e -> annotations.put(e.getKey(), e.getValue().asText()));
      subjects.add(new Subject(subject.path("name").asText(""), digest, annotations));
    }
    JsonNode predicate = json.path("predicate");
    return new InTotoStatement(subjects, json.path("predicateType").asText(""), predicate.isMissingNode() ? Json.MAPPER.nullNode() : predicate);
  }
}
