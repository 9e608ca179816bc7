package dev.moat.whitelist;

import dev.moat.Failure;
import dev.moat.MoatException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

/**
 * fapolicyd (1.1.x) files: a trust file for {@code /etc/fapolicyd/trust.d/} — one {@code path size sha256} line
 * per file, the path as the host sees it (root prefix + path in the image) with whitespace and {@code %}
 * escaped as {@code %XX}, as {@code fapolicyd-cli --file add} writes it — and a rules file for
 * {@code /etc/fapolicyd/rules.d/} that lets trusted files execute under the root and denies every other
 * execution there. A whitelist of several platforms gives one trust file per platform ({@code NAME-linux-arm64.trust}). With the default root {@code /} that is the whole machine: deploy it only where the
 * trust database covers the host.
 */
final class FapolicydExporter implements WhitelistExporter {

  @Override
  public List<ExportedFile> export(Whitelist whitelist, ExportOptions options) throws MoatException {
    String root = root(options.rootPrefix());
    String name = options.name() == null ? KubernetesTarget.derivedName(whitelist.image()) : options.name();
    if (!name.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
      throw new MoatException(Failure.INVALID_INPUT, "name '" + name + "' cannot name a fapolicyd file", "use letters, digits, '.', '_' and '-'");
    }
    String dir = root.equals("/") ? "/" : root + "/";
    String object = dir.equals("/") ? "all" : "dir=" + dir;
    // A host runs one platform, and fapolicyd keys its trust on the path: two platforms' hashes for one path in one
    // trust file would leave it to the database which one counts. So one trust file per platform, one set of rules.
    boolean perPlatform = whitelist.platforms().size() > 1;
    List<ExportedFile> files = new ArrayList<>();
    for (PlatformWhitelist platform : whitelist.platforms()) {
      TreeSet<String> lines = new TreeSet<>();
      for (WhitelistEntry entry : platform.entries()) {
        if (entry.kind().isFile()) {
          String hostPath = root.equals("/") ? entry.path() : root + entry.path();
          lines.add(escape(hostPath) + " " + entry.size() + " " + entry.sha256().toLowerCase(Locale.ROOT));
        }
      }
      StringBuilder trust = new StringBuilder();
      trust.append("# Moat whitelist of ").append(whitelist.image().reference()).append(" (").append(whitelist.image().digest()).append(")\n");
      trust.append("# platform: ").append(platform.platform()).append(" (").append(platform.manifestDigest()).append(")\n");
      trust.append("# root: ").append(root).append("\n#  FULL PATH        SIZE                             SHA256\n");
      lines.forEach(l -> trust.append(l).append('\n'));
      String trustName = perPlatform ? name + "-" + platform.platform().replace('/', '-') : name;
      files.add(new ExportedFile(trustName + ".trust", trust.toString().getBytes(StandardCharsets.UTF_8)));
    }
    String trustFiles = perPlatform ? "trust.d/" + name + "-<os>-<arch>.trust, the one for this host's platform" : "trust.d/" + name + ".trust";
    String rules = "# Moat whitelist of " + whitelist.image().reference() + " (" + whitelist.image().digest() + ")\n"
        + "# Only files in the trust database (" + trustFiles + ", integrity = sha256) may execute under " + dir + "\n"
        + "allow perm=execute all : " + (dir.equals("/") ? "" : object + " ") + "trust=1\n"
        + "deny_audit perm=execute all : " + object + "\n";
    files.add(new ExportedFile("35-" + name + ".rules", rules.getBytes(StandardCharsets.UTF_8)));
    return files;
  }

  private static String root(String prefix) throws MoatException {
    if (prefix == null || prefix.isEmpty() || prefix.equals("/")) {
      return "/";
    }
    if (!prefix.startsWith("/") || prefix.contains("/../") || prefix.endsWith("/..") || prefix.chars().anyMatch(c -> c <= ' ')) {
      throw new MoatException(Failure.INVALID_INPUT, "root prefix '" + prefix + "' is not an absolute path without spaces or '..'",
          "give the directory where the image's root filesystem is unpacked, e.g. /var/lib/app/rootfs");
    }
    return prefix.replaceAll("/+$", "");
  }

  /** fapolicyd splits trust lines on spaces: whitespace, control characters and '%' become %XX. */
  static String escape(String path) {
    StringBuilder out = new StringBuilder();
    for (byte b : path.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if (c <= ' ' || c == '%' || c == 0x7f) {
        out.append('%').append(String.format(Locale.ROOT, "%02X", c));
      } else {
        out.append((char) c);
      }
    }
    return new String(out.toString().getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
  }
}
