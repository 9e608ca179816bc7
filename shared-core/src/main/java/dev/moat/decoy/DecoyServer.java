package dev.moat.decoy;

import dev.moat.Failure;
import dev.moat.MoatException;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerExpectContinueHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs a set of decoys in one process, each on its own port, on Netty's NIO transport: one acceptor thread, one
 * worker per core, small per-connection buffers, a global connection cap, per-connection read budgets and idle
 * and request timeouts. {@link #close()} stops the listeners and closes every connection.
 */
public final class DecoyServer implements AutoCloseable {

  private final EventLoopGroup boss;
  private final EventLoopGroup workers;
  private final List<Channel> listeners = new ArrayList<>();
  private final List<SshDecoy> sshDecoys = new ArrayList<>();
  private final Map<String, Integer> ports = new LinkedHashMap<>();
  private final AtomicInteger open = new AtomicInteger();

  private final java.util.function.Consumer<String> onConnection;

  private DecoyServer(java.util.function.Consumer<String> onConnection) {
    this.onConnection = onConnection;
    boss = new NioEventLoopGroup(1, new DefaultThreadFactory("moat-decoy-accept", true));
    workers = new NioEventLoopGroup(Runtime.getRuntime().availableProcessors(), new DefaultThreadFactory("moat-decoy", true));
  }

  /**
   * Starts listening for every decoy on {@code bindAddress} ({@code 127.0.0.1}; {@code 0.0.0.0} inside a cluster).
   *
   * @throws MoatException UNREACHABLE when a port cannot be bound (in use, not permitted)
   */
  public static DecoyServer start(List<ServedDecoy> decoys, String bindAddress, DecoyLimits limits, AlertPublisher publisher, Clock clock)
      throws MoatException {
    return start(decoys, bindAddress, limits, publisher, clock, name -> { });
  }

  /** As {@link #start(List, String, DecoyLimits, AlertPublisher, Clock)}; {@code onConnection} hears of every accepted TCP connection, by decoy name. */
  public static DecoyServer start(List<ServedDecoy> decoys, String bindAddress, DecoyLimits limits, AlertPublisher publisher, Clock clock,
      java.util.function.Consumer<String> onConnection) throws MoatException {
    DecoyServer server = new DecoyServer(onConnection);
    try {
      for (ServedDecoy decoy : decoys) {
        server.listen(decoy, bindAddress, new ConnectionContext(decoy.identity(), publisher, clock, limits));
      }
    } catch (MoatException | RuntimeException e) {
      server.close();
      throw e;
    }
    return server;
  }

  private void listen(ServedDecoy decoy, String bindAddress, ConnectionContext context) throws MoatException {
    if (decoy.emulator() instanceof SshEmulator ssh) {
      listenSsh(decoy, ssh, bindAddress, context);
      return;
    }
    DecoyLimits limits = context.limits();
    SslContext tls = tlsContext(decoy, context);
    ServerBootstrap bootstrap = new ServerBootstrap()
        .group(boss, workers)
        .channel(NioServerSocketChannel.class)
        .option(ChannelOption.SO_BACKLOG, 1024)
        .option(ChannelOption.SO_REUSEADDR, true)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childOption(ChannelOption.RCVBUF_ALLOCATOR, new AdaptiveRecvByteBufAllocator(64, 1024, 16 * 1024))
        .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(32 * 1024, 64 * 1024))
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            ch.closeFuture().addListener(f -> open.decrementAndGet());
            onConnection.accept(decoy.identity().name());
            if (open.incrementAndGet() > limits.maxConnections()) {
              ch.close();
              return;
            }
            ChannelPipeline p = ch.pipeline();
            p.addLast(new IdleStateHandler(0, 0, limits.idleTimeout().toMillis(), TimeUnit.MILLISECONDS));
            p.addLast(new ReadBudget(limits.maxBytesPerConnection()));
            if (tls != null) {
              addTls(p, tls, context);
            }
            if (decoy.emulator() instanceof HttpEmulator http) {
              p.addLast(new HttpServerCodec(limits.maxInitialLine(), limits.maxHeaderSize(), 8192));
              p.addLast(new HttpServerExpectContinueHandler());
              p.addLast(new HttpDecoyHandler(http, context));
            } else {
              p.addLast(new StreamDecoyHandler((StreamEmulator) decoy.emulator(), context));
            }
          }
        });
    InetSocketAddress address = new InetSocketAddress(bindAddress, decoy.port());
    Channel channel;
    try {
      channel = bootstrap.bind(address).syncUninterruptibly().channel();
    } catch (RuntimeException e) {
      throw new MoatException(Failure.UNREACHABLE,
          "decoy " + decoy.identity().name() + " cannot listen on " + bindAddress + ":" + decoy.port() + ": " + e.getMessage(),
          "choose another port, or stop what listens there (ports below 1024 need privileges)", e);
    }
    listeners.add(channel);
    ports.put(decoy.identity().name(), ((InetSocketAddress) channel.localAddress()).getPort());
  }

  /** The decoy's TLS context, built once at start (a generated certificate is made here); null for a plain decoy. */
  private static SslContext tlsContext(ServedDecoy decoy, ConnectionContext context) throws MoatException {
    if (decoy.tls() == null) {
      return null;
    }
    try {
      return DecoyTls.serverContext(decoy.tls().keyMaterial(context.clock().instant()));
    } catch (IOException | IllegalArgumentException e) {
      throw new MoatException(Failure.INVALID_INPUT, "decoy " + decoy.identity().name() + ": cannot set up TLS: " + e.getMessage(),
          "check the files of tls: {cert, key} (a readable PEM chain and its unencrypted PEM key), or for a generated certificate the --spool"
              + " directory, where it is kept");
    }
  }

  /**
   * TLS after the read budget and the idle timer, so handshake bytes count against the budget and a client that never
   * finishes the handshake is cut by the idle timeout (also the handshake's own timeout); the request timeout, armed
   * when the connection opens, covers a handshake trickled byte by byte.
   */
  private static void addTls(ChannelPipeline p, SslContext tls, ConnectionContext context) {
    SslHandler ssl = tls.newHandler(p.channel().alloc());
    ssl.setHandshakeTimeoutMillis(context.limits().idleTimeout().toMillis());
    p.addLast(new PlainHttpOnTlsPort(context));
    p.addLast(ssl);
  }

  /** MINA SSHD runs its own acceptor and sessions; the decoy's commands still answer only from canned data. */
  private void listenSsh(ServedDecoy decoy, SshEmulator ssh, String bindAddress, ConnectionContext context) throws MoatException {
    SshDecoy server = ssh.decoy(decoy.identity(), context.publisher(), context.clock());
    sshConnectionsCounted(server, decoy.identity().name(), context.limits().maxConnections());
    server.idleTimeout(context.limits().idleTimeout());
    sshDecoys.add(server);
    try {
      server.start(bindAddress, decoy.port());
    } catch (IOException | RuntimeException e) {
      throw new MoatException(Failure.UNREACHABLE,
          "decoy " + decoy.identity().name() + " cannot listen on " + bindAddress + ":" + decoy.port() + ": " + e.getMessage(),
          "choose another port, or stop what listens there (ports below 1024 need privileges)", e);
    }
    ports.put(decoy.identity().name(), server.boundPort());
  }

  /**
   * SSH connections count against the same global cap and the same connection listener as the Netty decoys: MINA asks
   * on each new session, and a session beyond the cap is closed before it authenticates (no alert, as for the others).
   */
  private void sshConnectionsCounted(SshDecoy server, String name, int maxConnections) {
    server.connectionGate(() -> {
      onConnection.accept(name);
      return open.incrementAndGet() <= maxConnections;
    }, open::decrementAndGet);
  }

  /** The port each decoy listens on, by decoy name, in the order they were given. */
  public Map<String, Integer> boundPorts() {
    return Collections.unmodifiableMap(ports);
  }

  /** Connections open right now, over all decoys. */
  public int openConnections() {
    return Math.max(0, open.get());
  }

  @Override
  public void close() {
    for (Channel listener : listeners) {
      listener.close().syncUninterruptibly();
    }
    for (SshDecoy ssh : sshDecoys) {
      try {
        ssh.close();
      } catch (IOException e) {
        // stopping: nothing more to do for this listener
      }
    }
    boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
