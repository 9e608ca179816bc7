package dev.moat.stage;

/** How a stage ended, against the gate the user set. */
public enum Verdict { PASS, WARN, FAIL }
