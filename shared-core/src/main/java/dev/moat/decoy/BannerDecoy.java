package dev.moat.decoy;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The generic {@code tcp-banner} decoy: greets with a banner, answers each line from the first canned reply whose
 * pattern matches it, and alerts on every line received.
 */
public final class BannerDecoy implements StreamEmulator {

  /** Longest line kept; the rest of a longer line is dropped. */
  static final int MAX_LINE = 4096;

  /**
   * One canned reply.
   *
   * @param pattern a regular expression matched against the whole line, without its line ending
   * @param reply the bytes answered (text, as written in the config)
   */
  public record CannedReply(Pattern pattern, String reply) {}

  private final String banner;
  private final List<CannedReply> replies;
  private final AlertSeverity severity;
  private final String action;

  public BannerDecoy(String banner, List<CannedReply> replies, AlertSeverity severity, String action) {
    this.banner = banner;
    this.replies = List.copyOf(replies);
    this.severity = severity;
    this.action = action;
  }

  @Override
  public CatalogEntry describe() {
    return new CatalogEntry("tcp-banner", "custom", "any line-based TCP service, from the banner in decoys.yaml", 0,
        List.of("every connection: tcp.connect (info)", "every line: tcp.line or the configured action, at the configured severity"));
  }

  @Override
  public String protocol() {
    return "tcp";
  }

  @Override
  public Session open(Interaction interaction, Output output) {
    if (!banner.isEmpty()) {
      output.write(banner.getBytes(StandardCharsets.UTF_8));
    }
    return new Session() {
      private final ByteArrayOutputStream line = new ByteArrayOutputStream();
      private boolean overlong;

      @Override
      public void onData(ByteBuffer data) {
        while (data.hasRemaining()) {
          byte b = data.get();
          if (b == '\n') {
            onLine();
          } else if (line.size() < MAX_LINE) {
            line.write(b);
          } else {
            overlong = true;
          }
        }
      }

      private void onLine() {
        String text = line.toString(StandardCharsets.ISO_8859_1);
        if (text.endsWith("\r")) {
          text = text.substring(0, text.length() - 1);
        }
        line.reset();
        interaction.alert(action, severity, null, text, overlong ? Map.of("cut", "true") : Map.of());
        overlong = false;
        for (CannedReply reply : replies) {
          if (reply.pattern().matcher(text).matches()) {
            output.write(reply.reply().getBytes(StandardCharsets.UTF_8));
            return;
          }
        }
      }
    };
  }
}
