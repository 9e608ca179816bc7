package dev.moat.testing.vulnapp;

/** Answers one route of the vulnerable app. May block (sleep-based endpoints do); runs on a worker thread. */
@FunctionalInterface
public interface AppHandler {
  AppResponse handle(AppRequest request) throws Exception;
}
