package dev.moat.decoy.alert;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.moat.HttpClients;
import dev.moat.decoy.Alert;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Objects;

/**
 * POSTs each alert to a URL, one request per alert: Moat's generic JSON ({@link AlertJson}) or a Slack incoming-webhook
 * body ({@code {"text": …, "blocks": […]}}). Any 2xx answer accepts the alert; anything else, or no answer, is retried.
 * Every request carries the alert's stable id in {@code X-Moat-Alert-Id} (and in the body) for receivers to dedupe.
 */
public final class WebhookSink implements AlertSink {

  public enum Format {
    GENERIC,
    SLACK
  }

  private final String name;
  private final URI url;
  private final Format format;
  private final HttpClient client;

  public WebhookSink(String name, URI url, Format format) {
    this.name = Objects.requireNonNull(name, "name");
    this.url = Objects.requireNonNull(url, "url");
    this.format = Objects.requireNonNull(format, "format");
    this.client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).followRedirects(HttpClient.Redirect.NEVER).build();
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public void deliver(SpooledAlert alert) throws IOException {
    String body = format == Format.SLACK ? slackBody(alert) : AlertJson.line(alert);
    HttpRequest request = HttpRequest.newBuilder(url)
        .timeout(Duration.ofSeconds(10))
        .header("Content-Type", "application/json")
        .header("X-Moat-Alert-Id", alert.id())
        .POST(HttpRequest.BodyPublishers.ofString(body))
        .build();
    HttpResponse<Void> response;
    try {
      response = client.send(request, HttpResponse.BodyHandlers.discarding());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while posting to " + url, e);
    }
    if (response.statusCode() / 100 != 2) {
      throw new IOException(url + " answered HTTP " + response.statusCode());
    }
  }

  @Override
  public void close() {
    HttpClients.shutdownNow(client);
  }

  /** Slack's incoming-webhook body: a plain {@code text} fallback and one mrkdwn section block. */
  public static String slackBody(SpooledAlert spooled) {
    Alert a = spooled.alert();
    String text = ":rotating_light: [" + a.severity().jsonName() + "] " + FalcoJsonSink.summary(a);
    ObjectNode n = AlertJson.MAPPER.createObjectNode();
    n.put("text", text);
    ObjectNode section = n.putArray("blocks").addObject();
    section.put("type", "section");
    ObjectNode t = section.putObject("text");
    t.put("type", "mrkdwn");
    t.put("text", "*" + a.action() + "* on decoy `" + a.decoyName() + "` (" + a.decoyType() + ") from `" + a.sourceIp() + ":" + a.sourcePort()
        + "`" + (a.count() > 1 ? " ×" + a.count() : "") + "\nseverity " + a.severity().jsonName()
        + (a.mitreTechnique() == null ? "" : ", MITRE " + a.mitreTechnique()) + ", id " + spooled.id() + "\n```" + a.excerpt().replace("```", "'''")
        + "```");
    return n.toString();
  }
}
