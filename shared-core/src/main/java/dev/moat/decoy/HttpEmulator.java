package dev.moat.decoy;

/**
 * A decoy that speaks HTTP: the runtime parses and bounds the request, the emulator answers from canned data
 * and raises alerts through the {@link Interaction}. It must never execute, evaluate, deserialise or fetch
 * anything from the request.
 */
public interface HttpEmulator extends Emulator {

  /** Extra headers on every answer ({@code Server: …}), to look like the real thing. */
  default java.util.Map<String, String> serverHeaders() {
    return java.util.Map.of();
  }

  /**
   * TLS this decoy type serves unless its {@code decoys.yaml} entry says {@code tls: false}: null (plain HTTP) for most;
   * the kubelet serves HTTPS with a generated certificate, as a kubelet given no certificate does.
   */
  default DecoyTls defaultTls() {
    return null;
  }

  HttpReply handle(HttpRequestView request, Interaction interaction);
}
