package dev.moat.scan;

import java.util.Objects;

/**
 * One vulnerability found: its class, where (method, URL, parameter and location), how bad and how sure,
 * how it was tested and what shows it.
 *
 * @param type the vulnerability class (its CWE and remediation come from there)
 * @param severity how bad; usually {@code type.defaultSeverity()}
 * @param confidence how sure the check is
 * @param method the HTTP method of the endpoint
 * @param url the endpoint's URL (path parameters filled in, no query)
 * @param endpoint the endpoint's {@link Endpoint#key()}, for de-duplication
 * @param parameter the parameter name, or null for findings about a path or the whole target
 * @param location where that parameter travels, or null
 * @param title one line saying what was found ("Reflected XSS in an HTML attribute")
 * @param testMethod the payload and how it was detected
 * @param evidence request and response excerpts
 */
public record Finding(
    VulnerabilityClass type,
    Severity severity,
    Confidence confidence,
    String method,
    String url,
    String endpoint,
    String parameter,
    ParameterLocation location,
    String title,
    TestMethod testMethod,
    Evidence evidence) {

  public Finding {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(severity, "severity");
    Objects.requireNonNull(confidence, "confidence");
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(url, "url");
    endpoint = endpoint == null ? method + " " + url : endpoint;
    title = title == null ? type.title() : title;
    testMethod = testMethod == null ? new TestMethod("", "") : testMethod;
    evidence = evidence == null ? new Evidence("", "") : evidence;
  }

  /** A finding on one parameter of an endpoint, with the class's default severity. */
  public static Finding of(VulnerabilityClass type, Confidence confidence, Endpoint endpoint, Parameter parameter, String title,
      TestMethod testMethod, Evidence evidence) {
    return new Finding(type, type.defaultSeverity(), confidence, endpoint.method(), endpoint.displayUrl(), endpoint.key(),
        parameter == null ? null : parameter.name(), parameter == null ? null : parameter.location(), title, testMethod, evidence);
  }

  public Finding withSeverity(Severity newSeverity) {
    return new Finding(type, newSeverity, confidence, method, url, endpoint, parameter, location, title, testMethod, evidence);
  }

  public int cwe() {
    return type.cwe();
  }

  public String remediation() {
    return type.remediation();
  }

  /** Findings with the same key are one finding: (type, endpoint, parameter and its location). */
  public String dedupeKey() {
    return type.id() + "|" + endpoint + "|" + (location == null ? "" : location.name()) + "|" + (parameter == null ? "" : parameter);
  }
}
