package dev.moat.decoy;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.moat.Failure;
import dev.moat.MoatException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Reads {@code decoys.yaml} and the {@code --decoy type[:port]} shorthand. Every error names the file, the line and
 * the field: {@code decoys.yaml:7: decoys[1].port: 70000 is not a port (1-65535)}.
 */
public final class DecoyConfigReader {

  private static final Pattern NAME = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
  private static final Set<String> DECOY_FIELDS = Set.of("name", "type", "port", "service", "namespace", "labels", "replicas",
      "routes", "serverHeaders", "banner", "replies", "alert", "credentials", "tls", "hostKey");
  /** Fields that make a decoy more than its catalogue type: a deployment must carry them to the pod. */
  private static final List<String> CUSTOM_FIELDS = List.of("routes", "serverHeaders", "banner", "replies", "alert", "credentials", "tls",
      "hostKey");
  private static final Set<String> ROUTE_FIELDS = Set.of("method", "path", "status", "headers", "body", "alert");

  private final DecoyCatalog catalog;
  private final ObjectMapper yaml = new ObjectMapper(new YAMLFactory());

  public DecoyConfigReader(DecoyCatalog catalog) {
    this.catalog = catalog;
  }

  /** Reads a {@code decoys.yaml}. */
  public DecoyConfig read(Path file) throws MoatException {
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      throw new MoatException(Failure.UNREACHABLE, "cannot read " + file + ": " + e.getMessage(), "check the --config path");
    }
    Path dir = file.toAbsolutePath().getParent();
    return parse(file.getFileName().toString(), text, dir == null ? Path.of("") : dir);
  }

  /** Reads the text of a {@code decoys.yaml}; {@code source} names it in errors; relative file names are the working directory's. */
  public DecoyConfig parse(String source, String text) throws MoatException {
    return parse(source, text, Path.of(""));
  }

  /** As {@link #parse(String, String)}; relative file names ({@code tls.cert}, {@code hostKey}) are taken from {@code baseDirectory}. */
  public DecoyConfig parse(String source, String text, Path baseDirectory) throws MoatException {
    Map<String, Integer> lines = new HashMap<>();
    JsonNode root;
    try {
      try (JsonParser parser = yaml.getFactory().createParser(text)) {
        if (parser.nextToken() != null) {
          locate(parser, "", lines);
        }
      }
      root = yaml.readTree(text);
    } catch (JsonProcessingException e) {
      int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
      throw new MoatException(Failure.INVALID_INPUT, source + ":" + line + ": not valid YAML: " + e.getOriginalMessage(),
          "fix the YAML syntax");
    } catch (IOException e) {
      throw new MoatException(Failure.INVALID_INPUT, source + ": " + e.getMessage(), "fix the YAML syntax");
    }
    Fields f = new Fields(source, lines);
    if (root == null || !root.isObject() || !root.path("decoys").isArray()) {
      throw f.error("decoys", "the file must hold a list 'decoys:'");
    }
    List<DecoySpec> specs = new ArrayList<>();
    JsonNode list = root.get("decoys");
    for (int i = 0; i < list.size(); i++) {
      specs.add(decoy(f, "decoys[" + i + "]", list.get(i), baseDirectory));
    }
    return unique(specs, f);
  }

  /** Builds decoys from {@code --decoy type[:port]} arguments: catalogue types, their default ports. */
  public DecoyConfig fromArguments(List<String> arguments) throws MoatException {
    List<DecoySpec> specs = new ArrayList<>();
    for (String argument : arguments) {
      int colon = argument.indexOf(':');
      String type = colon < 0 ? argument : argument.substring(0, colon);
      Object emulator = catalog.find(type).orElseThrow(() -> new MoatException(Failure.INVALID_INPUT,
          "--decoy " + argument + ": no decoy type '" + type + "' in the catalogue",
          "run 'moat decoy catalog' for the types; generic http and tcp-banner decoys need --config"));
      int port = defaultPort(emulator);
      if (colon >= 0) {
        try {
          port = Integer.parseInt(argument.substring(colon + 1));
        } catch (NumberFormatException e) {
          port = -1;
        }
        if (port < 0 || port > 65535) {
          throw new MoatException(Failure.INVALID_INPUT, "--decoy " + argument + ": '" + argument.substring(colon + 1)
              + "' is not a port (0-65535, 0 = any free port)", "write --decoy type or --decoy type:port");
        }
      }
      specs.add(new DecoySpec(type, type, port, type, null, Map.of(), 1, emulator, null,
          emulator instanceof HttpEmulator http ? http.defaultTls() : null));
    }
    if (specs.isEmpty()) {
      throw new MoatException(Failure.INVALID_INPUT, "no decoys given", "name them with --decoy TYPE[:PORT] or --config decoys.yaml");
    }
    return unique(specs, null);
  }

  private DecoyConfig unique(List<DecoySpec> specs, Fields f) throws MoatException {
    Set<String> names = new HashSet<>();
    Map<Integer, String> ports = new HashMap<>();
    for (int i = 0; i < specs.size(); i++) {
      DecoySpec s = specs.get(i);
      String at = "decoys[" + i + "]";
      if (!names.add(s.name())) {
        throw f == null ? new MoatException(Failure.INVALID_INPUT, "--decoy " + s.name() + " is given twice",
            "give each type once, or name them in a decoys.yaml")
            : f.error(at + ".name", "'" + s.name() + "' names two decoys; names must be unique");
      }
      if (s.port() != 0) {
        String other = ports.putIfAbsent(s.port(), s.name());
        if (other != null) {
          throw f == null ? new MoatException(Failure.INVALID_INPUT, "--decoy " + s.name() + ": port " + s.port()
              + " is already taken by " + other, "give one of them another port: --decoy TYPE:PORT")
              : f.error(at + ".port", s.port() + " is already the port of decoy '" + other + "'");
        }
      }
    }
    return new DecoyConfig(specs);
  }

  private DecoySpec decoy(Fields f, String at, JsonNode node, Path base) throws MoatException {
    if (!node.isObject()) {
      throw f.error(at, "each decoy is a mapping with name, type and port");
    }
    unknownFields(f, at, node, DECOY_FIELDS);
    String name = f.text(node, at, "name", true);
    if (!NAME.matcher(name).matches()) {
      throw f.error(at + ".name", "'" + name + "' is not a valid name (lower-case letters, digits and '-', at most 63)");
    }
    String type = f.text(node, at, "type", true);
    if (node.has("credentials") && !type.equals("ssh")) {
      throw f.error(at + ".credentials", "only ssh decoys take credentials");
    }
    if (node.has("hostKey") && !type.equals("ssh")) {
      throw f.error(at + ".hostKey", "only ssh decoys take a hostKey");
    }
    Object emulator;
    if (type.equals("http")) {
      emulator = httpDecoy(f, at, node);
    } else if (type.equals("tcp-banner")) {
      emulator = bannerDecoy(f, at, node);
    } else {
      emulator = catalog.find(type).orElseThrow(() -> f.error(at + ".type",
          "'" + type + "' is neither a catalogue type nor http / tcp-banner (see 'moat decoy catalog')"));
      if (emulator instanceof SshEmulator && node.has("credentials")) {
        emulator = new SshEmulator(credentials(f, at, node.get("credentials")));
      }
      if (emulator instanceof SshEmulator ssh && node.has("hostKey")) {
        emulator = ssh.withHostKey(SshHostKey.operatorFile(hostKey(f, at, node, base)));
      }
      for (String field : List.of("routes", "banner", "replies", "serverHeaders")) {
        if (node.has(field)) {
          throw f.error(at + "." + field, "only http and tcp-banner decoys take " + field);
        }
      }
    }
    int port;
    if (node.has("port")) {
      port = f.integer(node, at, "port");
      if (port < 1 || port > 65535) {
        throw f.error(at + ".port", port + " is not a port (1-65535)");
      }
    } else {
      port = defaultPort(emulator);
      if (port == 0) {
        throw f.error(at + ".port", "a " + type + " decoy needs a port");
      }
    }
    String service = node.has("service") ? f.text(node, at, "service", true) : name;
    if (!NAME.matcher(service).matches()) {
      throw f.error(at + ".service", "'" + service + "' is not a valid Service name (lower-case letters, digits and '-', at most 63)");
    }
    String namespace = node.has("namespace") ? f.text(node, at, "namespace", true) : null;
    if (namespace != null && !NAME.matcher(namespace).matches()) {
      throw f.error(at + ".namespace", "'" + namespace + "' is not a valid namespace name");
    }
    int replicas = node.has("replicas") ? f.integer(node, at, "replicas") : 1;
    if (replicas < 1 || replicas > 100) {
      throw f.error(at + ".replicas", replicas + " replicas: give 1 to 100");
    }
    Map<String, String> labels = f.strings(node, at, "labels");
    boolean custom = CUSTOM_FIELDS.stream().anyMatch(node::has);
    return new DecoySpec(name, type, port, service, namespace, labels, replicas, emulator, custom ? node.toString() : null,
        tls(f, at, node, emulator, name, base));
  }

  /**
   * {@code tls}: absent — the type's default (HTTPS for the kubelet, plain for the rest); {@code false} — plain;
   * {@code true} — a certificate generated at start; {@code {cert: FILE, key: FILE}} — PEM files, read and checked now.
   */
  private static DecoyTls tls(Fields f, String at, JsonNode node, Object emulator, String name, Path base) throws MoatException {
    DecoyTls byDefault = emulator instanceof HttpEmulator http ? http.defaultTls() : null;
    JsonNode tls = node.get("tls");
    if (tls == null) {
      return byDefault;
    }
    if (!(emulator instanceof HttpEmulator)) {
      throw f.error(at + ".tls", "only HTTP decoys take tls");
    }
    if (tls.isBoolean()) {
      return !tls.booleanValue() ? null : byDefault != null ? byDefault : DecoyTls.generated(name);
    }
    if (!tls.isObject()) {
      throw f.error(at + ".tls", "give false, true (a generated certificate) or {cert: FILE, key: FILE} (PEM)");
    }
    unknownFields(f, at + ".tls", tls, Set.of("cert", "key"));
    Path cert = file(f, at + ".tls", tls, "cert", base);
    Path key = file(f, at + ".tls", tls, "key", base);
    try {
      TlsKeyMaterial.readChain(cert);
    } catch (IllegalArgumentException e) {
      throw f.error(at + ".tls.cert", e.getMessage());
    }
    try {
      TlsKeyMaterial.readPem(cert, key);
    } catch (IllegalArgumentException e) {
      throw f.error(at + ".tls.key", e.getMessage());
    }
    return DecoyTls.files(cert, key);
  }

  /** {@code hostKey}: the operator's SSH host key file, read and checked now. */
  private static Path hostKey(Fields f, String at, JsonNode node, Path base) throws MoatException {
    Path file = file(f, at, node, "hostKey", base);
    try {
      SshHostKey.read(file);
    } catch (IOException e) {
      throw f.error(at + ".hostKey", e.getMessage());
    }
    return file;
  }

  /** A readable regular file named by a text field, relative to the config's directory. */
  private static Path file(Fields f, String at, JsonNode node, String field, Path base) throws MoatException {
    Path file = base.resolve(f.text(node, at, field, true)).normalize();
    if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
      throw f.error(at + "." + field, file + " is not a readable file");
    }
    return file;
  }

  /** An ssh decoy's accepted logins: 1 to 64 {@code user:password} strings. */
  private static List<String> credentials(Fields f, String at, JsonNode list) throws MoatException {
    if (!list.isArray() || list.isEmpty() || list.size() > 64) {
      throw f.error(at + ".credentials", "give a list of 1 to 64 user:password strings");
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      JsonNode c = list.get(i);
      if (!c.isTextual() || c.asText().indexOf(':') < 1 || c.asText().length() > 128) {
        throw f.error(at + ".credentials[" + i + "]", "each credential is a user:password string (at most 128 characters)");
      }
      out.add(c.asText());
    }
    return out;
  }

  private RoutedHttpDecoy httpDecoy(Fields f, String at, JsonNode node) throws MoatException {
    JsonNode routes = node.get("routes");
    if (routes == null || !routes.isArray() || routes.isEmpty()) {
      throw f.error(at + ".routes", "an http decoy needs a list of routes");
    }
    List<HttpRoute> list = new ArrayList<>();
    for (int i = 0; i < routes.size(); i++) {
      String r = at + ".routes[" + i + "]";
      JsonNode route = routes.get(i);
      if (!route.isObject()) {
        throw f.error(r, "each route is a mapping with method, path, status, headers, body, alert");
      }
      unknownFields(f, r, route, ROUTE_FIELDS);
      String method = route.has("method") ? f.text(route, r, "method", true).toUpperCase(Locale.ROOT) : "*";
      if (!method.equals("*") && !method.matches("[A-Z]{1,16}")) {
        throw f.error(r + ".method", "'" + method + "' is not an HTTP method (or * for any)");
      }
      String path = f.text(route, r, "path", true);
      if (!path.startsWith("/")) {
        throw f.error(r + ".path", "'" + path + "' must start with / (a glob: * within a segment, ** across)");
      }
      int status = route.has("status") ? f.integer(route, r, "status") : 200;
      if (status < 100 || status > 599) {
        throw f.error(r + ".status", status + " is not an HTTP status (100-599)");
      }
      String body = route.has("body") ? f.text(route, r, "body", false) : "";
      Map<String, String> headers = f.strings(route, r, "headers");
      AlertSeverity severity = null;
      String action = null;
      if (route.has("alert")) {
        severity = f.severity(route.get("alert"), r + ".alert");
        action = f.action(route.get("alert"), r + ".alert", "http");
      }
      list.add(new HttpRoute(method, path, status, headers, body, severity, action));
    }
    return new RoutedHttpDecoy(list, f.strings(node, at, "serverHeaders"));
  }

  private BannerDecoy bannerDecoy(Fields f, String at, JsonNode node) throws MoatException {
    String banner = node.has("banner") ? f.text(node, at, "banner", false) : "";
    List<BannerDecoy.CannedReply> replies = new ArrayList<>();
    JsonNode list = node.get("replies");
    if (list != null) {
      if (!list.isArray()) {
        throw f.error(at + ".replies", "a list of {match, reply}");
      }
      for (int i = 0; i < list.size(); i++) {
        String r = at + ".replies[" + i + "]";
        JsonNode reply = list.get(i);
        if (!reply.isObject()) {
          throw f.error(r, "each reply is a mapping with match and reply");
        }
        unknownFields(f, r, reply, Set.of("match", "reply"));
        String match = f.text(reply, r, "match", true);
        Pattern pattern;
        try {
          pattern = Pattern.compile(match);
        } catch (PatternSyntaxException e) {
          throw f.error(r + ".match", "'" + match + "' is not a regular expression: " + e.getDescription());
        }
        replies.add(new BannerDecoy.CannedReply(pattern, f.text(reply, r, "reply", false)));
      }
    }
    AlertSeverity severity = AlertSeverity.LOW;
    String action = "tcp.line";
    if (node.has("alert")) {
      severity = f.severity(node.get("alert"), at + ".alert");
      String given = f.action(node.get("alert"), at + ".alert", "tcp");
      action = given == null ? action : given;
    }
    return new BannerDecoy(banner, replies, severity, action);
  }

  private static void unknownFields(Fields f, String at, JsonNode node, Set<String> known) throws MoatException {
    Iterator<String> names = node.fieldNames();
    while (names.hasNext()) {
      String name = names.next();
      if (!known.contains(name)) {
        throw f.error(at + "." + name, "unknown field (known: " + String.join(", ", known.stream().sorted().toList()) + ")");
      }
    }
  }

  private static int defaultPort(Object emulator) {
    return ((Emulator) emulator).describe().defaultPort();
  }

  /** Records the line of every field and list item, by its path ({@code decoys[1].port}). */
  private static void locate(JsonParser p, String path, Map<String, Integer> lines) throws IOException {
    lines.putIfAbsent(path, p.currentTokenLocation().getLineNr());
    JsonToken t = p.currentToken();
    if (t == JsonToken.START_OBJECT) {
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        String child = path.isEmpty() ? field : path + "." + field;
        lines.put(child, p.currentTokenLocation().getLineNr());
        p.nextToken();
        locate(p, child, lines);
      }
    } else if (t == JsonToken.START_ARRAY) {
      int i = 0;
      while (p.nextToken() != JsonToken.END_ARRAY) {
        locate(p, path + "[" + i++ + "]", lines);
      }
    }
  }

  /** Typed access to fields with errors that carry the file, line and field. */
  private record Fields(String source, Map<String, Integer> lines) {

    MoatException error(String field, String message) {
      String key = field;
      Integer line = lines.get(key);
      while (line == null && (key.contains(".") || key.contains("["))) {
        key = key.substring(0, Math.max(key.lastIndexOf('.'), key.lastIndexOf('[')));
        line = lines.get(key);
      }
      return new MoatException(Failure.INVALID_INPUT, source + ":" + (line == null ? 1 : line) + ": " + field + ": " + message,
          "fix " + field + " in " + source + " (see docs/decoys.md for the schema)");
    }

    String text(JsonNode node, String at, String field, boolean required) throws MoatException {
      JsonNode value = node.get(field);
      if (value == null || value.isNull()) {
        if (required) {
          throw error(at + "." + field, "missing");
        }
        return "";
      }
      if (!value.isValueNode() || value.isBoolean()) {
        throw error(at + "." + field, "must be text");
      }
      String text = value.asText();
      if (required && text.isBlank()) {
        throw error(at + "." + field, "must not be empty");
      }
      return text;
    }

    int integer(JsonNode node, String at, String field) throws MoatException {
      JsonNode value = node.get(field);
      if (value == null || !value.canConvertToInt() || !value.isIntegralNumber()) {
        throw error(at + "." + field, "'" + (value == null ? "" : value.asText()) + "' is not a whole number");
      }
      return value.intValue();
    }

    Map<String, String> strings(JsonNode node, String at, String field) throws MoatException {
      JsonNode value = node.get(field);
      if (value == null || value.isNull()) {
        return Map.of();
      }
      if (!value.isObject()) {
        throw error(at + "." + field, "must be a mapping of names to text");
      }
      Map<String, String> out = new LinkedHashMap<>();
      Iterator<Map.Entry<String, JsonNode>> it = value.fields();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> e = it.next();
        if (!e.getValue().isValueNode() || e.getValue().isNull()) {
          throw error(at + "." + field + "." + e.getKey(), "must be text");
        }
        out.put(e.getKey(), e.getValue().asText());
      }
      return out;
    }

    AlertSeverity severity(JsonNode alert, String at) throws MoatException {
      if (!alert.isObject()) {
        throw error(at, "a mapping with severity and action");
      }
      unknownFields(this, at, alert, Set.of("severity", "action"));
      String given = text(alert, at, "severity", true);
      try {
        return AlertSeverity.valueOf(given.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw error(at + ".severity", "'" + given + "' is not a severity (critical, high, medium, low, info)");
      }
    }

    String action(JsonNode alert, String at, String protocol) throws MoatException {
      if (!alert.has("action")) {
        return null;
      }
      String action = text(alert, at, "action", true);
      if (!action.matches("[a-z0-9]+\\.[a-z0-9_]+")) {
        throw error(at + ".action", "'" + action + "' is not an action name like " + protocol + ".admin_probe");
      }
      return action;
    }
  }
}
