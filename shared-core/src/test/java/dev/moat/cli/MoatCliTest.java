package dev.moat.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class MoatCliTest {

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    return MoatCli.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
  }

  @Test
  void aNamedSubcommandGetsOnlyItsOwnModel() {
    assertThat(MoatCli.commandLine("copy", "a", "b").getSubcommands()).containsOnlyKeys("copy");
    assertThat(MoatCli.commandLine("key", "generate").getSubcommands()).containsOnlyKeys("key");
  }

  @Test
  void noSubcommandHelpOrAnUnknownNameGetsAllOfThem() {
    String[] all = {"sign", "verify", "copy", "whitelist", "scan", "decoy", "key", "demo", "help"};
    assertThat(MoatCli.commandLine().getSubcommands().keySet()).containsExactly(all);
    assertThat(MoatCli.commandLine("--help").getSubcommands().keySet()).containsExactly(all);
    assertThat(MoatCli.commandLine("help", "copy").getSubcommands().keySet()).containsExactly(all);
    assertThat(MoatCli.commandLine("cpy").getSubcommands().keySet()).containsExactly(all);
  }

  @Test
  void theUsageListsEverySubcommand() {
    assertThat(run("--help")).isZero();
    assertThat(out.toString()).contains("Usage: moat", "sign", "verify", "copy", "whitelist", "scan", "decoy", "key", "demo");
  }

  @Test
  void aSubcommandsHelpNamesItUnderMoat() {
    assertThat(run("copy", "--help")).isZero();
    assertThat(out.toString()).startsWith("Usage: moat copy").contains("--sign-key");
    out.getBuffer().setLength(0);
    assertThat(run("key", "generate", "--help")).isZero();
    assertThat(out.toString()).startsWith("Usage: moat key generate");
  }

  @Test
  void helpForASubcommandPrintsItsUsage() {
    assertThat(run("help", "verify")).isZero();
    assertThat(out.toString()).startsWith("Usage: moat verify").contains("--threshold");
  }

  @Test
  void annotationKeysAndValuesAreTrimmedAsTheJenkinsStepsTrimThem() {
    for (String[] args : new String[][] {
        {"verify", "img", "--key", "k.pub", "-a", " env = prod ", "--annotation", "team=payments"},
        {"sign", "img", "--key", "k.key", "-a", " env = prod ", "--annotation", "team=payments"},
        {"copy", "a", "b", "--verify-key", "k.pub", "--verify-annotation", " env = prod ", "--verify-annotation", "team=payments"}}) {
      CommandLine.ParseResult parsed = MoatCli.commandLine(args).parseArgs(args).subcommand();
      String option = args[0].equals("copy") ? "--verify-annotation" : "-a";
      Map<String, String> annotations = parsed.matchedOptionValue(option, Map.of());
      assertThat(annotations).as(args[0]).containsExactly(Map.entry("env", "prod"), Map.entry("team", "payments"));
    }
  }

  @Test
  void anAnnotationWithoutAKeyIsBadInput() {
    assertThat(run("verify", "img", "--key", "k.pub", "-a", " =prod")).isEqualTo(2);
    assertThat(err.toString()).contains("an annotation needs a key", "Try 'moat verify --help'");
  }

  @Test
  void anUnknownSubcommandIsBadInput() {
    assertThat(run("cpy", "a", "b")).isEqualTo(2);
    assertThat(err.toString()).contains("moat: ", "'cpy'", "Did you mean: moat copy?").contains("Try 'moat --help'");
  }

  @Test
  void aMissingArgumentNamesTheSubcommandToAskForHelp() {
    assertThat(run("copy", "only-source")).isEqualTo(2);
    assertThat(err.toString()).contains("DESTINATION").contains("Try 'moat copy --help'");
  }
}
