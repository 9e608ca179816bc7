package dev.moat.scan;

/**
 * How a finding was tested: the payload sent (as the check wrote it, before encoding) and how the result was
 * recognised ("the response contained 7*191=1337's result 1337 where the baseline did not").
 */
public record TestMethod(String payload, String detection) {

  public TestMethod {
    payload = payload == null ? "" : payload;
    detection = detection == null ? "" : detection;
  }
}
