package dev.moat.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * A real, headless ZAP 2.17 started for a test on 127.0.0.1, from the jars {@code src/test/zap-runtime} fetches
 * from Maven Central. Only ZAP's core and the add-ons on Central (network, commonlib, spider) are there, so the
 * home directory is assembled the way ZAP expects an installation: the network add-on is repackaged as a
 * {@code .zap} with the libraries its manifest declares, the others are renamed, and placeholder add-ons holding
 * only a {@code ZapAddOn.xml} stand in for the mandatory {@code callhome} and for {@code database} (which the
 * spider declares but does not need here). Extra add-ons (a test's own scan rule) go into the same folder.
 */
public final class ZapDaemon implements AutoCloseable {

  private static final Set<String> ADD_ONS = Set.of("network", "commonlib", "spider");

  private final Process process;
  private final URI apiUrl;
  private final String apiKey;
  private final Path log;

  private ZapDaemon(Process process, URI apiUrl, String apiKey, Path log) {
    this.process = process;
    this.apiUrl = apiUrl;
    this.apiKey = apiKey;
    this.log = log;
  }

  /** The folder of ZAP's jars, or empty when they were not fetched (then tests skip and say how to fetch them). */
  public static Optional<Path> runtime() {
    String property = System.getProperty("moat.zap.lib");
    List<Path> candidates = new ArrayList<>();
    if (property != null) {
      candidates.add(Path.of(property));
    }
    candidates.add(Path.of("zap-runtime/target/zap-lib"));
    candidates.add(Path.of("src/test/zap-runtime/target/zap-lib"));
    return candidates.stream().filter(p -> Files.isRegularFile(p.resolve("zap-2.17.0.jar"))).findFirst().map(Path::toAbsolutePath);
  }

  public static String fetchHint() {
    return "ZAP is not fetched: run ./mvnw -q -B -ntp -f src/test/zap-runtime/pom.xml dependency:copy-dependencies (.ci/run does)";
  }

  /** Starts ZAP with its home in {@code work} and these extra add-on files, and waits until its API answers. */
  public static ZapDaemon start(Path lib, Path work, List<Path> extraAddOns) throws IOException, InterruptedException {
    Path home = work.resolve("home");
    Path plugins = home.resolve("plugin");
    Files.createDirectories(plugins);
    List<Path> jars;
    try (Stream<Path> s = Files.list(lib)) {
      jars = s.filter(p -> p.toString().endsWith(".jar")).sorted().toList();
    }
    List<String> addOnLibs = new ArrayList<>();
    for (Path jar : jars) {
      String name = jar.getFileName().toString();
      Matcher m = Pattern.compile("(network|commonlib|spider)-(\\d[\\w.]*)\\.jar").matcher(name);
      if (m.matches() && ADD_ONS.contains(m.group(1))) {
        String status = m.group(1).equals("network") ? "beta" : "release";
        Path target = plugins.resolve(m.group(1) + "-" + status + "-" + m.group(2) + ".zap");
        List<String> declared = declaredLibs(jar);
        addOnLibs.addAll(declared);
        repackage(jar, target, lib, declared);
      }
    }
    placeholder(plugins, "callhome");
    placeholder(plugins, "database");
    for (Path extra : extraAddOns) {
      Files.copy(extra, plugins.resolve(extra.getFileName()));
    }
    // The app class path: ZAP's core and its libraries, but not the add-ons nor what they bring themselves
    // (two copies of slf4j in two class loaders break the network add-on), nor the slf4j binding.
    StringBuilder cp = new StringBuilder();
    for (Path jar : jars) {
      String name = jar.getFileName().toString();
      boolean addOn = ADD_ONS.stream().anyMatch(a -> name.matches(a + "-\\d.*\\.jar"));
      if (addOn || addOnLibs.contains("libs/" + name) || name.startsWith("log4j-slf4j")) {
        continue;
      }
      cp.append(cp.length() == 0 ? "" : java.io.File.pathSeparator).append(jar);
    }
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    String key = HexFormat.of().formatHex(new SecureRandom().generateSeed(12));
    Path log = work.resolve("zap.log");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process process = new ProcessBuilder(java, "-Xmx768m", "-cp", cp.toString(), "org.zaproxy.zap.ZAP", "-daemon", "-silent",
        "-host", "127.0.0.1", "-port", Integer.toString(port), "-dir", home.toString(),
        "-config", "api.key=" + key, "-config", "api.addrs.addr(0).name=127.0.0.1", "-config", "api.addrs.addr(1).name=zap")
        .directory(work.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    ZapDaemon zap = new ZapDaemon(process, URI.create("http://127.0.0.1:" + port), key, log);
    zap.awaitApi(Duration.ofSeconds(120));
    return zap;
  }

  public URI apiUrl() {
    return apiUrl;
  }

  public String apiKey() {
    return apiKey;
  }

  public Path log() {
    return log;
  }

  private void awaitApi(Duration timeout) throws IOException, InterruptedException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IOException("ZAP exited with " + process.exitValue() + "; see " + log + ": " + tail());
      }
      try {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(apiUrl.resolve("/JSON/core/view/version/?apikey=" + apiKey)).build(),
            HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200 && r.body().contains("version")) {
          return;
        }
      } catch (IOException e) {
        // not up yet
      }
      Thread.sleep(500);
    }
    close();
    throw new IOException("ZAP's API did not answer within " + timeout.toSeconds() + " s; see " + log + ": " + tail());
  }

  private String tail() throws IOException {
    List<String> lines = Files.exists(log) ? Files.readAllLines(log) : List.of();
    return String.join(" | ", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
  }

  private static List<String> declaredLibs(Path jar) throws IOException {
    try (JarFile j = new JarFile(jar.toFile())) {
      ZipEntry manifest = j.getEntry("ZapAddOn.xml");
      if (manifest == null) {
        return List.of();
      }
      String xml = new String(j.getInputStream(manifest).readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      List<String> libs = new ArrayList<>();
      Matcher m = Pattern.compile("<lib>([^<]+)</lib>").matcher(xml);
      while (m.find()) {
        libs.add(m.group(1).trim());
      }
      return libs;
    }
  }

  private static void repackage(Path jar, Path target, Path lib, List<String> declared) throws IOException {
    try (JarFile in = new JarFile(jar.toFile()); ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(target))) {
      for (JarEntry e : java.util.Collections.list(in.entries())) {
        out.putNextEntry(new ZipEntry(e.getName()));
        in.getInputStream(e).transferTo(out);
        out.closeEntry();
      }
      for (String libEntry : declared) {
        Path file = lib.resolve(Path.of(libEntry).getFileName());
        if (!Files.isRegularFile(file)) {
          throw new IOException(jar.getFileName() + " declares " + libEntry + ", which is not in " + lib);
        }
        out.putNextEntry(new ZipEntry(libEntry));
        Files.copy(file, out);
        out.closeEntry();
      }
    }
  }

  private static void placeholder(Path plugins, String id) throws IOException {
    try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(plugins.resolve(id + "-release-1.0.0.zap")))) {
      out.putNextEntry(new ZipEntry("ZapAddOn.xml"));
      String xml = "<zapaddon><name>" + id + "</name><version>1.0.0</version><status>release</status>"
          + "<description>placeholder for a test</description><author>Moat tests</author>"
          + "<not-before-version>2.17.0</not-before-version></zapaddon>";
      out.write(xml.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      out.closeEntry();
    }
  }

  /** Writes a {@code .zap} add-on file: the manifest plus compiled classes under {@code classes}. */
  public static Path addOn(Path target, byte[] zapAddOnXml, Path classes) throws IOException {
    try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(target)); Stream<Path> walk = Files.walk(classes)) {
      out.putNextEntry(new ZipEntry("ZapAddOn.xml"));
      out.write(zapAddOnXml);
      out.closeEntry();
      for (Path p : walk.filter(Files::isRegularFile).sorted().toList()) {
        out.putNextEntry(new ZipEntry(classes.relativize(p).toString().replace('\\', '/')));
        Files.copy(p, out);
        out.closeEntry();
      }
    }
    return target;
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroy();
      try {
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }

}
