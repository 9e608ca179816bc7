package dev.moat.decoy;

import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

/**
 * Run in a child JVM by {@link ManyIdleConnectionsTest}: opens N sockets to 127.0.0.1:PORT, reads each greeting's
 * first byte, prints how many are open, then holds them until its stdin closes. A separate process so client and
 * server sockets do not share one file-descriptor limit.
 */
public final class IdleClients {

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    int n = Integer.parseInt(args[1]);
    List<Socket> sockets = new ArrayList<>(n);
    int greeted = 0;
    for (int i = 0; i < n; i++) {
      Socket s = new Socket("127.0.0.1", port);
      sockets.add(s);
    }
    for (Socket s : sockets) {
      s.setSoTimeout(30_000);
      if (s.getInputStream().read() != -1) {
        greeted++;
      }
    }
    System.out.println("open " + sockets.size() + " greeted " + greeted);
    System.out.flush();
    System.in.read();
    for (Socket s : sockets) {
      s.close();
    }
  }
}
