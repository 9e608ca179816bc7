package dev.moat;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.http.HttpClient;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Stops a JDK HTTP client that is no longer needed.
 *
 * <p>Why this exists: each client runs a selector thread that sits in native code waiting on its sockets. When the
 * JVM exits it waits for threads in native code to come out, up to 300 ms, so a command that used a client and
 * left it running took 300 ms longer to exit — a third of what {@code moat copy} costs when there is nothing to
 * copy. JDK 21 gives clients {@code shutdownNow()}; on older JDKs the selector thread ends when interrupted, and
 * it is found by the name the JDK gives it, {@code HttpClient-<id>-SelectorManager}, with the id from the
 * client's {@code toString()}. The CLI's main also stops every client's selector before it exits, for clients a
 * library keeps to itself (fabric8's).
 */
public final class HttpClients {

  private static final Pattern ID = Pattern.compile("\\((\\d+)\\)$");
  private static final Pattern SELECTOR = Pattern.compile("HttpClient-\\d+-SelectorManager");

  private HttpClients() {}

  /** Stops {@code client}; call it once the client is done. Never throws: a client it cannot stop is left running. */
  public static void shutdownNow(HttpClient client) {
    if (client == null) {
      return;
    }
    Method shutdownNow;
    try {
      shutdownNow = HttpClient.class.getMethod("shutdownNow");
    } catch (NoSuchMethodException e) {
      interruptSelector(client);
      return;
    }
    try {
      shutdownNow.invoke(client);
    } catch (IllegalAccessException | InvocationTargetException e) {
      // nothing more to do: the client stays up until the JVM exits
    }
  }

  /**
   * Stops the selector thread of every JDK HTTP client in this JVM, including those of libraries that never close
   * theirs (fabric8's Kubernetes client on JDK 17). Only for a process that is about to exit: the CLI's main.
   */
  public static void stopAllBeforeExit() {
    interruptThreads(name -> SELECTOR.matcher(name).matches());
  }

  private static void interruptSelector(HttpClient client) {
    Matcher id = ID.matcher(client.toString());
    if (id.find()) {
      String selector = "HttpClient-" + id.group(1) + "-SelectorManager";
      interruptThreads(selector::equals);
    }
  }

  private static void interruptThreads(Predicate<String> named) {
    ThreadGroup root = Thread.currentThread().getThreadGroup();
    while (root.getParent() != null) {
      root = root.getParent();
    }
    Thread[] threads = new Thread[root.activeCount() + 16];
    int count = root.enumerate(threads, true);
    for (int i = 0; i < count; i++) {
      if (named.test(threads[i].getName())) {
        threads[i].interrupt();
      }
    }
  }
}
