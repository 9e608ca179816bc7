package dev.moat.decoy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * A Spring Boot 2 app with every actuator endpoint exposed and Jolokia on the classpath. Reading secrets
 * ({@code /actuator/env}), dumping the heap, Jolokia and the env-then-refresh RCE chain raise alerts; every answer is
 * canned (the heap dump is a few bytes that start like HPROF, never a real dump).
 */
public final class SpringActuatorDecoy implements HttpEmulator {

  /** An HPROF header ("JAVA PROFILE 1.0.2\0", identifier size 8, a timestamp) and nothing after it. */
  static final byte[] HEAPDUMP = heapdump();

  @Override
  public CatalogEntry describe() {
    return new CatalogEntry("spring-actuator", "code execution", "a Spring Boot 2.7 app with all actuator endpoints and Jolokia exposed", 8080,
        List.of("http.actuator_env (HIGH, T1552): GET /actuator/env",
            "http.actuator_heapdump (HIGH, T1552): GET /actuator/heapdump",
            "http.jolokia (CRITICAL, T1190): /jolokia, /jolokia/list, exec",
            "http.actuator_env_write (CRITICAL, T1190): POST /actuator/env or /actuator/refresh"));
  }

  @Override
  public HttpReply handle(HttpRequestView request, Interaction interaction) {
    String path = request.path();
    String excerpt = Excerpts.printable(request.method() + " " + request.rawTarget()
        + (request.body().length > 0 ? " " + Excerpts.printable(request.body(), 200) : ""), 256);
    if (path.startsWith("/jolokia")) {
      interaction.alert("http.jolokia", AlertSeverity.CRITICAL, "T1190", excerpt, Map.of("path", Excerpts.printable(path, 256)));
      return HttpReply.json(200, path.startsWith("/jolokia/list")
          ? "{\"request\":{\"type\":\"list\"},\"value\":{\"java.lang\":{\"type=Runtime\":{\"desc\":\"Information on the management interface of the MBean\"}},"
              + "\"ch.qos.logback.classic\":{\"Name=default,Type=ch.qos.logback.classic.jmx.JMXConfigurator\":{\"op\":{\"reloadByURL\":{\"args\":[{\"name\":\"p1\",\"type\":\"java.net.URL\"}],\"ret\":\"void\"}}}}},\"timestamp\":1700000000,\"status\":200}"
          : path.contains("exec") || request.method().equals("POST")
              ? "{\"request\":{\"type\":\"exec\"},\"value\":null,\"timestamp\":1700000000,\"status\":200}"
              : "{\"request\":{\"type\":\"version\"},\"value\":{\"agent\":\"1.7.2\",\"protocol\":\"7.2\",\"config\":{}},\"timestamp\":1700000000,\"status\":200}");
    }
    String p = path.endsWith("/") && path.length() > 1 ? path.substring(0, path.length() - 1) : path;
    if (request.method().equals("POST") && (p.equals("/actuator/env") || p.equals("/actuator/refresh") || p.equals("/env") || p.equals("/refresh"))) {
      interaction.alert("http.actuator_env_write", AlertSeverity.CRITICAL, "T1190", excerpt, Map.of("path", p));
      return p.endsWith("refresh") ? HttpReply.json(200, "[\"spring.datasource.url\"]") : HttpReply.json(200, "{\"spring.datasource.url\":\"changed\"}");
    }
    switch (p) {
      case "/":
        return HttpReply.json(404, "{\"timestamp\":\"2024-05-02T09:14:03.211+00:00\",\"status\":404,\"error\":\"Not Found\",\"path\":\"/\"}");
      case "/actuator":
        return HttpReply.json(200, links());
      case "/actuator/health":
        return HttpReply.json(200, "{\"status\":\"UP\",\"components\":{\"db\":{\"status\":\"UP\",\"details\":{\"database\":\"PostgreSQL\"}},\"diskSpace\":{\"status\":\"UP\"},\"ping\":{\"status\":\"UP\"}}}");
      case "/actuator/info":
        return HttpReply.json(200, "{\"app\":{\"name\":\"payments-api\",\"version\":\"3.14.2\"}}");
      case "/actuator/env":
      case "/env":
        interaction.alert("http.actuator_env", AlertSeverity.HIGH, "T1552", excerpt, Map.of("path", p));
        return HttpReply.json(200, env());
      case "/actuator/heapdump":
      case "/heapdump":
        interaction.alert("http.actuator_heapdump", AlertSeverity.HIGH, "T1552", excerpt, Map.of("path", p));
        return new HttpReply(200, Map.of("Content-Type", "application/octet-stream", "Content-Disposition", "attachment; filename=\"heapdump\""),
            HEAPDUMP.clone());
      case "/actuator/mappings":
        return HttpReply.json(200, "{\"contexts\":{\"payments-api\":{\"mappings\":{\"dispatcherServlets\":{\"dispatcherServlet\":["
            + "{\"handler\":\"com.example.payments.PaymentController#list()\",\"predicate\":\"{GET [/api/payments]}\"},"
            + "{\"handler\":\"com.example.payments.PaymentController#refund(Long)\",\"predicate\":\"{POST [/api/payments/{id}/refund]}\"}]}}}}}");
      default:
        return HttpReply.json(404, "{\"timestamp\":\"2024-05-02T09:14:03.211+00:00\",\"status\":404,\"error\":\"Not Found\",\"path\":\""
            + Excerpts.printable(p, 200).replace("\\", "\\\\").replace("\"", "\\\"") + "\"}");
    }
  }

