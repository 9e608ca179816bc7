package dev.moat.decoy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionListener;
import org.apache.sshd.core.CoreModuleProperties;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.auth.pubkey.RejectAllPublickeyAuthenticator;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;
import org.apache.sshd.server.forward.AgentForwardingFilter;
import org.apache.sshd.server.forward.ForwardingFilter;
import org.apache.sshd.server.forward.TcpForwardingFilter;
import org.apache.sshd.server.forward.X11ForwardingFilter;

/**
 * An SSH server (Apache MINA SSHD) that looks like Ubuntu's OpenSSH, accepts a few weak passwords and gives a fake
 * shell: every login attempt and every command alerts, answers come from a {@link CannedShell}, {@code wget} and
 * {@code curl} are logged with their URL and never fetch. No SFTP, SCP or forwarding: those requests are refused and
 * forwarding attempts alert. It owns its listener because MINA is its own server.
 */
public final class SshDecoy implements AutoCloseable {

  public static final String VERSION = "OpenSSH_8.9p1 Ubuntu-3ubuntu0.6";
  public static final List<String> DEFAULT_CREDENTIALS = List.of("root:root", "root:123456", "admin:admin", "ubuntu:ubuntu", "pi:raspberry",
      "test:test");
  static final int MAX_LINE = 1024;
  static final Duration MAX_SESSION = Duration.ofMinutes(10);
  private static final Pattern URL = Pattern.compile("(?i)\\b((?:https?|ftp)://[^\\s'\";|&]+|[a-z0-9.-]+\\.[a-z]{2,}(?::\\d+)?/[^\\s'\";|&]*)");

  private final DecoyIdentity identity;
  private final AlertPublisher publisher;
  private final Clock clock;
  private final List<String> credentials;
  private final SshHostKey hostKey;
  private final FakeFilesystem fs = FakeFilesystem.canned();
  private SshServer server;
  private BooleanSupplier admit = () -> true;
  private Runnable released = () -> { };
  private Duration idle = Duration.ofMinutes(5);

  /**
   * @param credentials accepted {@code user:password} pairs
   * @param hostKey a state file where the host key is generated once and kept (in the spool or a state directory);
   *     null keeps it in memory, so it changes on every start
   */
  public SshDecoy(DecoyIdentity identity, AlertPublisher publisher, Clock clock, List<String> credentials, Path hostKey) {
    this(identity, publisher, clock, credentials, hostKey == null ? SshHostKey.IN_MEMORY : SshHostKey.stateFile(hostKey));
  }

  /** As the constructor, with the host key's source given in full (a state file, the operator's file, or in memory). */
  public static SshDecoy withHostKey(DecoyIdentity identity, AlertPublisher publisher, Clock clock, List<String> credentials,
      SshHostKey hostKey) {
    return new SshDecoy(identity, publisher, clock, credentials, hostKey);
  }

  private SshDecoy(DecoyIdentity identity, AlertPublisher publisher, Clock clock, List<String> credentials, SshHostKey hostKey) {
    this.identity = identity;
    this.publisher = publisher;
    this.clock = clock;
    this.credentials = List.copyOf(credentials);
    this.hostKey = hostKey;
  }

  /**
   * Puts the decoy's connections under a shared cap (call before {@link #start}): {@code admit} is asked once per new
   * connection and a connection it refuses is closed at once, before any authentication; {@code released} hears of
   * every connection that closes, refused ones included, so a shared counter stays balanced.
   */
  public void connectionGate(BooleanSupplier admit, Runnable released) {
    this.admit = admit;
    this.released = released;
  }

  /** Closes a session silent for {@code idle} (call before {@link #start}; default 5 minutes): serve's --idle-timeout. */
  public void idleTimeout(Duration idle) {
    this.idle = idle;
  }

  public static CatalogEntry describe() {
    return new CatalogEntry("ssh", "weak password", "OpenSSH 8.9p1 on Ubuntu 22.04 with weak passwords and a shell", 22,
        List.of("ssh.login_failed (LOW, T1110) and ssh.login_success (HIGH, T1078): every password attempt, with user and password",
            "ssh.command (MEDIUM, T1059.004): every shell or exec command",
            "ssh.download (HIGH, T1105): wget or curl, with the URL", "ssh.forwarding (HIGH, T1572): port, agent or X11 forwarding requests"));
  }

