package dev.moat.decoy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ExecutionDecoysTest {

  @Test
  void theCatalogueListsEveryExecutionDecoy() {
    assertThat(DecoyCatalog.builtIn().entries()).extracting(CatalogEntry::type)
        .contains("jenkins", "spring-actuator", "file-download", "ping-diagnostics", "log4shell", "struts2");
  }

  @Test
  void theFakeShellNeverClaimsToKnowAnUnknownCommand() {
    CannedShell shell = new CannedShell(FakeFilesystem.canned(), "root", "/root", "-bash");
    assertThat(shell.answer("python3 -c 'import os'")).isEqualTo("-bash: python3: command not found\n");
    assertThat(shell.answer("cd /etc")).isEmpty();
    assertThat(shell.answer("cat passwd")).startsWith("root:x:0:0");
    assertThat(shell.answer("ls /root/.ssh")).isEqualTo("authorized_keys  id_rsa\n");
  }
}
