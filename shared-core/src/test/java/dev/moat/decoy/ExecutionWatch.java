package dev.moat.decoy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the no-execution tests watch while decoys are attacked: a canary listener on 127.0.0.1 that every callback
 * payload points at (it counts connections), and a sampler that records, the whole time, this JVM's child processes
 * and this process's TCP sockets that are neither a decoy's, the canary's, nor a test client's to a decoy.
 */
final class ExecutionWatch implements AutoCloseable {

  private final ServerSocket canary;
  private final AtomicInteger callbacks = new AtomicInteger();
  private final Set<String> children = ConcurrentHashMap.newKeySet();
  private final Set<String> outbound = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean sampling = new AtomicBoolean();
  private Thread sampler;

  ExecutionWatch() throws IOException {
    canary = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread accepter = new Thread(() -> {
      while (!canary.isClosed()) {
        try (Socket s = canary.accept()) {
          callbacks.incrementAndGet();
        } catch (IOException closed) {
          return;
        }
      }
    }, "canary");
    accepter.setDaemon(true);
    accepter.start();
  }

  int canaryPort() {
    return canary.getLocalPort();
  }

  /** Starts sampling; sockets open before this call do not count. */
  void start(Set<Integer> decoyPorts) throws IOException {
    Set<String> before = outboundSockets(decoyPorts, canaryPort());
    sampling.set(true);
    sampler = new Thread(() -> {
      while (sampling.get()) {
        ProcessHandle.current().descendants().forEach(p -> children.add(p.pid() + " " + p.info().commandLine().orElse("?")));
        try {
          Set<String> now = outboundSockets(decoyPorts, canaryPort());
          now.removeAll(before);
          outbound.addAll(now);
        } catch (IOException | RuntimeException unreadable) {
          outbound.add("cannot read /proc: " + unreadable);
        }
      }
    }, "sampler");
    sampler.start();
  }

  void stop() throws InterruptedException {
    sampling.set(false);
    if (sampler != null) {
      sampler.join();
    }
  }

  Set<String> children() {
    return children;
  }

  Set<String> outbound() {
    return outbound;
  }

  int callbacks() {
    return callbacks.get();
  }

  @Override
  public void close() throws IOException {
    sampling.set(false);
    canary.close();
  }

  /**
   * This process's TCP sockets that are neither listening, nor accepted by a decoy or the canary, nor a test client
   * connecting to a decoy: "local:port -> remote:port state".
   */
  static Set<String> outboundSockets(Set<Integer> decoyPorts, int canaryPort) throws IOException {
    Set<String> inodes = new HashSet<>();
    try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
      for (Path fd : fds) {
        try {
          String link = Files.readSymbolicLink(fd).toString();
          if (link.startsWith("socket:[")) {
            inodes.add(link.substring(8, link.length() - 1));
          }
        } catch (IOException gone) {
          // closed meanwhile
        }
      }
    }
    Set<String> found = new HashSet<>();
    for (String table : List.of("/proc/self/net/tcp", "/proc/self/net/tcp6")) {
      Path path = Path.of(table);
      if (!Files.exists(path)) {
        continue;
      }
      List<String> lines = Files.readAllLines(path);
      for (String line : lines.subList(1, lines.size())) {
        String[] f = line.trim().split("\\s+");
        String local = f[1];
        String remote = f[2];
        String state = f[3];
        String inode = f[9];
        if (!inodes.contains(inode) || state.equals("0A")) {
          continue; // not ours, or a listener
        }
        int localPort = Integer.parseInt(local.substring(local.indexOf(':') + 1), 16);
        int remotePort = Integer.parseInt(remote.substring(remote.indexOf(':') + 1), 16);
        if (decoyPorts.contains(localPort) || localPort == canaryPort || decoyPorts.contains(remotePort)) {
          continue; // accepted by a decoy or the canary, or a test client attacking a decoy
        }
        found.add(local + " -> " + remote + " state " + state + " inode " + inode);
      }
    }
    return found;
  }}
