package dev.moat.decoy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Docker Engine API of a dockerd 20.10.24 listening on 2375 without TLS. Listings and inspections come from
 * canned data; create, start, exec and pull answer as dockerd does and alert, and nothing is ever run or pulled.
 * Request bodies are read as a JSON tree only.
 */
public final class DockerApiDecoy implements HttpEmulator {

  static final String API_VERSION = "1.41";
  static final String CREATED_ID = "4f1d2c8b9a7e6d5c4b3a29180f7e6d5c4b3a29180f7e6d5c4b3a29180f7e6d5c";
  static final String EXEC_ID = "b7c3e1f0a9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b2";
  static final String CANNED_OUTPUT = "uid=0(root) gid=0(root) groups=0(root),1(bin),2(daemon),3(sys),4(adm),6(disk),10(wheel)\n";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern VERSIONED = Pattern.compile("^/v1\\.\\d{1,2}(/.*)$");
  private static final Pattern CONTAINER = Pattern.compile("^/containers/([^/]{1,128})/(start|exec|json|wait|logs|stop|kill|"
      + "restart|attach|resize|top|changes|export|stats|archive)$");
  private static final Pattern EXEC = Pattern.compile("^/exec/([^/]{1,128})/(start|json|resize)$");

  private final CannedText canned = new CannedText("docker");

  @Override
  public CatalogEntry describe() {
    return new CatalogEntry("docker-api", "unauthorised access", "Docker Engine API 1.41 (Docker 20.10.24) on 2375 without TLS",
        2375, List.of(
            "POST /containers/create: docker.container_create CRITICAL T1610 (image, cmd, binds, privileged recorded)",
            "POST /containers/{id}/exec and /exec/{id}/start: docker.exec CRITICAL T1609",
            "POST /containers/{id}/start: docker.container_start HIGH T1610",
            "POST /images/create (pull): docker.image_pull HIGH T1610",
            "GET /info, /containers/json, /images/json: docker.discovery LOW T1613"));
  }

  @Override
  public Map<String, String> serverHeaders() {
    Map<String, String> h = new LinkedHashMap<>();
    h.put("Api-Version", API_VERSION);
    h.put("Docker-Experimental", "false");
    h.put("Ostype", "linux");
    h.put("Server", "Docker/20.10.24 (linux)");
    return h;
  }

  @Override
  public HttpReply handle(HttpRequestView request, Interaction interaction) {
    String path = request.path();
    Matcher versioned = VERSIONED.matcher(path);
    if (versioned.matches()) {
      path = versioned.group(1);
    }
    String method = request.method();
    if (method.equals("OPTIONS")) {
      // dockerd answers OPTIONS with an empty 200 and no Content-Type (what nmap's HTTPOptions probe fingerprints)
      return new HttpReply(200, Map.of(), new byte[0]);
    }
    if (path.equals("/_ping")) {
      return HttpReply.text(200, "OK").withHeader("Content-Type", "text/plain; charset=utf-8")
          .withHeader("Cache-Control", "no-cache, no-store, must-revalidate").withHeader("Pragma", "no-cache")
          .withHeader("Builder-Version", "2");
    }
    if (method.equals("GET")) {
      switch (path) {
        case "/version":
          return json(200, canned.get("version.json"));
        case "/info":
          discovery(request, interaction);
          return json(200, canned.get("info.json"));
        case "/containers/json":
          discovery(request, interaction);
          return json(200, canned.get("containers.json"));
        case "/images/json":
          discovery(request, interaction);
          return json(200, canned.get("images.json"));
        default:
          break;
      }
    }
    if (method.equals("POST") && path.equals("/containers/create")) {
      return create(request, interaction);
    }
    if (method.equals("POST") && path.equals("/images/create")) {
      String image = String.valueOf(request.queryParameter("fromImage"));
      String tag = request.queryParameter("tag");
      interaction.alert("docker.image_pull", AlertSeverity.HIGH, "T1610", request.method() + " " + request.rawTarget(),
          Map.of("image", image + (tag == null || tag.isEmpty() ? "" : ":" + tag)));
      String shown = image + ":" + (tag == null || tag.isEmpty() ? "latest" : tag);
      return json(200, "{\"status\":\"Pulling from library/" + jsonEscape(image) + "\",\"id\":\"" + jsonEscape(tag == null ? "latest" : tag)
          + "\"}\r\n{\"status\":\"Digest: sha256:8a2c3b5e1f0d9c7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b\"}\r\n"
          + "{\"status\":\"Status: Image is up to date for " + jsonEscape(shown) + "\"}\r\n");
    }
    Matcher container = CONTAINER.matcher(path);
    if (container.matches()) {
      return container(request, interaction, container.group(1), container.group(2));
    }
    Matcher exec = EXEC.matcher(path);
    if (exec.matches()) {
      if (exec.group(2).equals("start") && method.equals("POST")) {
        interaction.alert("docker.exec", AlertSeverity.CRITICAL, "T1609", excerpt(request), Map.of("exec_id", exec.group(1)));
        return new HttpReply(200, Map.of("Content-Type", "application/vnd.docker.raw-stream"), multiplexed(CANNED_OUTPUT));
      }
      if (exec.group(2).equals("json")) {
        return json(200, "{\"ID\":\"" + EXEC_ID + "\",\"Running\":false,\"ExitCode\":0,\"ProcessConfig\":{\"tty\":false,"
            + "\"entrypoint\":\"sh\",\"arguments\":[],\"privileged\":false},\"OpenStdin\":false,\"OpenStderr\":true,"
            + "\"OpenStdout\":true,\"CanRemove\":false,\"ContainerID\":\"" + CREATED_ID + "\",\"DetachKeys\":\"\",\"Pid\":0}");
      }
      return new HttpReply(200, Map.of(), new byte[0]);
    }
    return json(404, "{\"message\":\"page not found\"}");
  }