  public void start(String bindAddress, int port) throws IOException {
    SshServer sshd = SshServer.setUpDefaultServer();
    sshd.setHost(bindAddress);
    sshd.setPort(port);
    sshd.setKeyPairProvider(hostKey.provider());
    sshd.addSessionListener(new SessionListener() {
      @Override
      public void sessionCreated(Session session) {
        if (!admit.getAsBoolean()) {
          session.close(true);
        }
      }

      @Override
      public void sessionClosed(Session session) {
        released.run();
      }
    });
    CoreModuleProperties.SERVER_IDENTIFICATION.set(sshd, VERSION);
    CoreModuleProperties.IDLE_TIMEOUT.set(sshd, idle);
    CoreModuleProperties.AUTH_TIMEOUT.set(sshd, Duration.ofSeconds(60));
    sshd.setPasswordAuthenticator((username, password, session) -> {
      boolean ok = credentials.contains(username + ":" + password);
      interaction(session).alert(ok ? "ssh.login_success" : "ssh.login_failed", ok ? AlertSeverity.HIGH : AlertSeverity.LOW, ok ? "T1078" : "T1110",
          Excerpts.printable(username + ":" + password, 128),
          Map.of("username", Excerpts.printable(username, 64), "password", Excerpts.printable(password, 64)));
      return ok;
    });
    sshd.setPublickeyAuthenticator(RejectAllPublickeyAuthenticator.INSTANCE);
    sshd.setKeyboardInteractiveAuthenticator(null);
    sshd.setGSSAuthenticator(null);
    sshd.setForwardingFilter(forwardingFilter());
    sshd.setShellFactory(channel -> new FakeShell(channel, null));
    sshd.setCommandFactory((channel, command) -> new FakeShell(channel, command));
    sshd.setSubsystemFactories(List.of());
    sshd.start();
    server = sshd;
  }

  public int boundPort() {
    return server.getPort();
  }

  @Override
  public void close() throws IOException {
    if (server != null) {
      server.stop(true);
    }
  }

  private Interaction interaction(Session session) {
    SocketAddress address = session.getIoSession().getRemoteAddress();
    String ip = "unknown";
    int port = 0;
    if (address instanceof InetSocketAddress inet) {
      ip = inet.getAddress() == null ? inet.getHostString() : inet.getAddress().getHostAddress();
      port = inet.getPort();
    }
    return new Interaction(identity, ip, port, "ssh", publisher, clock);
  }

  private ForwardingFilter forwardingFilter() {
    AgentForwardingFilter agent = (session, type) -> refuse(session, "agent", type);
    X11ForwardingFilter x11 = (session, type) -> refuse(session, "x11", type);
    TcpForwardingFilter tcp = new TcpForwardingFilter() {
      @Override
      public boolean canListen(org.apache.sshd.common.util.net.SshdSocketAddress address, Session session) {
        return refuse(session, "remote", address.toString());
      }

      @Override
      public boolean canConnect(Type type, org.apache.sshd.common.util.net.SshdSocketAddress address, Session session) {
        return refuse(session, "local", address.toString());
      }
    };
    return ForwardingFilter.asForwardingFilter(agent, x11, tcp);
  }

  private boolean refuse(Session session, String kind, String target) {
    interaction(session).alert("ssh.forwarding", AlertSeverity.HIGH, "T1572", Excerpts.printable(kind + " " + target, 128),
        Map.of("kind", kind, "target", Excerpts.printable(target, 128)));
    return false;
  }

  /** One shell or exec channel: reads lines, answers from canned data, never runs anything. */
  private final class FakeShell implements Command, Runnable {

    private final ChannelSession channel;
    private final String execCommand;
    private InputStream in;
    private OutputStream out;
    private ExitCallback exit;
    private Interaction interaction;
    private CannedShell shell;
    private String user;
    private boolean pty;
    private volatile boolean closed;

    FakeShell(ChannelSession channel, String execCommand) {
      this.channel = channel;
      this.execCommand = execCommand;
    }

    @Override
    public void setInputStream(InputStream in) {
      this.in = in;
    }

    @Override
    public void setOutputStream(OutputStream out) {
      this.out = out;
    }

    @Override
    public void setErrorStream(OutputStream err) {}

    @Override
    public void setExitCallback(ExitCallback callback) {
      this.exit = callback;
    }

    @Override
    public void start(ChannelSession channel, Environment env) {
      interaction = interaction(channel.getSession());
      user = channel.getSession().getUsername();
      shell = new CannedShell(fs, user, user.equals("root") ? "/root" : "/home/" + user, execCommand == null ? "-bash" : "bash");
      pty = env.getEnv().containsKey(Environment.ENV_TERM);
      Thread thread = new Thread(this, "ssh-decoy-shell");
      thread.setDaemon(true);
      thread.start();
    }

