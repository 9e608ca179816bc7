package dev.moat.scan;

import java.io.IOException;
import java.net.URI;

/** Thrown by {@link ScanClient} instead of sending a request (or following a redirect) outside the scope. */
public class OutOfScopeException extends IOException {

  private static final long serialVersionUID = 1L;

  private final transient URI uri;

  public OutOfScopeException(URI uri) {
    super("not sent: " + uri + " is outside the scan's scope");
    this.uri = uri;
  }

  public URI uri() {
    return uri;
  }
}
