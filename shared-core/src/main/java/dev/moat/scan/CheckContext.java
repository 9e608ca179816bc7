package dev.moat.scan;

import java.io.IOException;

/** What a check gets from the engine while it tests one target. Thread-safe: checks run concurrently. */
public interface CheckContext {

  ScanClient client();

  /** The endpoint's baseline response, sent once and cached. */
  ScanResponse baseline(Endpoint endpoint) throws IOException, InterruptedException;

  /** The out-of-band listener, or null when none runs (checks then skip their out-of-band payloads). */
  OutOfBandListener outOfBand();

  /** A fresh unique marker: {@code moat} followed by 10 lower-case letters and digits, never repeated in a scan. */
  String marker();

  ScanSettings settings();

  /** Bounded request/response excerpts with the user's secrets masked, for a finding. */
  Evidence evidence(ScanRequest request, ScanResponse response);

  /** Records a note for the report: something the check saw but could not settle (a lockout, an unstable endpoint). */
  default void note(String text) {}

  /** Records a finding; the engine de-duplicates by {@link Finding#dedupeKey()}. */
  void report(Finding finding);
}
