package dev.moat.decoy;

import java.nio.ByteBuffer;

/**
 * A decoy that speaks a byte-stream protocol (Redis RESP, a banner service). The runtime owns the socket, read
 * limits and idle timeouts; the emulator gets bytes as they arrive and answers from canned data.
 */
public interface StreamEmulator extends Emulator {

  /** The protocol its alerts name ({@code redis}, {@code tcp}); the runtime raises {@code <protocol>.connect} on every connection. */
  default String protocol() {
    return describe().type();
  }

  /** A new connection; the session lives until either side closes. */
  Session open(Interaction interaction, Output output);

  /** One connection's state. Calls are never concurrent for one session. */
  interface Session {
    /** Bytes arrived. The emulator keeps at most its own bounded buffer of unparsed input. */
    void onData(ByteBuffer data);

    default void onClose() {}
  }

  /** The way back to the client. */
  interface Output {
    void write(byte[] bytes);

    /** Closes after everything written so far is flushed. */
    void close();
  }
}
