package dev.moat.decoy.alert;

import dev.moat.decoy.Alert;
import java.util.Objects;

/**
 * An alert as it sits in the spool: with the stable id every sink sends along, so a receiver that gets it twice
 * (at-least-once delivery) can drop the repeat.
 *
 * @param id a UUID given when the alert was spooled; the same on every delivery attempt and after a restart
 * @param alert the alert
 */
public record SpooledAlert(String id, Alert alert) {
  public SpooledAlert {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(alert, "alert");
  }
}
