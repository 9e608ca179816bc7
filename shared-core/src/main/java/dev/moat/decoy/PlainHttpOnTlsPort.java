package dev.moat.decoy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Sits before the {@code SslHandler} of a TLS decoy and looks at the first five bytes: plain HTTP sent to the TLS port
 * gets the answer Go's {@code net/http} (the kubelet's server) gives it — {@code 400 Client sent an HTTP request to an
 * HTTPS server.} — and a LOW {@code http.malformed} alert; anything else goes on to the TLS handshake untouched.
 */
final class PlainHttpOnTlsPort extends ByteToMessageDecoder {

  private static final List<String> HTTP_STARTS = List.of("GET /", "HEAD ", "POST ", "PUT /", "OPTIO");
  static final String ANSWER = "HTTP/1.0 400 Bad Request\r\n\r\nClient sent an HTTP request to an HTTPS server.\n";

  private final ConnectionContext context;
  private boolean answered;

  PlainHttpOnTlsPort(ConnectionContext context) {
    this.context = context;
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    if (answered) {
      in.skipBytes(in.readableBytes());
      return;
    }
    if (in.readableBytes() < 5) {
      return;
    }
    String start = in.toString(in.readerIndex(), 5, StandardCharsets.ISO_8859_1);
    if (!HTTP_STARTS.contains(start)) {
      ctx.pipeline().remove(this); // hands what was read so far to the TLS handshake
      return;
    }
    int lineEnd = in.indexOf(in.readerIndex(), in.writerIndex(), (byte) '\n');
    String line = in.toString(in.readerIndex(), (lineEnd < 0 ? in.writerIndex() : lineEnd) - in.readerIndex(), StandardCharsets.ISO_8859_1);
    in.skipBytes(in.readableBytes());
    answered = true;
    context.interaction(ctx.channel(), "http").alert("http.malformed", AlertSeverity.LOW, null, line.strip(),
        Map.of("status", "400", "reason", "plain HTTP to the TLS port"));
    ctx.writeAndFlush(Unpooled.copiedBuffer(ANSWER, StandardCharsets.US_ASCII)).addListener(ChannelFutureListener.CLOSE);
  }
}
