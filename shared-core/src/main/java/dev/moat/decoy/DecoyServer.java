package dev.moat.decoy;

import dev.moat.Failure;
import dev.moat.MoatException;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Serves any set of stream decoys from one process, each on its own port, on one small Netty event-loop group:
 * an idle connection costs a channel and a few small buffers, not a thread. Every connection is counted against
 * {@link DecoyLimits#maxConnections()}, cut after {@link DecoyLimits#idleTimeout()} of silence and after
 * {@link DecoyLimits#maxBytesPerConnection()} bytes, and announced with an informational {@code <type>.connect} alert:
 * a decoy has no legitimate users, so every touch is worth knowing about.
 */
public final class DecoyServer implements AutoCloseable {

  /** One decoy to serve: who it is, what it emulates, where it listens (port 0: any free port). */
  public record Listener(DecoyIdentity identity, StreamEmulator emulator, String bindAddress, int port) {}

  private final DecoyLimits limits;
  private final AlertPublisher alerts;
  private final Clock clock;
  private final EventLoopGroup boss = new NioEventLoopGroup(1, daemonThreads("moat-decoy-accept"));
  private final EventLoopGroup workers = new NioEventLoopGroup(Math.max(1, Runtime.getRuntime().availableProcessors()), daemonThreads("moat-decoy"));
  private final AtomicInteger connections = new AtomicInteger();
  private final List<Channel> listening = new ArrayList<>();

  public DecoyServer(DecoyLimits limits, AlertPublisher alerts, Clock clock) {
    this.limits = limits;
    this.alerts = alerts;
    this.clock = clock;
  }

  /** Starts every listener; returns the port each decoy (by name) is bound to. Nothing is left listening on failure. */
  public Map<String, Integer> start(List<Listener> decoys) throws MoatException {
    Map<String, Integer> ports = new LinkedHashMap<>();
    for (Listener decoy : decoys) {
      ServerBootstrap bootstrap = new ServerBootstrap().group(boss, workers).channel(NioServerSocketChannel.class)
          .option(ChannelOption.SO_BACKLOG, 1024)
          .childOption(ChannelOption.TCP_NODELAY, true)
          .childOption(ChannelOption.SO_RCVBUF, 16 * 1024)
          .childHandler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel channel) {
              channel.pipeline().addLast(new IdleStateHandler(0, 0, limits.idleTimeout().toMillis(), TimeUnit.MILLISECONDS));
              channel.pipeline().addLast(new StreamConnection(decoy));
            }
          });
      try {
        Channel channel = bootstrap.bind(decoy.bindAddress(), decoy.port()).sync().channel();
        listening.add(channel);
        ports.put(decoy.identity().name(), ((InetSocketAddress) channel.localAddress()).getPort());
      } catch (Exception e) {
        close();
        throw new MoatException(Failure.UNREACHABLE, "decoy " + decoy.identity().name() + " cannot listen on " + decoy.bindAddress() + ":"
            + decoy.port() + " (" + e.getMessage() + ")", "choose another port, or stop what listens there", e);
      }
    }
    return ports;
  }

  /** Connections open right now, across every decoy. */
  public int openConnections() {
    return connections.get();
  }

  @Override
  public void close() {
    listening.forEach(c -> c.close().awaitUninterruptibly(5, TimeUnit.SECONDS));
    listening.clear();
    workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
  }

  /** One client connection to a stream decoy. */
  private final class StreamConnection extends ChannelInboundHandlerAdapter {

    private final Listener decoy;
    private StreamEmulator.Session session;
    private long received;
    private boolean counted;

    StreamConnection(Listener decoy) {
      this.decoy = decoy;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      if (connections.incrementAndGet() > limits.maxConnections()) {
        connections.decrementAndGet();
        ctx.close();
        return;
      }
      counted = true;
      InetSocketAddress peer = (InetSocketAddress) ctx.channel().remoteAddress();
      String type = decoy.identity().type();
      Interaction interaction = new Interaction(decoy.identity(), peer.getAddress().getHostAddress(), peer.getPort(), type, alerts, clock);
      interaction.alert(type + ".connect", AlertSeverity.INFO, null, "", Map.of());
      session = decoy.emulator().open(interaction, new StreamEmulator.Output() {
        @Override
        public void write(byte[] bytes) {
          ctx.writeAndFlush(Unpooled.wrappedBuffer(bytes));
        }

        @Override
        public void close() {
          ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }
      });
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ByteBuf buf = (ByteBuf) msg;
      try {
        if (session == null) {
          return;
        }
        received += buf.readableBytes();
        if (received > limits.maxBytesPerConnection()) {
          ctx.close();
          return;
        }
        ByteBuffer data = ByteBuffer.allocate(buf.readableBytes());
        buf.readBytes(data);
        data.flip();
        session.onData(data);
      } finally {
        buf.release();
      }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
      if (event instanceof IdleStateEvent) {
        ctx.close();
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      if (session != null) {
        session.onClose();
      }
      if (counted) {
        connections.decrementAndGet();
        counted = false;
      }
    }
  }

  private static java.util.concurrent.ThreadFactory daemonThreads(String name) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