    @Override
    public void run() {
      int status = 0;
      try {
        if (execCommand != null) {
          write(answerLine(execCommand));
        } else {
          interactive();
        }
      } catch (IOException e) {
        status = 1;
      } finally {
        exit.onExit(status);
      }
    }

    private void interactive() throws IOException {
      Instant started = clock.instant();
      write("Welcome to Ubuntu 22.04.4 LTS (GNU/Linux 5.15.0-105-generic x86_64)\n\n"
          + "Last login: Mon Apr 29 08:12:44 2024 from 10.20.4.2\n");
      StringBuilder line = new StringBuilder();
      write(prompt());
      while (!closed && Duration.between(started, clock.instant()).compareTo(MAX_SESSION) < 0) {
        int b = in.read();
        if (b < 0 || b == 4 && line.length() == 0) {
          return;
        }
        if (b == '\r' || b == '\n') {
          if (pty) {
            write("\n");
          }
          String command = line.toString();
          line.setLength(0);
          String trimmed = command.trim();
          if (trimmed.equals("exit") || trimmed.equals("logout")) {
            interaction.alert("ssh.command", AlertSeverity.MEDIUM, "T1059.004", Excerpts.printable(command, 256), Map.of("command",
                Excerpts.printable(command, 256)));
            write("logout\n");
            return;
          }
          write(answerLine(command));
          write(prompt());
        } else if (b == 127 || b == 8) {
          if (line.length() > 0) {
            line.setLength(line.length() - 1);
            if (pty) {
              out.write("\b \b".getBytes(StandardCharsets.US_ASCII));
              out.flush();
            }
          }
        } else if (b == 3) {
          line.setLength(0);
          write("^C\n" + prompt());
        } else if (line.length() < MAX_LINE && b >= 0x20) {
          line.append((char) b);
          if (pty) {
            out.write(b);
            out.flush();
          }
        }
      }
    }

    private String prompt() {
      String cwd = shell.workingDirectory();
      String home = user.equals("root") ? "/root" : "/home/" + user;
      String shown = cwd.equals(home) ? "~" : cwd.startsWith(home + "/") ? "~" + cwd.substring(home.length()) : cwd;
      return user + "@" + fs.hostname() + ":" + shown + (user.equals("root") ? "# " : "$ ");
    }

    /** Alerts on the line and answers each command in it; pipes answer their first command only. */
    private String answerLine(String line) {
      if (line.isBlank()) {
        return "";
      }
      String bounded = line.length() > MAX_LINE ? line.substring(0, MAX_LINE) : line;
      interaction.alert("ssh.command", AlertSeverity.MEDIUM, "T1059.004", Excerpts.printable(bounded, 256),
          Map.of("command", Excerpts.printable(bounded, 256), "username", Excerpts.printable(user, 64)));
      StringBuilder output = new StringBuilder();
      for (String command : bounded.split("\\s*(?:;|&&|\\|\\|)\\s*")) {
        String first = command.split("\\|")[0].trim();
        String name = first.split("\\s+")[0];
        if (name.equals("wget") || name.equals("curl")) {
          output.append(download(name, first));
        } else {
          output.append(shell.answer(first));
        }
      }
      return output.toString();
    }

    private String download(String tool, String command) {
      Matcher url = URL.matcher(command);
      String target = url.find() ? url.group(1) : "";
      interaction.alert("ssh.download", AlertSeverity.HIGH, "T1105", Excerpts.printable(command, 256),
          Map.of("url", Excerpts.printable(target, 256), "tool", tool));
      String host = target.replaceFirst("^[a-zA-Z]+://", "").replaceFirst("[:/].*$", "");
      if (tool.equals("curl")) {
        return "curl: (6) Could not resolve host: " + host + "\n";
      }
      return "--2024-04-29 08:13:02--  " + target + "\nResolving " + host + " (" + host + ")... failed: Temporary failure in name resolution.\n"
          + "wget: unable to resolve host address '" + host + "'\n";
    }

    private void write(String text) throws IOException {
      String t = pty ? text.replace("\n", "\r\n") : text;
      out.write(t.getBytes(StandardCharsets.UTF_8));
      out.flush();
    }

    @Override
    public void destroy(ChannelSession channel) {
      closed = true;
    }
  }
}
