package dev.moat.whitelist;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads what the whitelist needs from an ELF file while its bytes stream past, without buffering the file:
 * the ELF header, the program headers, the PT_INTERP string and, for an ET_DYN file without PT_INTERP, the
 * DT_FLAGS_1 entry of the PT_DYNAMIC segment (DF_1_PIE tells a static-pie from a shared library).
 *
 * <p>Feed every byte of the file in order with {@link #feed}; the classifier copies only the byte ranges it
 * asked for (the header, then the program header table, then the interpreter and the dynamic segment, each
 * bounded) and ignores the rest. A range that lies before the bytes already seen (a program header table
 * after the segments it describes, which no linker writes) is simply not found: the file then classifies
 * as if it had no such segment. 32- and 64-bit, little- and big-endian files are read.
 */
final class ElfClassifier {

  static final int ET_REL = 1;
  static final int ET_EXEC = 2;
  static final int ET_DYN = 3;
  static final int ET_CORE = 4;

  private static final int PT_DYNAMIC = 2;
  private static final int PT_INTERP = 3;
  private static final long DT_NULL = 0;
  private static final long DT_FLAGS_1 = 0x6ffffffbL;
  private static final long DF_1_PIE = 0x08000000L;
  private static final int HEADER_BYTES = 64;
  /** Bounds on what is captured: program header tables and dynamic segments are far smaller in practice. */
  private static final int MAX_PROGRAM_HEADERS_BYTES = 64 * 1024;
  private static final int MAX_INTERP_BYTES = 4096;
  private static final int MAX_DYNAMIC_BYTES = 64 * 1024;

  private final List<Range> pending = new ArrayList<>();
  private long position;
  private boolean elf;
  private boolean wide;
  private ByteOrder order;
  private int type = -1;
  private String interpreter;
  private boolean pie;

  ElfClassifier() {
    pending.add(new Range(0, HEADER_BYTES, Purpose.HEADER));
  }

  /** Whether {@code prefix} starts with the ELF magic {@code 0x7f 'E' 'L' 'F'}. */
  static boolean hasMagic(byte[] prefix, int length) {
    return length >= 4 && prefix[0] == 0x7f && prefix[1] == 'E' && prefix[2] == 'L' && prefix[3] == 'F';
  }

  /** Classifies a whole file read from {@code in} (the caller closes it). */
  static Result classify(InputStream in) throws IOException {
    ElfClassifier classifier = new ElfClassifier();
    byte[] buffer = new byte[64 * 1024];
    int n;
    while ((n = in.read(buffer)) >= 0) {
      classifier.feed(buffer, 0, n);
    }
    return classifier.result();
  }

  /** The next {@code length} bytes of the file. */
  void feed(byte[] buffer, int offset, int length) {
    long start = position;
    long end = start + length;
    boolean progressed = true;
    while (progressed && !pending.isEmpty()) {
      progressed = false;
      for (Range range : List.copyOf(pending)) {
        long from = range.offset + range.filled;
        if (from < start) {
          pending.remove(range); // its bytes went past before it was asked for
          continue;
        }
        if (from >= end) {
          continue;
        }
        int count = (int) Math.min(range.bytes.length - range.filled, end - from);
        System.arraycopy(buffer, offset + (int) (from - start), range.bytes, range.filled, count);
        range.filled += count;
        if (range.filled == range.bytes.length) {
          pending.remove(range);
          complete(range);
          progressed = true;
        }
      }
    }
    position = end;
  }

  /** What the bytes fed so far say. */
  Result result() {
    return new Result(elf, type, interpreter, pie);
  }

  private void complete(Range range) {
    ByteBuffer bytes = ByteBuffer.wrap(range.bytes);
    switch (range.purpose) {
      case HEADER -> header(bytes);
      case PROGRAM_HEADERS -> programHeaders(bytes, range.entrySize);
      case INTERP -> interpreter = cString(range.bytes);
      case DYNAMIC -> dynamic(bytes);
      default -> throw new IllegalStateException();
    }
  }

  private void header(ByteBuffer bytes) {
    byte[] b = bytes.array();
    if (!hasMagic(b, b.length) || (b[4] != 1 && b[4] != 2) || (b[5] != 1 && b[5] != 2)) {
      return;
    }
    elf = true;
    wide = b[4] == 2;
    order = b[5] == 1 ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
    bytes.order(order);
    type = Short.toUnsignedInt(bytes.getShort(16));
    long phoff = wide ? bytes.getLong(32) : Integer.toUnsignedLong(bytes.getInt(28));
    int phentsize = Short.toUnsignedInt(bytes.getShort(wide ? 54 : 42));
    int phnum = Short.toUnsignedInt(bytes.getShort(wide ? 56 : 44));
    long tableBytes = (long) phentsize * phnum;
    if (phoff <= 0 || phnum == 0 || phentsize < (wide ? 56 : 32) || tableBytes > MAX_PROGRAM_HEADERS_BYTES) {
      return;
    }
    Range table = new Range(phoff, (int) tableBytes, Purpose.PROGRAM_HEADERS);
    table.entrySize = phentsize;
    pending.add(table);
  }

  private void programHeaders(ByteBuffer bytes, int entrySize) {
    bytes.order(order);
    for (int at = 0; at + entrySize <= bytes.capacity(); at += entrySize) {
      long kind = Integer.toUnsignedLong(bytes.getInt(at));
      long offset = wide ? bytes.getLong(at + 8) : Integer.toUnsignedLong(bytes.getInt(at + 4));
      long size = wide ? bytes.getLong(at + 32) : Integer.toUnsignedLong(bytes.getInt(at + 16));
      if (kind == PT_INTERP && size > 0 && size <= MAX_INTERP_BYTES && offset >= 0) {
        pending.add(new Range(offset, (int) size, Purpose.INTERP));
      } else if (kind == PT_DYNAMIC && size > 0 && offset >= 0) {
        pending.add(new Range(offset, (int) Math.min(size, MAX_DYNAMIC_BYTES), Purpose.DYNAMIC));
      }
    }
  }

  private void dynamic(ByteBuffer bytes) {
    bytes.order(order);
    int step = wide ? 16 : 8;
    for (int at = 0; at + step <= bytes.capacity(); at += step) {
      long tag = wide ? bytes.getLong(at) : bytes.getInt(at);
      long value = wide ? bytes.getLong(at + 8) : Integer.toUnsignedLong(bytes.getInt(at + 4));
      if (tag == DT_NULL) {
        return;
      }
      if (tag == DT_FLAGS_1 && (value & DF_1_PIE) != 0) {
        pie = true;
      }
    }
  }

  private static String cString(byte[] bytes) {
    int end = 0;
    while (end < bytes.length && bytes[end] != 0) {
      end++;
    }
    return end == 0 ? null : new String(bytes, 0, end, StandardCharsets.UTF_8);
  }

  private enum Purpose { HEADER, PROGRAM_HEADERS, INTERP, DYNAMIC }

  private static final class Range {
    final long offset;
    final byte[] bytes;
    final Purpose purpose;
    int filled;
    int entrySize;

    Range(long offset, int length, Purpose purpose) {
      this.offset = offset;
      this.bytes = new byte[length];
      this.purpose = purpose;
    }
  }

  /**
   * @param elf whether the file is a readable ELF file (magic, class and data encoding valid)
   * @param type {@code e_type}; -1 when not ELF
   * @param interpreter the PT_INTERP path; null when none
   * @param pie whether DT_FLAGS_1 has DF_1_PIE
   */
  record Result(boolean elf, int type, String interpreter, boolean pie) {

    /** The entry kind of this ELF file; null when it is not one a whitelist lists without an exec bit. */
    EntryKind kind() {
      if (!elf) {
        return null;
      }
      if (type == ET_EXEC) {
        return EntryKind.ELF_EXECUTABLE;
      }
      if (type == ET_DYN) {
        return interpreter != null || pie ? EntryKind.ELF_PIE : EntryKind.ELF_SHARED_LIBRARY;
      }
      return null;
    }
  }
}
