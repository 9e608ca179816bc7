package dev.moat.decoy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DateFormatter;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Adapts an {@link HttpEmulator} to one Netty channel: gathers a bounded request, hands the emulator a
 * {@link HttpRequestView}, writes its {@link HttpReply}. Every request the emulator does not alert on itself
 * still raises an INFO {@code http.request} alert (alert on every touch; noise control collapses repeats).
 */
final class HttpDecoyHandler extends ChannelInboundHandlerAdapter {

  private final HttpEmulator emulator;
  private final ConnectionContext context;
  private HttpRequest request;
  private ByteArrayOutputStream body;
  private boolean truncated;
  private boolean failed;
  private ScheduledFuture<?> deadline;

  HttpDecoyHandler(HttpEmulator emulator, ConnectionContext context) {
    this.emulator = emulator;
    this.context = context;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    armDeadline(ctx);
    ctx.fireChannelActive();
  }

  /** The whole next request must arrive within the request timeout: trickled headers are cut. */
  private void armDeadline(ChannelHandlerContext ctx) {
    cancelDeadline();
    deadline = ctx.executor().schedule(() -> {
      ctx.close();
    }, context.limits().requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
  }

  private void cancelDeadline() {
    if (deadline != null) {
      deadline.cancel(false);
      deadline = null;
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    try {
      if (failed) {
        return;
      }
      if (msg instanceof HttpRequest r) {
        DecoderResult result = r.decoderResult();
        if (result.isFailure()) {
          reject(ctx, result.cause());
          return;
        }
        request = r;
        body = new ByteArrayOutputStream(0);
        truncated = false;
      }
      if (msg instanceof HttpContent content && request != null) {
        if (content.decoderResult().isFailure()) {
          reject(ctx, content.decoderResult().cause());
          return;
        }
        ByteBuf data = content.content();
        int room = context.limits().maxBody() - body.size();
        int take = Math.min(room, data.readableBytes());
        if (take > 0) {
          byte[] chunk = new byte[take];
          data.getBytes(data.readerIndex(), chunk);
          body.write(chunk, 0, take);
        }
        if (data.readableBytes() > take) {
          truncated = true;
        }
        if (msg instanceof LastHttpContent) {
          answer(ctx);
        }
      }
    } finally {
      ReferenceCountUtil.release(msg);
    }
  }

  private void reject(ChannelHandlerContext ctx, Throwable cause) {
    failed = true;
    HttpResponseStatus status = HttpResponseStatus.BAD_REQUEST;
    if (cause instanceof TooLongHttpHeaderException) {
      status = HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE;
    } else if (cause instanceof TooLongHttpLineException) {
      status = HttpResponseStatus.REQUEST_URI_TOO_LONG;
    } else if (cause instanceof TooLongFrameException) {
      status = HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE;
    }
    Interaction interaction = context.interaction(ctx.channel(), "http");
    interaction.alert("http.malformed", AlertSeverity.LOW, null, String.valueOf(cause.getMessage()),
        Map.of("status", Integer.toString(status.code())));
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.EMPTY_BUFFER);
    response.headers().set(HttpHeaderNames.CONTENT_LENGTH, 0);
    response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
  }

  /**
   * What every HTTP decoy does with a request: the Log4Shell lookup check (attackers spray {@code ${jndi:…}} at every
   * web server they find, so any HTTP decoy alerts on it), then the emulator's own answer.
   */
  static HttpReply answer(HttpEmulator emulator, HttpRequestView view, Interaction interaction) {
    Log4ShellDecoy.alertOnLookup(view, interaction);
    return emulator.handle(view, interaction);
  }

  private void answer(ChannelHandlerContext ctx) {
    HttpRequest r = request;
    request = null;
    HttpRequestView view = view(r, body.toByteArray(), truncated);
    body = null;
    boolean[] alerted = {false};
    AlertPublisher noting = alert -> {
      alerted[0] = true;
      context.publisher().publish(alert);
    };
    Interaction interaction = context.interaction(ctx.channel(), "http", noting);
    HttpReply reply;
    try {
      reply = answer(emulator, view, interaction);
    } catch (RuntimeException e) {
      reply = HttpReply.text(500, "Internal Server Error\n");
      truncated = true;
    }
    if (!alerted[0]) {
      interaction.alert("http.request", AlertSeverity.INFO, null, view.method() + " " + view.rawTarget(),
          Map.of("method", view.method(), "path", view.path(), "status", Integer.toString(reply.status())));
    }
    boolean keepAlive = HttpUtil.isKeepAlive(r) && !truncated;
    // Answer in the request's HTTP version with headers in the order real servers write them (the emulator's own,
    // then Date, then Content-Length), as fingerprinting tools such as nmap -sV match on the exact bytes.
    boolean http10 = r.protocolVersion().equals(HttpVersion.HTTP_1_0);
    FullHttpResponse response = new DefaultFullHttpResponse(http10 ? HttpVersion.HTTP_1_0 : HttpVersion.HTTP_1_1,
        HttpResponseStatus.valueOf(reply.status()),
        r.method().equals(HttpMethod.HEAD) ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(reply.body()));
    emulator.serverHeaders().forEach((k, v) -> response.headers().set(k, v));
    String date = DateFormatter.format(Date.from(context.clock().instant()));
    for (Map.Entry<String, String> h : reply.headers().entrySet()) {
      if (h.getKey().equalsIgnoreCase("Date")) {
        date = h.getValue().isEmpty() ? null : h.getValue(); // an empty Date: the emulated server sends none
      } else {
        response.headers().set(h.getKey(), h.getValue());
      }
    }
    if (date != null) {
      response.headers().set("Date", date);
    }
    response.headers().set("Content-Length", reply.body().length);
    if (http10 ? keepAlive : !keepAlive) {
      response.headers().set("Connection", keepAlive ? "keep-alive" : "close");
    }
    ChannelFuture written = ctx.writeAndFlush(response);
    if (keepAlive) {
      armDeadline(ctx);
    } else {
      cancelDeadline();
      written.addListener(ChannelFutureListener.CLOSE);
    }
  }

  static HttpRequestView view(HttpRequest r, byte[] body, boolean truncated) {
    String target = r.uri();
    String path;
    Map<String, List<String>> query;
    try {
      QueryStringDecoder decoder = new QueryStringDecoder(target, StandardCharsets.UTF_8, true, 1024);
      path = decoder.path();
      query = new LinkedHashMap<>(decoder.parameters());
    } catch (IllegalArgumentException malformed) {
      int q = target.indexOf('?');
      path = q < 0 ? target : target.substring(0, q);
      query = Map.of();
    }
    Map<String, List<String>> headers = new LinkedHashMap<>();
    for (Map.Entry<String, String> h : r.headers()) {
      headers.computeIfAbsent(h.getKey().toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(h.getValue());
    }
    return new HttpRequestView(r.method().name().toUpperCase(Locale.ROOT), target, path, query, headers, body, truncated);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    cancelDeadline();
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }
}
