package dev.moat.decoy;

import java.util.Objects;

/**
 * Who a running decoy is, for its alerts.
 *
 * @param name the decoy's name ({@code payments-cache})
 * @param type its catalogue type ({@code redis})
 * @param service the Kubernetes Service name; null outside a cluster
 * @param namespace the namespace; null outside a cluster
 */
public record DecoyIdentity(String name, String type, String service, String namespace) {
  public DecoyIdentity {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
  }
}