  private HttpReply create(HttpRequestView request, Interaction interaction) {
    Map<String, String> fields = new LinkedHashMap<>();
    JsonNode body = tree(request.body());
    fields.put("image", body.path("Image").asText(""));
    fields.put("cmd", joined(body.path("Cmd")));
    fields.put("entrypoint", joined(body.path("Entrypoint")));
    JsonNode host = body.path("HostConfig");
    fields.put("binds", joined(host.path("Binds")));
    StringBuilder mounts = new StringBuilder();
    for (JsonNode m : host.path("Mounts")) {
      mounts.append(mounts.length() > 0 ? "," : "").append(m.path("Source").asText("")).append(':').append(m.path("Target").asText(""));
    }
    fields.put("mounts", mounts.toString());
    fields.put("privileged", String.valueOf(host.path("Privileged").asBoolean(false)));
    fields.put("pid_mode", host.path("PidMode").asText(""));
    fields.put("network_mode", host.path("NetworkMode").asText(""));
    String name = request.queryParameter("name");
    if (name != null) {
      fields.put("name", name);
    }
    fields.values().removeIf(String::isEmpty);
    interaction.alert("docker.container_create", AlertSeverity.CRITICAL, "T1610", excerpt(request), fields);
    return json(201, "{\"Id\":\"" + CREATED_ID + "\",\"Warnings\":[]}");
  }

  private HttpReply container(HttpRequestView request, Interaction interaction, String id, String action) {
    String method = request.method();
    switch (action) {
      case "start":
        interaction.alert("docker.container_start", AlertSeverity.HIGH, "T1610", excerpt(request), Map.of("container", id));
        return new HttpReply(204, Map.of(), new byte[0]);
      case "exec":
        if (!method.equals("POST")) {
          break;
        }
        JsonNode body = tree(request.body());
        interaction.alert("docker.exec", AlertSeverity.CRITICAL, "T1609", excerpt(request),
            Map.of("container", id, "cmd", joined(body.path("Cmd")), "user", body.path("User").asText("")));
        return json(201, "{\"Id\":\"" + EXEC_ID + "\"}");
      case "json":
        return json(200, canned.get("container-inspect.json").replace("@ID@", id.matches("[0-9a-f]{12,64}") ? id : CREATED_ID));
      case "wait":
        return json(200, "{\"Error\":null,\"StatusCode\":0}");
      case "logs":
        return new HttpReply(200, Map.of("Content-Type", "application/vnd.docker.raw-stream"), multiplexed(CANNED_OUTPUT));
      case "attach":
        return json(500, "{\"message\":\"container " + jsonEscape(id) + " is not running\"}");
      case "top":
        return json(200, "{\"Processes\":[[\"root\",\"1\",\"0\",\"0\",\"09:12\",\"?\",\"00:00:03\",\"nginx: master process\"]],"
            + "\"Titles\":[\"UID\",\"PID\",\"PPID\",\"C\",\"STIME\",\"TTY\",\"TIME\",\"CMD\"]}");
      default:
        if (method.equals("POST")) {
          return new HttpReply(204, Map.of(), new byte[0]);
        }
        break;
    }
    return json(404, "{\"message\":\"page not found\"}");
  }

  private void discovery(HttpRequestView request, Interaction interaction) {
    interaction.alert("docker.discovery", AlertSeverity.LOW, "T1613", excerpt(request), Map.of("path", request.path()));
  }

  private static JsonNode tree(byte[] body) {
    try {
      JsonNode node = JSON.readTree(body);
      return node == null ? JSON.missingNode() : node;
    } catch (java.io.IOException e) {
      return JSON.missingNode();
    }
  }

  private static String joined(JsonNode node) {
    if (node.isArray()) {
      StringBuilder sb = new StringBuilder();
      for (JsonNode n : node) {
        sb.append(sb.length() > 0 ? " " : "").append(n.asText());
      }
      return sb.toString();
    }
    return node.isTextual() ? node.asText() : "";
  }

  private static String excerpt(HttpRequestView request) {
    return request.method() + " " + request.rawTarget() + " " + new String(request.body(), StandardCharsets.UTF_8);
  }

  /** Docker's stdout stream framing: one header (stream 1, big-endian length) then the bytes. */
  static byte[] multiplexed(String stdout) {
    byte[] payload = stdout.getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(1);
    out.write(0);
    out.write(0);
    out.write(0);
    out.write(payload.length >>> 24);
    out.write(payload.length >>> 16);
    out.write(payload.length >>> 8);
    out.write(payload.length);
    out.write(payload, 0, payload.length);
    return out.toByteArray();
  }

  private static HttpReply json(int status, String json) {
    return HttpReply.json(status, json);
  }

  private static String jsonEscape(String s) {
    return s.replace("\\", "\\\\").replace("\"", "\\\"").replaceAll("[\\x00-\\x1f]", " ");
  }
}
