package dev.moat.decoy;

import io.netty.channel.Channel;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Clock;

/** What every connection to one decoy shares: its identity, where alerts go, the clock. */
record ConnectionContext(DecoyIdentity identity, AlertPublisher publisher, Clock clock, DecoyLimits limits) {

  Interaction interaction(Channel channel, String protocol) {
    return interaction(channel, protocol, publisher);
  }

  Interaction interaction(Channel channel, String protocol, AlertPublisher through) {
    SocketAddress remote = channel.remoteAddress();
    String ip = "";
    int port = 0;
    if (remote instanceof InetSocketAddress inet) {
      ip = inet.getAddress() == null ? inet.getHostString() : inet.getAddress().getHostAddress();
      port = inet.getPort();
    }
    return new Interaction(identity, ip, port, protocol, through, clock);
  }
}
