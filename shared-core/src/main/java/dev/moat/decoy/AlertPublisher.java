package dev.moat.decoy;

/**
 * Where decoys hand their alerts. Never blocks the decoy on a slow sink: an implementation spools the alert and
 * delivers it later, at least once.
 */
@FunctionalInterface
public interface AlertPublisher {
  void publish(Alert alert);
}
