package dev.moat.scan;

/**
 * The request and response excerpts that show a finding, already bounded and with secrets (credentials the
 * user gave the scanner) masked. Build it with {@link CheckContext#evidence}, never by hand.
 */
public record Evidence(String request, String response) {

  public Evidence {
    request = request == null ? "" : request;
    response = response == null ? "" : response;
  }
}
