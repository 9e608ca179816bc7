package dev.moat.decoy.alert;

import dev.moat.Failure;
import dev.moat.MoatException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The local, append-only file every alert is written to before any sink sees it. Segments
 * ({@code segment-<seq>.jsonl}, one {@link AlertJson} line per alert) roll at a size; each sink's progress is kept in
 * {@code progress-<sink>} as "segment offset"; a segment every sink has passed is deleted. The total size is bounded:
 * when an append would pass the bound, the oldest segment is dropped and the alerts in it no sink had delivered are
 * counted as dropped. Durability: {@link #append} writes through to the OS (a process crash loses nothing);
 * {@link #sync} forces the data to the disk, which the pipeline calls on a group-commit interval.
 */
public final class AlertSpool implements AutoCloseable {

  /** Where a reader is: a segment number and a byte offset in it. */
  public record Position(long segment, long offset) {}

  /** One alert read back, and where the reader goes next. */
  public record Entry(SpooledAlert alert, Position next) {}

  private static final String SEGMENT_PREFIX = "segment-";
  private static final String SEGMENT_SUFFIX = ".jsonl";
  private static final String PROGRESS_PREFIX = "progress-";
  private static final int READ_CHUNK = 64 * 1024;

  private final Path dir;
  private final long segmentBytes;
  private final long maxBytes;
  private final TreeMap<Long, Long> segments = new TreeMap<>(); // seq -> size
  private final Map<String, Position> progress = new ConcurrentHashMap<>(); // registered sinks only
  private final Map<String, Position> stored = new ConcurrentHashMap<>(); // read from disk, for sinks not yet registered
  private final Object appended = new Object();
  private FileChannel current;
  private FileChannel lockChannel;
  private java.nio.channels.FileLock lock;
  private long currentSeq;
  private long dropped;

  private AlertSpool(Path dir, long segmentBytes, long maxBytes) {
    this.dir = dir;
    this.segmentBytes = segmentBytes;
    this.maxBytes = maxBytes;
  }

  /**
   * Opens (or creates) the spool in {@code dir}. A line cut short by a crash at the end of the newest segment is
   * trimmed. {@code maxBytes} must hold at least two segments.
   */
  public static AlertSpool open(Path dir, long segmentBytes, long maxBytes) throws MoatException {
    if (segmentBytes < 1024 || maxBytes < 2 * segmentBytes) {
      throw new MoatException(Failure.INVALID_INPUT, "spool size " + maxBytes + " bytes is too small for segments of " + segmentBytes
          + " bytes", "give the spool at least two segments (at least 2048 bytes)");
    }
    AlertSpool spool = new AlertSpool(dir, segmentBytes, maxBytes);
    try {
      Files.createDirectories(dir);
      spool.lock();
      spool.load();
    } catch (IOException e) {
      spool.unlock();
      throw new MoatException(Failure.UNREACHABLE, "cannot open the alert spool " + dir + ": " + e.getMessage(),
          "give --spool a writable directory");
    }
    return spool;
  }

  /** One process per spool: two writers would interleave segments and overwrite each other's progress. */
  private void lock() throws IOException, MoatException {
    lockChannel = FileChannel.open(dir.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    try {
      lock = lockChannel.tryLock();
    } catch (java.nio.channels.OverlappingFileLockException e) {
      lock = null;
    }
    if (lock == null) {
      lockChannel.close();
      throw new MoatException(Failure.INVALID_INPUT, "the alert spool " + dir + " is in use by another moat decoy serve",
          "give each serve process its own --spool directory");
    }
  }

  private void unlock() {
    try {
      if (lock != null) {
        lock.release();
      }
      if (lockChannel != null) {
        lockChannel.close();
      }
    } catch (IOException e) {
      // closing: the lock goes with the channel anyway
    }
  }

  private void load() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        String n = p.getFileName().toString();
        if (n.startsWith(SEGMENT_PREFIX) && n.endsWith(SEGMENT_SUFFIX)) {
          segments.put(Long.parseLong(n.substring(SEGMENT_PREFIX.length(), n.length() - SEGMENT_SUFFIX.length())), Files.size(p));
        } else if (n.startsWith(PROGRESS_PREFIX) && !n.endsWith(".tmp")) {
          String[] parts = Files.readString(p).trim().split(" ");
          stored.put(n.substring(PROGRESS_PREFIX.length()), new Position(Long.parseLong(parts[0]), Long.parseLong(parts[1])));
        }
      }
    }
    if (segments.isEmpty()) {
      segments.put(1L, 0L);
    }
    currentSeq = segments.lastKey();
    current = FileChannel.open(segment(currentSeq), StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ);
    long size = current.size();
    long complete = size;
    while (complete > 0) { // trim a partial last line
      ByteBuffer one = ByteBuffer.allocate(1);
      current.read(one, complete - 1);
      if (one.get(0) == '\n') {
        break;
      }
      complete--;
    }
    if (complete != size) {
      current.truncate(complete);
    }
    current.position(complete);
    segments.put(currentSeq, complete);
  }

  private Path segment(long seq) {
    return dir.resolve(String.format("%s%020d%s", SEGMENT_PREFIX, seq, SEGMENT_SUFFIX));
  }

  /** Appends one alert; returns how many undelivered alerts were dropped to stay within the size bound (usually 0). */
  public long append(SpooledAlert alert) throws IOException {
    byte[] line = (AlertJson.line(alert) + "\n").getBytes(StandardCharsets.UTF_8);
    long droppedNow;
    synchronized (this) {
      if (segments.get(currentSeq) + line.length > segmentBytes && segments.get(currentSeq) > 0) {
        roll();
      }
      droppedNow = makeRoom(line.length);
      ByteBuffer buf = ByteBuffer.wrap(line);
      while (buf.hasRemaining()) {
        current.write(buf);
      }
      segments.merge(currentSeq, (long) line.length, Long::sum);
      dropped += droppedNow;
    }
    synchronized (appended) {
      appended.notifyAll();
    }
    return droppedNow;
  }

  private void roll() throws IOException {
    current.force(false);
    current.close();
    currentSeq++;
    current = FileChannel.open(segment(currentSeq), StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ);
    segments.put(currentSeq, 0L);
  }

  private long makeRoom(int incoming) throws IOException {
    long lost = 0;
    while (bytes() + incoming > maxBytes && segments.firstKey() != currentSeq) {
      long oldest = segments.firstKey();
      lost += undeliveredLines(oldest);
      Files.deleteIfExists(segment(oldest));
      segments.remove(oldest);
    }
    return lost;
  }

  private long undeliveredLines(long seq) throws IOException {
    long from = Long.MAX_VALUE;
    for (Position p : progress.values()) {
      from = Math.min(from, p.segment() < seq ? 0 : p.segment() == seq ? p.offset() : Long.MAX_VALUE);
    }
    if (progress.isEmpty()) {
      from = 0;
    }
    if (from == Long.MAX_VALUE) {
      return 0;
    }
    byte[] data = Files.readAllBytes(segment(seq));
    long lines = 0;
    for (long i = from; i < data.length; i++) {
      if (data[(int) i] == '\n') {
        lines++;
      }
    }
    return lines;
  }

  /** Forces what was appended to the disk. */
  public void sync() throws IOException {
    synchronized (this) {
      if (current.isOpen()) {
        current.force(false);
      }
    }
  }

  /** The total size of the segments on disk. */
  public synchronized long bytes() {
    return segments.values().stream().mapToLong(Long::longValue).sum();
  }

  /** Alerts dropped to keep within the size bound since this spool was opened. */
  public synchronized long dropped() {
    return dropped;
  }

  /**
   * Registers a sink (starting at the oldest segment if it has no stored progress) and returns where it stands. Only
   * registered sinks hold segments back from deletion.
   */
  public synchronized Position register(String sink) {
    return progress.computeIfAbsent(sink, s -> stored.getOrDefault(s, new Position(segments.firstKey(), 0)));
  }

  /** Reads up to {@code max} complete alerts from {@code from}; an empty list when the reader is at the end. */
  public List<Entry> read(Position from, int max) throws IOException {
    List<Entry> out = new ArrayList<>();
    Position pos = from;
    while (out.size() < max) {
      long seq;
      long size;
      boolean last;
      synchronized (this) {
        Long s = segments.ceilingKey(pos.segment());
        if (s == null) {
          return out;
        }
        if (s != pos.segment()) {
          pos = new Position(s, 0); // the reader's segment was dropped or is gone
        }
        seq = s;
        size = segments.get(s);
        last = s == currentSeq;
      }
      if (pos.offset() >= size) {
        if (last) {
          return out;
        }
        pos = new Position(seq + 1, 0);
        continue;
      }
      int n = (int) Math.min(READ_CHUNK, size - pos.offset());
      ByteBuffer buf = ByteBuffer.allocate(n);
      try (FileChannel ch = FileChannel.open(segment(seq), StandardOpenOption.READ)) {
        while (buf.hasRemaining() && ch.read(buf, pos.offset() + buf.position()) > 0) {
          // keep reading
        }
      } catch (java.nio.file.NoSuchFileException gone) {
        continue; // dropped while we read: the next round skips it
      }
      byte[] data = buf.array();
      int start = 0;
      int consumed = 0;
      for (int i = 0; i < buf.position() && out.size() < max; i++) {
        if (data[i] == '\n') {
          String line = new String(data, start, i - start, StandardCharsets.UTF_8);
          consumed = i + 1;
          out.add(new Entry(AlertJson.parse(line), new Position(seq, pos.offset() + consumed)));
          start = i + 1;
        }
      }
      if (consumed == 0) {
        if (n == READ_CHUNK) {
          throw new IOException("spool line longer than " + READ_CHUNK + " bytes in " + segment(seq));
        }
        return out;
      }
      pos = new Position(seq, pos.offset() + consumed);
    }
    return out;
  }

  /** Waits up to {@code millis} for an append. */
  public void awaitAppend(long millis) throws InterruptedException {
    synchronized (appended) {
      appended.wait(millis);
    }
  }

  /** Stores a sink's progress durably and deletes the segments every sink has passed. */
  public void acknowledge(String sink, Position position) throws IOException {
    Path target = dir.resolve(PROGRESS_PREFIX + sink);
    Path tmp = dir.resolve(PROGRESS_PREFIX + sink + ".tmp");
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
      ch.write(ByteBuffer.wrap((position.segment() + " " + position.offset() + "\n").getBytes(StandardCharsets.US_ASCII)));
      ch.force(false);
    }
    try {
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
    }
    synchronized (this) {
      progress.put(sink, position);
      long min = progress.values().stream().mapToLong(Position::segment).min().orElse(currentSeq);
      for (Long seq : Set.copyOf(segments.headMap(Math.min(min, currentSeq), false).keySet())) {
        Files.deleteIfExists(segment(seq));
        segments.remove(seq);
      }
    }
  }

  /** The segment files now on disk, oldest first (for tests and diagnostics). */
  public synchronized List<Long> segmentNumbers() {
    return List.copyOf(segments.keySet());
  }

  @Override
  public void close() {
    synchronized (this) {
      try {
        if (current.isOpen()) {
          current.force(false);
          current.close();
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } finally {
        unlock();
      }
    }
    synchronized (appended) {
      appended.notifyAll();
    }
  }

}