  private static String links() {
    StringBuilder json = new StringBuilder("{\"_links\":{\"self\":{\"href\":\"http://localhost:8080/actuator\",\"templated\":false}");
    for (String name : List.of("beans", "health", "info", "env", "heapdump", "threaddump", "mappings", "refresh", "jolokia", "loggers")) {
      json.append(",\"").append(name).append("\":{\"href\":\"http://localhost:8080/actuator/").append(name).append("\",\"templated\":false}");
    }
    return json.append("}}").toString();
  }

  private static String env() {
    return "{\"activeProfiles\":[\"prod\"],\"propertySources\":[{\"name\":\"server.ports\",\"properties\":{\"local.server.port\":{\"value\":8080}}},"
        + "{\"name\":\"systemEnvironment\",\"properties\":{\"JAVA_HOME\":{\"value\":\"/opt/java/openjdk\"},\"HOSTNAME\":{\"value\":\"payments-api-7c9f8\"}}},"
        + "{\"name\":\"Config resource 'class path resource [application-prod.yml]'\",\"properties\":{"
        + "\"spring.datasource.url\":{\"value\":\"jdbc:postgresql://db-primary.internal:5432/payments\"},"
        + "\"spring.datasource.username\":{\"value\":\"payments_app\"},"
        + "\"spring.datasource.password\":{\"value\":\"Pr0d-Paym3nts!2024\"},"
        + "\"cloud.aws.credentials.access-key\":{\"value\":\"AKIAIOSFODNN7EXAMPLE\"},"
        + "\"cloud.aws.credentials.secret-key\":{\"value\":\"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\"},"
        + "\"eureka.client.serviceUrl.defaultZone\":{\"value\":\"http://eureka.internal:8761/eureka/\"}}}]}";
  }

  private static byte[] heapdump() {
    byte[] magic = "JAVA PROFILE 1.0.2\0".getBytes(StandardCharsets.US_ASCII);
    byte[] out = new byte[magic.length + 4 + 8];
    System.arraycopy(magic, 0, out, 0, magic.length);
    out[magic.length + 3] = 8;
    long time = 1714641243000L;
    for (int i = 0; i < 8; i++) {
      out[out.length - 1 - i] = (byte) (time >>> (8 * i));
    }
    return out;
  }
}
