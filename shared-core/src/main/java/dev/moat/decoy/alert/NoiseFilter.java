package dev.moat.decoy.alert;

import dev.moat.decoy.Alert;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Noise control: the first alert of a kind (same decoy, action, source IP and excerpt) passes at once; identical
 * alerts within {@code window} of it are only counted; when the window closes and repeats were counted, one summary
 * alert goes out with {@code count} = the number of repeats and the field {@code moat_summary=true} (time and source
 * port of the last repeat). So the counts of everything emitted add up to the interactions seen. A zero window turns
 * it off. At most {@code maxKeys} windows are open; opening one more closes the oldest early (its summary goes out).
 * Alerts are judged by their own time, so the filter is deterministic; the pipeline closes windows on a timer.
 */
public final class NoiseFilter {

  private record Key(String decoy, String action, String sourceIp, String excerpt) {}

  private static final class Window {
    final Instant end;
    Alert last;
    int repeats;

    Window(Instant end) {
      this.end = end;
    }
  }

  private final Duration window;
  private final int maxKeys;
  private final LinkedHashMap<Key, Window> open = new LinkedHashMap<>();

  public NoiseFilter(Duration window, int maxKeys) {
    this.window = Objects.requireNonNull(window, "window");
    if (window.isNegative() || maxKeys < 1) {
      throw new IllegalArgumentException("window must not be negative and maxKeys positive");
    }
    this.maxKeys = maxKeys;
  }

  /** What to emit now for this alert: the alert itself, nothing (a counted repeat), and any summaries it closed. */
  public synchronized List<Alert> offer(Alert alert) {
    if (window.isZero()) {
      return List.of(alert);
    }
    List<Alert> out = new ArrayList<>(2);
    Key key = new Key(alert.decoyName(), alert.action(), alert.sourceIp(), alert.excerpt());
    Window w = open.get(key);
    if (w != null && alert.time().isBefore(w.end)) {
      w.repeats += alert.count();
      w.last = alert;
      return out;
    }
    if (w != null) {
      open.remove(key);
      summary(w, out);
    }
    if (open.size() >= maxKeys) {
      Iterator<Window> eldest = open.values().iterator();
      summary(eldest.next(), out);
      eldest.remove();
    }
    open.put(key, new Window(alert.time().plus(window)));
    out.add(alert);
    return out;
  }

  /** Closes the windows that ended at or before {@code now}; returns their summaries. */
  public synchronized List<Alert> expire(Instant now) {
    List<Alert> out = new ArrayList<>();
    for (Iterator<Window> it = open.values().iterator(); it.hasNext(); ) {
      Window w = it.next();
      if (!now.isBefore(w.end)) {
        summary(w, out);
        it.remove();
      }
    }
    return out;
  }

  /** Closes every window (on shutdown); returns their summaries. */
  public synchronized List<Alert> drain() {
    List<Alert> out = new ArrayList<>();
    open.values().forEach(w -> summary(w, out));
    open.clear();
    return out;
  }

  public synchronized int openWindows() {
    return open.size();
  }

  private static void summary(Window w, List<Alert> out) {
    if (w.repeats == 0) {
      return;
    }
    Alert a = w.last;
    Map<String, String> fields = new HashMap<>(a.fields());
    fields.put("moat_summary", "true");
    out.add(new Alert(a.time(), a.decoyName(), a.decoyType(), a.service(), a.namespace(), a.sourceIp(), a.sourcePort(), a.protocol(),
        a.action(), a.excerpt(), a.severity(), a.mitreTechnique(), fields, w.repeats));
  }
}
