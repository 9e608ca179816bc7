package dev.moat.decoy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The canned filesystem the file-read, ping and SSH decoys show: a handful of tempting files whose content ships in
 * the jar ({@code dev/moat/decoy/fakefs/}). Every secret in it is fake. Nothing here touches the real filesystem.
 */
public final class FakeFilesystem {

  private static final String RESOURCES = "/dev/moat/decoy/fakefs/";
  private static final Map<String, String> FILES = files();
  /** Files that exist but that a web server or unprivileged shell user may not read. */
  private static final Set<String> UNREADABLE = Set.of("/etc/shadow", "/etc/sudoers", "/etc/gshadow");

  private final Map<String, byte[]> content = new LinkedHashMap<>();

  private FakeFilesystem() {}

  private static Map<String, String> files() {
    Map<String, String> files = new LinkedHashMap<>();
    files.put("/etc/passwd", "etc_passwd");
    files.put("/etc/hosts", "etc_hosts");
    files.put("/etc/hostname", "etc_hostname");
    files.put("/etc/os-release", "etc_os-release");
    files.put("/proc/self/environ", "proc_self_environ");
    files.put("/var/www/app/.env", "app_env");
    files.put("/root/.ssh/id_rsa", "root_ssh_id_rsa");
    files.put("/root/.ssh/authorized_keys", "root_ssh_authorized_keys");
    files.put("/root/.bash_history", "root_bash_history");
    files.put("/var/www/app/files/report.pdf", "report_pdf");
    return Collections.unmodifiableMap(files);
  }

  /** The built-in fake filesystem, loaded from the jar. */
  public static FakeFilesystem canned() {
    FakeFilesystem fs = new FakeFilesystem();
    for (Map.Entry<String, String> file : FILES.entrySet()) {
      try (InputStream in = FakeFilesystem.class.getResourceAsStream(RESOURCES + file.getValue())) {
        if (in == null) {
          throw new IllegalStateException("missing canned file " + file.getValue());
        }
        fs.content.put(file.getKey(), in.readAllBytes());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return fs;
  }

  public String hostname() {
    return new String(content.get("/etc/hostname"), StandardCharsets.UTF_8).trim();
  }

  /** The content of a file, by absolute normalised path; empty when there is no such file. */
  public Optional<byte[]> read(String absolutePath) {
    byte[] bytes = content.get(absolutePath);
    return bytes == null ? Optional.empty() : Optional.of(bytes.clone());
  }

  /** Whether the path names a file that exists but cannot be read by the decoy's pretend user. */
  public boolean permissionDenied(String absolutePath) {
    return UNREADABLE.contains(absolutePath);
  }

  public boolean isDirectory(String absolutePath) {
    String prefix = absolutePath.endsWith("/") ? absolutePath : absolutePath + "/";
    return content.keySet().stream().anyMatch(p -> p.startsWith(prefix)) || List.of("/", "/tmp", "/home").contains(absolutePath);
  }

  /** The names directly under a directory, sorted. */
  public List<String> list(String directory) {
    String prefix = directory.endsWith("/") ? directory : directory + "/";
    Set<String> names = new TreeSet<>();
    for (String path : content.keySet()) {
      if (path.startsWith(prefix)) {
        String rest = path.substring(prefix.length());
        int slash = rest.indexOf('/');
        names.add(slash < 0 ? rest : rest.substring(0, slash));
      }
    }
    for (String p : UNREADABLE) {
      if (p.startsWith(prefix) && p.indexOf('/', prefix.length()) < 0) {
        names.add(p.substring(prefix.length()));
      }
    }
    return List.copyOf(names);
  }

  /**
   * Resolves {@code path} against {@code workingDirectory} the way a kernel would, as text only: {@code ..} never
   * climbs above {@code /}, {@code .} and empty segments vanish, backslashes count as separators.
   */
  public static String resolve(String workingDirectory, String path) {
    String p = path.replace('\\', '/');
    String joined = p.startsWith("/") ? p : workingDirectory + "/" + p;
    Deque<String> parts = new ArrayDeque<>();
    for (String segment : joined.split("/")) {
      if (segment.isEmpty() || segment.equals(".")) {
        continue;
      }
      if (segment.equals("..")) {
        parts.pollLast();
      } else {
        parts.addLast(segment);
      }
    }
    return "/" + String.join("/", parts);
  }
}
