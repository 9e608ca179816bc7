package dev.moat;

import java.util.Objects;

/**
 * The one checked exception of Moat's core. Each carries the {@link Failure} it stands for, the bad value
 * (or the thing that failed) and a hint that tells the user what to do. Wrappers turn it into their own
 * notion of failure: the CLI prints one line and exits with {@link Failure#exitCode()}; Jenkins raises an
 * {@code AbortException}.
 */
public class MoatException extends Exception {

  private static final long serialVersionUID = 1L;

  private final Failure failure;
  private final String hint;

  public MoatException(Failure failure, String message, String hint) {
    this(failure, message, hint, null);
  }

  public MoatException(Failure failure, String message, String hint, Throwable cause) {
    super(Objects.requireNonNull(message), cause);
    this.failure = Objects.requireNonNull(failure);
    this.hint = hint == null ? "" : hint;
  }

  public Failure failure() {
    return failure;
  }

  /** What the user can do about it; empty when there is nothing useful to say. */
  public String hint() {
    return hint;
  }

  /** The message and the hint on one line, as the CLI prints it. */
  public String oneLine() {
    return hint.isEmpty() ? getMessage() : getMessage() + " — " + hint;
  }
}
