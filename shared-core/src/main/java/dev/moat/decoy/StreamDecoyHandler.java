package dev.moat.decoy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import java.util.Map;

/** Adapts a {@link StreamEmulator} session to one Netty channel: bytes in, canned bytes out. */
final class StreamDecoyHandler extends ChannelInboundHandlerAdapter {

  private final StreamEmulator emulator;
  private final ConnectionContext context;
  private StreamEmulator.Session session;

  StreamDecoyHandler(StreamEmulator emulator, ConnectionContext context) {
    this.emulator = emulator;
    this.context = context;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    Interaction interaction = context.interaction(ctx.channel(), emulator.protocol());
    interaction.alert(emulator.protocol() + ".connect", AlertSeverity.INFO, null, "", Map.of());
    session = emulator.open(interaction, new StreamEmulator.Output() {
      @Override
      public void write(byte[] bytes) {
        ctx.writeAndFlush(Unpooled.wrappedBuffer(bytes));
      }

      @Override
      public void close() {
        ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
      }
    });
    ctx.fireChannelActive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    try {
      if (msg instanceof ByteBuf buf && buf.isReadable() && session != null && ctx.channel().isActive()) {
        session.onData(buf.nioBuffer().asReadOnlyBuffer());
      }
    } finally {
      ReferenceCountUtil.release(msg);
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (session != null) {
      session.onClose();
      session = null;
    }
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }
}
