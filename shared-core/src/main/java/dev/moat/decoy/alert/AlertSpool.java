package dev.moat.decoy.alert;

import dev.moat.Failure;
import dev.moat.MoatException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * The local, append-only file every alert is written to before any sink sees it. Segments
 * ({@code segment-<seq>.jsonl}, one {@link AlertJson} line per alert) roll at a size; each sink's progress is kept in
 * {@code progress-<sink>} as "segment offset"; a segment every sink has passed is deleted. The total size is bounded:
 * when an append would pass the bound, the oldest segment is dropped and the alerts in it no sink had delivered are
 * counted as dropped. Durability: {@link #append} writes through to the OS (a process crash loses nothing);
 * {@link #sync} forces the data to the disk, which the pipeline calls on a group-commit interval.
 *
 * <p>The newest alerts are also kept in memory (the tail, up to {@link #TAIL_ENTRIES}), so a reader that keeps up
 * is served from there — no file read, no JSON parse — and only a reader that fell behind (a sink outage, a
 * restart) reads the segments back. Tail and file are the same entries in the same order with the same positions.
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
  /** How many of the newest alerts {@link #read} serves from memory. */
  static final int TAIL_ENTRIES = 4096;

  private final Path dir;
  private final long segmentBytes;
  private final long maxBytes;
  private final TreeMap<Long, Long> segments = new TreeMap<>(); // seq -> size
  private final Map<String, Position> progress = new ConcurrentHashMap<>(); // registered sinks only
  private final Map<String, Position> stored = new ConcurrentHashMap<>(); // read from disk, for sinks not yet registered
  private final Object appended = new Object();
  private final AtomicLong appends = new AtomicLong();
  private volatile int waiters; // readers in awaitAppend; written under `appended`
  private final ArrayDeque<Entry> tail = new ArrayDeque<>(); // guarded by this
  private Position tailStart; // where the oldest tail entry starts; guarded by this
  private FileChannel current;
  private final List<FileChannel> retired = new ArrayList<>(); // rolled segments not yet forced; guarded by this
  private FileChannel lockChannel;
  private FileLock lock;
  private long currentSeq;
  private long totalBytes; // the sum of `segments`' sizes
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
    } catch (OverlappingFileLockException e) {
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
          size(Long.parseLong(n.substring(SEGMENT_PREFIX.length(), n.length() - SEGMENT_SUFFIX.length())), Files.size(p));
        } else if (n.startsWith(PROGRESS_PREFIX) && !n.endsWith(".tmp")) {
          String[] parts = Files.readString(p).trim().split(" ");
          stored.put(n.substring(PROGRESS_PREFIX.length()), new Position(Long.parseLong(parts[0]), Long.parseLong(parts[1])));
        }
      }
    }
    if (segments.isEmpty()) {
      size(1L, 0L);
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
    size(currentSeq, complete);
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
      long start = segments.get(currentSeq);
      ByteBuffer buf = ByteBuffer.wrap(line);
      while (buf.hasRemaining()) {
        current.write(buf);
      }
      size(currentSeq, start + line.length);
      dropped += droppedNow;
      remember(new Position(currentSeq, start), new Entry(alert, new Position(currentSeq, start + line.length)));
    }
    wakeReaders();
    return droppedNow;
  }

  private void remember(Position start, Entry entry) {
    if (tail.isEmpty()) {
      tailStart = start;
    }
    tail.addLast(entry);
    if (tail.size() > TAIL_ENTRIES) {
      tailStart = tail.removeFirst().next();
    }
  }

  /** The tail entries from {@code from} on, at most {@code max}; null when {@code from} is not in the tail. */
  private synchronized List<Entry> fromTail(Position from, int max) {
    if (tail.isEmpty() || from.segment() < tailStart.segment() || from.segment() == tailStart.segment() && from.offset() < tailStart.offset()) {
      return null; // older than the tail: the reader is behind, read the file
    }
    if (from.equals(tail.peekLast().next())) {
      return List.of();
    }
    Iterator<Entry> newestFirst = tail.descendingIterator();
    int after = tail.size(); // entries after the one that ends at `from`
    boolean found = from.equals(tailStart);
    if (!found) {
      for (after = 0; newestFirst.hasNext(); after++) {
        if (newestFirst.next().next().equals(from)) {
          found = true;
          break;
        }
      }
    }
    if (!found) {
      return null;
    }
    List<Entry> out = new ArrayList<>(Math.min(max, after));
    Iterator<Entry> it = tail.iterator();
    for (int skip = tail.size() - after; skip > 0; skip--) {
      it.next();
    }
    while (it.hasNext() && out.size() < max) {
      out.add(it.next());
    }
    return out;
  }

  /** Forgets tail entries of a segment that was just dropped, so memory never serves what the file no longer holds. */
  private void forgetSegment(long seq) {
    while (!tail.isEmpty() && tail.peekFirst().next().segment() <= seq) {
      tailStart = tail.removeFirst().next();
    }
  }

  private void roll() throws IOException {
    retired.add(current); // forced and closed by the next sync(), outside the lock
    currentSeq++;
    current = FileChannel.open(segment(currentSeq), StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ);
    size(currentSeq, 0L);
  }

  private long makeRoom(int incoming) throws IOException {
    long lost = 0;
    while (bytes() + incoming > maxBytes && segments.firstKey() != currentSeq) {
      long oldest = segments.firstKey();
      lost += undeliveredLines(oldest);
      Files.deleteIfExists(segment(oldest));
      forget(oldest);
      forgetSegment(oldest);
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
    FileChannel segment;
    List<FileChannel> rolled;
    synchronized (this) {
      segment = current;
      rolled = List.copyOf(retired);
      retired.clear();
    }
    // Forced outside the lock: an fsync can take tens of milliseconds, and appends (on the decoys' event loops) must
    // not wait for it.
    IOException failure = null;
    for (FileChannel old : rolled) {
      try (old) {
        old.force(false);
      } catch (IOException e) {
        failure = e;
      }
    }
    try {
      if (segment.isOpen()) {
        segment.force(false);
      }
    } catch (ClosedChannelException closed) {
      // the spool is closing, which forces it
    }
    if (failure != null) {
      throw failure;
    }
  }

  /** The total size of the segments on disk. */
  public synchronized long bytes() {
    return totalBytes;
  }

  /** Records a segment's size, keeping the total (which every append checks) without summing the segments. */
  private void size(long seq, long bytes) {
    Long before = segments.put(seq, bytes);
    totalBytes += bytes - (before == null ? 0 : before);
  }

  private void forget(long seq) {
    Long before = segments.remove(seq);
    totalBytes -= before == null ? 0 : before;
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
    List<Entry> recent = fromTail(from, max);
    if (recent != null) {
      return recent;
    }
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
      } catch (NoSuchFileException gone) {
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

  /** How many appends there have been; give it to {@link #awaitAppend} to wait for the next. */
  public long appendCount() {
    return appends.get();
  }

  /**
   * Waits up to {@code millis} unless there was an append after the one {@code seen} counted (read it with
   * {@link #appendCount} before reading, so an append between the read and the wait is not missed).
   */
  public void awaitAppend(long seen, long millis) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    synchronized (appended) {
      waiters++;
      try {
        for (long left = millis; appends.get() == seen && left > 0; left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())) {
          appended.wait(left);
        }
      } finally {
        waiters--;
      }
    }
  }

  /** Counts the append and wakes waiting readers; a writer takes the monitor only when a reader waits. */
  private void wakeReaders() {
    appends.incrementAndGet();
    if (waiters > 0) {
      synchronized (appended) {
        appended.notifyAll();
      }
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
        forget(seq);
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
        retired.add(current);
        for (FileChannel segment : retired) {
          if (segment.isOpen()) {
            segment.force(false);
            segment.close();
          }
        }
        retired.clear();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } finally {
        unlock();
      }
    }
    wakeReaders();
  }

}
