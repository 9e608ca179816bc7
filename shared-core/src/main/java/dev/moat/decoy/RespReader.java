package dev.moat.decoy;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads Redis commands from a byte stream, RESP multibulk ({@code *2\r\n$3\r\nGET\r\n$1\r\nk\r\n}) or inline
 * ({@code PING\r\n}), with hard bounds: unparsed input never exceeds {@link #MAX_BUFFER} bytes, a bulk string
 * {@link #MAX_BULK} bytes, a command {@link #MAX_ARGS} arguments. Input beyond a bound is a protocol error, as Redis
 * itself answers oversized or malformed requests.
 */
final class RespReader {

  static final int MAX_BUFFER = 1 << 20;
  static final int MAX_BULK = 512 * 1024;
  static final int MAX_ARGS = 1024;

  /** A malformed or oversized request: Redis answers {@code -ERR Protocol error: …} and closes. */
  static final class ProtocolError extends Exception {
    private static final long serialVersionUID = 1L;

    ProtocolError(String message) {
      super(message, null, false, false);
    }
  }

  private byte[] buffer = new byte[0];

  /** Appends input and returns every complete command in it (each a list of arguments). */
  List<List<String>> feed(ByteBuffer data) throws ProtocolError {
    if (buffer.length + data.remaining() > MAX_BUFFER) {
      throw new ProtocolError("too big request");
    }
    ByteArrayOutputStream joined = new ByteArrayOutputStream(buffer.length + data.remaining());
    joined.writeBytes(buffer);
    byte[] incoming = new byte[data.remaining()];
    data.get(incoming);
    joined.writeBytes(incoming);
    byte[] all = joined.toByteArray();
    List<List<String>> commands = new ArrayList<>();
    int pos = 0;
    while (pos < all.length) {
      int[] next = new int[1];
      List<String> command = all[pos] == '*' ? multibulk(all, pos, next) : inline(all, pos, next);
      if (command == null) {
        break;
      }
      pos = next[0];
      if (!command.isEmpty()) {
        commands.add(command);
      }
    }
    buffer = java.util.Arrays.copyOfRange(all, pos, all.length);
    return commands;
  }

  private static List<String> inline(byte[] in, int start, int[] next) throws ProtocolError {
    int end = indexOf(in, start, (byte) '\n');
    if (end < 0) {
      if (in.length - start > 64 * 1024) {
        throw new ProtocolError("too big inline request");
      }
      return null;
    }
    next[0] = end + 1;
    String line = new String(in, start, end - start, StandardCharsets.ISO_8859_1).replaceAll("\r$", "");
    List<String> args = new ArrayList<>();
    for (String part : line.trim().split("\\s+")) {
      if (!part.isEmpty()) {
        args.add(part);
      }
    }
    if (args.size() > MAX_ARGS) {
      throw new ProtocolError("too many arguments");
    }
    return args;
  }

  private static List<String> multibulk(byte[] in, int start, int[] next) throws ProtocolError {
    int lineEnd = indexOf(in, start, (byte) '\n');
    if (lineEnd < 0) {
      return null;
    }
    int count = number(in, start + 1, lineEnd, "invalid multibulk length");
    if (count > MAX_ARGS) {
      throw new ProtocolError("invalid multibulk length");
    }
    int pos = lineEnd + 1;
    List<String> args = new ArrayList<>(Math.max(count, 0));
    for (int i = 0; i < count; i++) {
      if (pos >= in.length) {
        return null;
      }
      if (in[pos] != '$') {
        throw new ProtocolError("expected '$', got '" + (char) in[pos] + "'");
      }
      int end = indexOf(in, pos, (byte) '\n');
      if (end < 0) {
        return null;
      }
      int length = number(in, pos + 1, end, "invalid bulk length");
      if (length < 0 || length > MAX_BULK) {
        throw new ProtocolError("invalid bulk length");
      }
      if (end + 1 + length + 2 > in.length) {
        return null;
      }
      args.add(new String(in, end + 1, length, StandardCharsets.ISO_8859_1));
      pos = end + 1 + length + 2;
    }
    next[0] = pos;
    return args;
  }

  private static int number(byte[] in, int from, int lineEnd, String error) throws ProtocolError {
    int to = lineEnd > from && in[lineEnd - 1] == '\r' ? lineEnd - 1 : lineEnd;
    if (to - from > 10 || to <= from) {
      throw new ProtocolError(error);
    }
    try {
      return Integer.parseInt(new String(in, from, to - from, StandardCharsets.US_ASCII));
    } catch (NumberFormatException e) {
      throw new ProtocolError(error);
    }
  }

  private static int indexOf(byte[] in, int from, byte b) {
    for (int i = from; i < in.length; i++) {
      if (in[i] == b) {
        return i;
      }
    }
    return -1;
  }
}
