package dev.moat.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** {@code moat scan schedule} renders the CronJob and its RBAC; {@code moat scan cluster} refuses an ambiguous namespace choice. */
class ScanScheduleCliTest {

  private record Run(int code, String out, String err) {}

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = MoatCli.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void rendersTheCronJobRunningTheClusterScanWithThePassedArguments() {
    Run r = run("scan", "schedule", "--cron", "0 3 * * *", "--namespace", "moat", "--target-namespace", "shop", "--", "--fail-on", "high");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("kind: \"CronJob\"", "kind: \"Role\"", "kind: \"RoleBinding\"", "kind: \"ServiceAccount\"", "schedule: \"0 3 * * *\"")
        .contains("- \"scan\"", "- \"cluster\"", "- \"shop\"", "- \"--fail-on\"", "- \"high\"");
  }

  @Test
  void aBadCronExpressionIsOneLineNamingTheOption() {
    Run r = run("scan", "schedule", "--cron", "0 25 * * *", "--namespace", "moat");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("--cron").doesNotContain("\tat ");
  }

  @Test
  void clusterNeedsExactlyOneOfNamespaceAndAllNamespaces() {
    Run r = run("scan", "cluster");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("--namespace").contains("--all-namespaces");
  }
}
