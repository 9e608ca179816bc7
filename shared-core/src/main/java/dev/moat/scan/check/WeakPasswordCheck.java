package dev.moat.scan.check;

import dev.moat.scan.Check;
import dev.moat.scan.CheckContext;
import dev.moat.scan.Confidence;
import dev.moat.scan.Endpoint;
import dev.moat.scan.Finding;
import dev.moat.scan.Parameter;
import dev.moat.scan.ParameterLocation;
import dev.moat.scan.ScanRequest;
import dev.moat.scan.ScanResponse;
import dev.moat.scan.ScanScope;
import dev.moat.scan.TestMethod;
import dev.moat.scan.VulnerabilityClass;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Weak or default credentials on login operations (from the spec or crawled forms: a password field on an
 * operation named like a login, never one named like a registration, reset or change) and on HTTP Basic realms
 * (a GET answered 401 with a Basic challenge; each realm of an origin once).
 *
 * <p>Two logins with random credentials give the failure's signature (status, redirect target, names of the cookies
 * set, the page with the submitted values taken out); a candidate credential that answers differently is re-tried
 * with a random password for the same user (which must fail, so a page that only tells known users apart is not a
 * finding) and once more as is (which must succeed again). Candidates come in a fixed order: the spec's example
 * user with a few common passwords, then {@link #PAIRS} (user names on an e-mail field take the example's domain).
 * Every request to one login counts towards {@code ScanSettings.maxLoginAttempts()}, a hard cap; any sign of a
 * lockout or rate limit (HTTP 423 or 429, Retry-After, "account locked", "too many attempts", a CAPTCHA) stops the
 * endpoint at once and leaves a note. Login requests bypass the cookie jar, so a session won here never
 * authenticates the rest of the scan. The password found is masked in the finding and its evidence; the test method
 * names the candidate's place in the list instead.
 */
public final class WeakPasswordCheck implements Check {

  /** A candidate credential and where it came from (shown instead of the password). */
  record Credential(String user, String password, String origin) {}

  /** Built-in default pairs, most common first. */
  static final List<String[]> PAIRS = List.of(
      new String[] {"admin", "admin"}, new String[] {"admin", "password"}, new String[] {"admin", "123456"},
      new String[] {"admin", "admin123"}, new String[] {"root", "root"}, new String[] {"root", "toor"},
      new String[] {"administrator", "administrator"}, new String[] {"admin", "changeme"}, new String[] {"test", "test"},
      new String[] {"guest", "guest"}, new String[] {"user", "user"}, new String[] {"demo", "demo"},
      new String[] {"tomcat", "tomcat"}, new String[] {"admin", "Password1"}, new String[] {"operator", "operator"},
      new String[] {"support", "support"});

  /** Common passwords tried for the spec's example user, {@code %u} standing for the user name. */
  static final List<String> COMMON = List.of("%u", "password", "123456", "Password1", "changeme");

  private static final Pattern PASSWORD = Pattern.compile("(?i)^(pass|passwd|password|pwd|pw|passphrase|pin|secret|j_password|(user|login)[_-]?pass(word)?)$");
  private static final Pattern PASSWORD_LIKE = Pattern.compile("(?i)password");
  private static final Pattern NOT_CURRENT = Pattern.compile("(?i)new|confirm|old|repeat|retype|verify|again|2$");
  private static final Pattern USER = Pattern.compile("(?i)^(user|username|user[_-]?name|login|email|e-?mail|mail|account|uid|user[_-]?id|usr|j_username|name|identifier|principal)$");
  private static final Pattern LOGIN = Pattern.compile("(?i)log[_-]?in|sign[_-]?in|log[_-]?on|auth|session|token");
  private static final Pattern NOT_LOGIN = Pattern.compile("(?i)regist|sign[_-]?up|reset|forgot|recover|change|create|invite|update|delete|new");
  private static final Pattern LOCKOUT = Pattern.compile("(?i)(account|user)[^<>]{0,40}(locked|disabled|suspended|blocked)|too many[^<>]{0,30}(attempts|tries|requests|failures)"
      + "|try again (later|in \\d)|temporarily (blocked|locked)|captcha");

  private final Set<String> realmsTested = ConcurrentHashMap.newKeySet();

  @Override
  public VulnerabilityClass type() {
    return VulnerabilityClass.WEAK_PASSWORD;
  }

  @Override
  public void scan(Endpoint endpoint, CheckContext ctx) throws IOException, InterruptedException {
    Parameter password = passwordField(endpoint);
    if (password != null) {
      new Attempts(endpoint, ctx).form(password, userField(endpoint, password));
      return;
    }
    if (!endpoint.method().equals("GET")) {
      return; // Basic realms are tried on reads only: a baseline POST to a form that is not a login could create something
    }
    ScanResponse baseline = ctx.baseline(endpoint);
    String challenge = baseline == null ? null : baseline.header("WWW-Authenticate");
    if (baseline != null && baseline.status() == 401 && challenge != null && challenge.regionMatches(true, 0, "Basic", 0, 5)
        && realmsTested.add(ScanScope.origin(baseline.uri()) + " " + challenge)) {
      new Attempts(endpoint, ctx).basic(challenge);
    }
  }

  /** The login's password field, or null when the endpoint is not a login this check may try. */
  static Parameter passwordField(Endpoint endpoint) {
    String naming = endpoint.pathTemplate() + " " + endpoint.operationId();
    if (!Set.of("POST", "GET").contains(endpoint.method()) || !LOGIN.matcher(naming).find() || NOT_LOGIN.matcher(naming).find()) {
      return null;
    }
    Parameter found = null;
    for (Parameter p : endpoint.parameters()) {
      String leaf = leaf(p.name());
      boolean password = PASSWORD.matcher(leaf).matches() || PASSWORD_LIKE.matcher(leaf).find() && !NOT_CURRENT.matcher(leaf).find();
      if (password && (p.location().inBody() || p.location() == ParameterLocation.QUERY) && !p.isFile()) {
        if (found != null || NOT_CURRENT.matcher(leaf).find()) {
          return null; // two password fields: a change or a registration form
        }
        found = p;
      }
    }
    return found;
  }

  private static Parameter userField(Endpoint endpoint, Parameter password) {
    for (Parameter p : endpoint.parameters()) {
      if (p != password && p.location() == password.location() && USER.matcher(leaf(p.name())).matches()) {
        return p;
      }
    }
    return null;
  }

  private static String leaf(String name) {
    return name.substring(Math.max(name.lastIndexOf('.'), name.lastIndexOf('/')) + 1);
  }

  /** The ordered candidates for a login whose user field holds {@code example} (null: a password-only login). */
  static List<Credential> candidates(String example) {
    List<Credential> out = new ArrayList<>();
    String domain = example != null && example.contains("@") ? example.substring(example.indexOf('@')) : "";
    if (example != null && !example.isBlank()) {
      for (int i = 0; i < COMMON.size(); i++) {
        String local = example.contains("@") ? example.substring(0, example.indexOf('@')) : example;
        out.add(new Credential(example, COMMON.get(i).replace("%u", local), "the example user with common password " + (i + 1) + " of " + COMMON.size()));
      }
    }
    for (int i = 0; i < PAIRS.size(); i++) {
      String user = example == null ? null : PAIRS.get(i)[0] + domain;
      out.add(new Credential(user, PAIRS.get(i)[1], "built-in pair " + (i + 1) + " of " + PAIRS.size()));
    }
    Set<String> seen = new LinkedHashSet<>();
    return out.stream().filter(c -> seen.add(c.user() + "\u0000" + c.password())).toList();
  }

  /** One endpoint's login attempts, counted against the cap. */
  private final class Attempts {
    private final Endpoint endpoint;
    private final CheckContext ctx;
    private final int cap;
    private int sent;

    Attempts(Endpoint endpoint, CheckContext ctx) {
      this.endpoint = endpoint;
      this.ctx = ctx;
      this.cap = Math.max(1, ctx.settings().maxLoginAttempts());
    }

    void form(Parameter password, Parameter user) throws IOException, InterruptedException {
      List<Credential> candidates = candidates(user == null ? null : user.value());
      run(candidates, c -> formLogin(password, user, c), password, "login form field " + password.name());
    }

    void basic(String challenge) throws IOException, InterruptedException {
      List<Credential> candidates = candidates("");
      Login login = c -> endpoint.baseline().withHeader("Authorization", basicHeader(c.user(), c.password()));
      run(candidates, login, new Parameter("Authorization", ParameterLocation.HEADER, "", "string", false), "HTTP Basic realm (" + challenge + ")");
    }

    private ScanRequest formLogin(Parameter password, Parameter user, Credential c) {
      List<Parameter> params = new ArrayList<>();
      for (Parameter p : endpoint.parameters()) {
        params.add(p == password ? p.withValue(c.password()) : p == user ? p.withValue(c.user()) : p);
      }
      return new Endpoint(endpoint.method(), endpoint.server(), endpoint.pathTemplate(), params, endpoint.operationId(), endpoint.source()).baseline();
    }

    private void run(List<Credential> candidates, Login login, Parameter reported, String what) throws IOException, InterruptedException {
      String randomUser = ctx.marker();
      Credential wrongA = new Credential(candidates.get(0).user() == null ? null : randomUser, ctx.marker(), "random");
      Credential wrongB = new Credential(wrongA.user() == null ? null : ctx.marker(), ctx.marker(), "random");
      ScanResponse failA = attempt(login, wrongA);
      ScanResponse failB = failA == null ? null : attempt(login, wrongB);
      if (failB == null) {
        return;
      }
      if (!sameOutcome(failB, wrongB, failA, wrongA)) {
        ctx.note("weak-password on " + endpoint.key() + ": two logins with random credentials answered differently; not tested");
        return;
      }
      Set<String> enumerated = new TreeSet<>();
      for (Credential c : candidates) {
        if (sent + 3 > cap) {
          ctx.note("weak-password on " + endpoint.key() + ": stopped at the cap of " + cap + " login attempts");
          return;
        }
        if (c.user() != null && enumerated.contains(c.user())) {
          continue;
        }
        ScanRequest request = login.request(c);
        ScanResponse answer = attempt(request);
        if (answer == null) {
          return;
        }
        if (sameOutcome(answer, c, failA, wrongA)) {
          continue;
        }
        Credential wrongPassword = new Credential(c.user(), ctx.marker(), "random");
        ScanResponse control = attempt(login, wrongPassword);
        if (control == null) {
          return;
        }
        if (!sameOutcome(control, wrongPassword, failA, wrongA)) {
          enumerated.add(c.user()); // the page tells this user apart, whatever the password
          continue;
        }
        ScanResponse repeat = attempt(request);
        if (repeat == null) {
          return;
        }
        if (!sameOutcome(repeat, c, failA, wrongA)) {
          report(c, login, reported, what, answer, failA);
          return;
        }
      }
    }

    private void report(Credential c, Login login, Parameter reported, String what, ScanResponse success, ScanResponse failure) {
      String mask = "*".repeat(Math.max(6, c.password().length()));
      ScanRequest shown = login.request(new Credential(c.user(), mask, c.origin()));
      String user = c.user() == null ? "" : "user " + c.user() + ", ";
      ctx.report(Finding.of(type(), Confidence.FIRM, endpoint, reported, "Weak password accepted on the " + what,
          new TestMethod(user + "password " + mask + " (" + c.origin() + ", see docs/scan.md)",
              "the login answered HTTP " + success.status() + describe(success) + " where random credentials get HTTP " + failure.status()
                  + describe(failure) + "; a random password for the same user failed again and the credential succeeded twice"),
          ctx.evidence(shown, masked(success, c.password(), mask))));
    }

    private ScanResponse attempt(Login login, Credential c) throws IOException, InterruptedException {
      return attempt(login.request(c));
    }

    /** One counted login; null when it could not be exchanged or the answer signals a lockout (then noted). */
    private ScanResponse attempt(ScanRequest request) throws IOException, InterruptedException {
      if (sent >= cap) {
        return null;
      }
      sent++;
      ScanResponse r = ProbeExchange.sendWithoutCookieJar(ctx, request);
      if (r == null) {
        return null;
      }
      String lockout = lockout(r);
      if (lockout != null) {
        ctx.note("weak-password on " + endpoint.key() + ": stopped after " + sent + " login attempt(s): the target signals a lockout or rate limit (" + lockout + ")");
        return null;
      }
      return r;
    }
  }

  /** Builds the login request for one credential. */
  private interface Login {
    ScanRequest request(Credential c);
  }

  static String lockout(ScanResponse r) {
    if (r.status() == 423 || r.status() == 429) {
      return "HTTP " + r.status();
    }
    if (r.header("Retry-After") != null) {
      return "Retry-After: " + r.header("Retry-After");
    }
    java.util.regex.Matcher m = LOCKOUT.matcher(r.text());
    return m.find() ? "\"" + m.group() + "\"" : null;
  }

  /**
   * Whether {@code r} (for credential {@code c}) looks like {@code failure} (for {@code wrong}): same status, redirect,
   * cookie names and page, once both credentials' values are taken out of both (symmetrically, so a password that is
   * also a word of the page, such as "password", changes nothing).
   */
  private static boolean sameOutcome(ScanResponse r, Credential c, ScanResponse failure, Credential wrong) {
    return r.status() == failure.status()
        && strip(String.valueOf(r.header("Location")), c, wrong).equals(strip(String.valueOf(failure.header("Location")), c, wrong))
        && cookieNames(r).equals(cookieNames(failure))
        && ResponseSimilarity.similar(strip(r.text(), c, wrong), strip(failure.text(), c, wrong));
  }

  private static String strip(String text, Credential... credentials) {
    String out = text;
    for (Credential c : credentials) {
      for (String v : new String[] {c.password(), c.user()}) {
        if (v != null && v.length() > 1) {
          out = out.replace(v, "").replace(java.net.URLEncoder.encode(v, StandardCharsets.UTF_8), "");
        }
      }
    }
    return out;
  }

  private static Set<String> cookieNames(ScanResponse r) {
    Set<String> names = new TreeSet<>();
    for (String c : r.headers("Set-Cookie")) {
      int eq = c.indexOf('=');
      if (eq > 0) {
        names.add(c.substring(0, eq).trim().toLowerCase(Locale.ROOT));
      }
    }
    return names;
  }

  private static String describe(ScanResponse r) {
    String location = r.header("Location");
    Set<String> cookies = cookieNames(r);
    return (location == null ? "" : " to " + location) + (cookies.isEmpty() ? "" : " setting " + String.join(", ", cookies));
  }

  private static ScanResponse masked(ScanResponse r, String password, String mask) {
    if (password.length() < 2) {
      return r;
    }
    byte[] body = r.text().replace(password, mask).getBytes(StandardCharsets.UTF_8);
    return new ScanResponse(r.uri(), r.status(), r.headers(), body, r.truncated(), r.elapsedMillis());
  }

  private static String basicHeader(String user, String password) {
    return "Basic " + Base64.getEncoder().encodeToString(((user == null ? "" : user) + ":" + password).getBytes(StandardCharsets.UTF_8));
  }
}
