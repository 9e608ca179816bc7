package dev.moat.decoy;

import java.util.List;

/**
 * What {@code moat decoy catalog} lists for one decoy type.
 *
 * @param type the name used in configs and on the command line ({@code redis}, {@code docker-api})
 * @param category unauthorised access, code execution, local file read, remote command execution, weak password, custom
 * @param emulates what it looks like to a client ({@code Redis 7.0 without auth})
 * @param defaultPort the port the real service listens on
 * @param alertsOn what raises an alert, one line each, with its action name and severity
 */
public record CatalogEntry(String type, String category, String emulates, int defaultPort, List<String> alertsOn) {
  public CatalogEntry {
    alertsOn = List.copyOf(alertsOn);
  }
}
