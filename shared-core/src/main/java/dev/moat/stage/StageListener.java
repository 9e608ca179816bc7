package dev.moat.stage;

/** Receives what a stage does while it runs. The core never prints; each wrapper routes these to its own log. */
public interface StageListener {

  void info(String message);

  void warn(String message);

  default void detail(String message) {}

  StageListener NONE = new StageListener() {
    @Override
    public void info(String message) {}

    @Override
    public void warn(String message) {}
  };
}
