package dev.moat.scan;

import java.time.Instant;

/** One request that reached the scanner's out-of-band listener: which token, from where, and what it asked. */
public record OutOfBandHit(String token, Instant time, String sourceAddress, String method, String path, String excerpt) {}
