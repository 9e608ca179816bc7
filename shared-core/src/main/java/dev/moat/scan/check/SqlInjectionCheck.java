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
import dev.moat.scan.TestMethod;
import dev.moat.scan.VulnerabilityClass;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * SQL injection, two ways. <b>Error-based</b>: a lone quote (and its variants) must bring a database's own error
 * message — MySQL, PostgreSQL, SQLite, Microsoft SQL Server or Oracle, matched by signatures the baseline does not
 * contain. <b>Boolean-based</b>: a condition appended to the value ({@code 1 AND 7=7} / {@code 1 AND 7=8} for
 * numbers, {@code x' AND 'k'='k} / {@code x' AND 'k'='q} for strings) must answer like the baseline when true and
 * differently when false, twice with different literals, so noise and reflections are ruled out. Only
 * {@code AND} conditions that read: never {@code OR} (on an UPDATE or DELETE it would touch every row), never a
 * statement that writes. <b>Time-based</b>, when neither shows anything (a blind endpoint that answers the same
 * whatever the query does): a per-dialect delay — MySQL {@code SLEEP}, PostgreSQL {@code PG_SLEEP}, SQL Server
 * {@code WAITFOR DELAY} (the one stacked statement sent: it only waits), Oracle {@code DBMS_PIPE.RECEIVE_MESSAGE}
 * — measured against the baseline with a zero-delay control and a confirming repeat ({@link TimeDelayProbe}).
 * SQLite has no sleep function and is not tested by time.
 */
public final class SqlInjectionCheck implements Check {

  static final Map<String, Pattern> DIALECTS = Map.of(
      "MySQL", Pattern.compile("You have an error in your SQL syntax|Warning: mysql_|MySQLSyntaxErrorException|com\\.mysql\\.jdbc|check the manual that corresponds to your (MySQL|MariaDB)"),
      "PostgreSQL", Pattern.compile("PG::SyntaxError|org\\.postgresql\\.util\\.PSQLException|ERROR:\\s+(syntax error at or near|unterminated quoted string at or near)|psycopg2\\.errors"),
      "SQLite", Pattern.compile("SQLITE_ERROR|sqlite3\\.OperationalError|SQLiteException|unrecognized token: \"|near \"[^\"]*\": syntax error"),
      "Microsoft SQL Server", Pattern.compile("Unclosed quotation mark after the character string|Microsoft OLE DB Provider for SQL Server|System\\.Data\\.SqlClient\\.SqlException|Incorrect syntax near"),
      "Oracle", Pattern.compile("\\bORA-\\d{5}\\b|oracle\\.jdbc|quoted string not properly terminated"));

  private static final List<String> BREAKERS = List.of("'", "\"", "')", "\\");

  /** A time-based payload: {@code %v} is the parameter's value, {@code %d} the delay in seconds. */
  record Delay(String dialect, String template) {
    String payload(String value, int seconds) {
      return template.replace("%v", value).replace("%d", Integer.toString(seconds));
    }
  }

  static final List<Delay> NUMERIC_DELAYS = List.of(
      new Delay("MySQL", "%v AND (SELECT 1 FROM (SELECT SLEEP(%d))moat)"),
      new Delay("PostgreSQL", "%v AND 1=(SELECT 1 FROM PG_SLEEP(%d))"),
      new Delay("Microsoft SQL Server", "%v; WAITFOR DELAY '0:0:%d'--"),
      new Delay("Oracle", "%v AND 1=DBMS_PIPE.RECEIVE_MESSAGE('moat',%d)"));

  static final List<Delay> QUOTED_DELAYS = List.of(
      new Delay("MySQL", "%v' AND (SELECT 1 FROM (SELECT SLEEP(%d))moat) AND 'm'='m"),
      new Delay("PostgreSQL", "%v' AND 1=(SELECT 1 FROM PG_SLEEP(%d)) AND 'm'='m"),
      new Delay("Microsoft SQL Server", "%v'; WAITFOR DELAY '0:0:%d'--"),
      new Delay("Oracle", "%v' AND 1=DBMS_PIPE.RECEIVE_MESSAGE('moat',%d) AND 'm'='m"));

  @Override
  public VulnerabilityClass type() {
    return VulnerabilityClass.SQL_INJECTION;
  }

  @Override
  public boolean waits() {
    return true;
  }

  @Override
  public void scan(Endpoint endpoint, CheckContext ctx) throws IOException, InterruptedException {
    for (Parameter p : endpoint.parameters()) {
      if (p.isFile() || p.location() == ParameterLocation.HEADER) {
        continue;
      }
      if (!errorBased(endpoint, p, ctx) && !booleanBased(endpoint, p, ctx)) {
        timeBased(endpoint, p, ctx);
      }
    }
  }

