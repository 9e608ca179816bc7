package dev.moat.decoy.alert;

import java.security.SecureRandom;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Ids for spooled alerts, in UUID form (RFC 4122 version and variant bits set): the high 64 bits are random, drawn
 * once per process, the low bits count up. Unique within a process by construction and across processes with the
 * odds of 60 random bits, without a {@link SecureRandom} call per alert ({@link UUID#randomUUID()} cost the decoy
 * runtime a lock and a read of the OS random source on its event loops).
 */
final class AlertIds {

  private final long high;
  private final AtomicLong next = new AtomicLong();

  AlertIds() {
    this(new SecureRandom().nextLong());
  }

  AlertIds(long random) {
    this.high = (random & ~0xF000L) | 0x4000L; // version 4 in bits 12-15
  }

  String next() {
    long low = (next.getAndIncrement() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L; // variant 10
    return new UUID(high, low).toString();
  }
}
