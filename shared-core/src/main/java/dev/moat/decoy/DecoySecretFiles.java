package dev.moat.decoy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The files a deployed decoy needs that a pod cannot read from the machine that deploys it: the operator's TLS
 * certificate and key ({@code tls: {cert, key}}) and SSH host key ({@code hostKey}). They travel in a Secret mounted
 * read-only into the pod; the decoy's {@code decoys.yaml} entry in its ConfigMap then names the mounted files.
 * {@link #toString()} never shows the contents.
 */
public final class DecoySecretFiles {

  public static final String TLS_CERT = "tls.crt";
  public static final String TLS_KEY = "tls.key";
  public static final String SSH_HOST_KEY = "ssh-host-key";

  private final Map<String, byte[]> contents;
  private final Map<String, Path> sources;

  private DecoySecretFiles(Map<String, byte[]> contents, Map<String, Path> sources) {
    this.contents = contents;
    this.sources = sources;
  }

  /** The files a decoy of {@code decoys.yaml} names, read now; null when it names none. */
  public static DecoySecretFiles of(DecoySpec spec) throws IOException {
    Map<String, Path> sources = new LinkedHashMap<>();
    if (spec.tls() != null && !spec.tls().isGenerated()) {
      sources.put(TLS_CERT, spec.tls().certificate());
      sources.put(TLS_KEY, spec.tls().privateKey());
    }
    if (spec.emulator() instanceof SshEmulator ssh && !ssh.hostKey().inMemory() && !ssh.hostKey().generate()) {
      sources.put(SSH_HOST_KEY, ssh.hostKey().file());
    }
    if (sources.isEmpty()) {
      return null;
    }
    Map<String, byte[]> contents = new LinkedHashMap<>();
    for (Map.Entry<String, Path> e : sources.entrySet()) {
      contents.put(e.getKey(), Files.readAllBytes(e.getValue()));
    }
    return new DecoySecretFiles(Collections.unmodifiableMap(contents), Collections.unmodifiableMap(sources));
  }

  public boolean has(String name) {
    return contents.containsKey(name);
  }

  /** Where each file was read from, by its name in the Secret. */
  public Map<String, Path> sources() {
    return sources;
  }

  /** The Secret's {@code data}: each file base64-encoded, by its name. */
  Map<String, String> base64Data() {
    Map<String, String> data = new LinkedHashMap<>();
    contents.forEach((k, v) -> data.put(k, Base64.getEncoder().encodeToString(v)));
    return data;
  }

  @Override
  public String toString() {
    return "DecoySecretFiles" + sources.keySet() + " (contents not shown)";
  }
}