  private boolean errorBased(Endpoint endpoint, Parameter p, CheckContext ctx) throws IOException, InterruptedException {
    ScanResponse baseline = ctx.baseline(endpoint);
    String before = baseline == null ? "" : baseline.text();
    for (String breaker : BREAKERS) {
      String payload = p.value() + breaker;
      ScanRequest request = endpoint.inject(p, payload);
      ScanResponse response = ProbeExchange.send(ctx, request);
      if (response == null) {
        continue;
      }
      String text = response.text();
      for (Map.Entry<String, Pattern> dialect : DIALECTS.entrySet()) {
        Matcher m = dialect.getValue().matcher(text);
        if (m.find() && !dialect.getValue().matcher(before).find()) {
          ctx.report(Finding.of(VulnerabilityClass.SQL_INJECTION, Confidence.FIRM, endpoint, p, "SQL injection (error-based, " + dialect.getKey() + ")",
              new TestMethod(payload, "appending " + breaker + " broke the query: the answer (HTTP " + response.status() + ") carries a "
                  + dialect.getKey() + " error (\"" + m.group() + "\") the baseline does not"),
              ctx.evidence(request, response)));
          return true;
        }
      }
    }
    return false;
  }

  private boolean booleanBased(Endpoint endpoint, Parameter p, CheckContext ctx) throws IOException, InterruptedException {
    ScanResponse baseline = ctx.baseline(endpoint);
    if (baseline == null || baseline.status() >= 500) {
      return false;
    }
    boolean numeric = p.value().matches("-?\\d+");
    String[][] rounds = numeric
        ? new String[][] {{" AND 7=7", " AND 7=8"}, {" AND 43=43", " AND 43=44"}}
        : new String[][] {{"' AND 'k'='k", "' AND 'k'='q"}, {"' AND 'zx'='zx", "' AND 'zx'='zy"}};
    ScanRequest falseRequest = null;
    ScanResponse falseResponse = null;
    for (String[] round : rounds) {
      String truePayload = p.value() + round[0];
      String falsePayload = p.value() + round[1];
      ScanResponse whenTrue = ProbeExchange.send(ctx, endpoint.inject(p, truePayload));
      if (whenTrue == null || !alike(whenTrue, baseline, truePayload, p.value())) {
        return false;
      }
      falseRequest = endpoint.inject(p, falsePayload);
      falseResponse = ProbeExchange.send(ctx, falseRequest);
      if (falseResponse == null || alike(falseResponse, baseline, falsePayload, p.value())) {
        return false;
      }
    }
    String shown = p.value() + rounds[0][0] + " / " + p.value() + rounds[0][1];
    ctx.report(Finding.of(VulnerabilityClass.SQL_INJECTION, Confidence.FIRM, endpoint, p, "SQL injection (boolean-based)",
        new TestMethod(shown, "a true condition answered like the baseline and a false one differently (HTTP " + falseResponse.status() + ", "
            + falseResponse.body().length + " bytes against " + baseline.body().length + "), twice with other literals"),
        ctx.evidence(falseRequest, falseResponse)));
    return true;
  }

  private void timeBased(Endpoint endpoint, Parameter p, CheckContext ctx) throws IOException, InterruptedException {
    List<Delay> shapes = p.value().matches("-?\\d+")
        ? java.util.stream.Stream.concat(NUMERIC_DELAYS.stream(), QUOTED_DELAYS.stream()).toList() : QUOTED_DELAYS;
    for (Delay shape : shapes) {
      TimeDelayProbe.Proof proof = TimeDelayProbe.test(endpoint, p, s -> shape.payload(p.value(), s), ctx);
      if (proof != null) {
        ctx.report(Finding.of(VulnerabilityClass.SQL_INJECTION, Confidence.FIRM, endpoint, p, "SQL injection (time-based, " + shape.dialect() + ")",
            new TestMethod(shape.payload(p.value(), proof.seconds()), proof.detection()), ctx.evidence(proof.request(), proof.response())));
        return;
      }
    }
  }

  /** Same status, and the same body once the injected value (and the original) are taken out of both. */
  static boolean alike(ScanResponse a, ScanResponse baseline, String payload, String original) {
    return a.status() == baseline.status()
        && ResponseSimilarity.similar(a.text().replace(payload, "").replace(original, ""), baseline.text().replace(original, ""));
  }
}
