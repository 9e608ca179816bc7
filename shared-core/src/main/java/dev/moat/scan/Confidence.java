package dev.moat.scan;

/**
 * How sure a check is. {@link #CONFIRMED}: the target computed or returned something only a vulnerable
 * sink produces (an arithmetic result, a file signature, an out-of-band hit). {@link #FIRM}: a strong
 * differential or reflection in a dangerous context. {@link #TENTATIVE}: a hint worth a look.
 */
public enum Confidence {
  CONFIRMED,
  FIRM,
  TENTATIVE
}
