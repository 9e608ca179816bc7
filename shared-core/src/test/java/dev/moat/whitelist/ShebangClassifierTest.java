package dev.moat.whitelist;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ShebangClassifierTest {

  private static ShebangClassifier.Shebang parse(String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    return ShebangClassifier.parse(bytes, bytes.length);
  }

  @Test
  void splitsInterpreterAndItsOneArgument() {
    assertThat(parse("#!/usr/bin/env python3\nprint(1)\n")).isEqualTo(new ShebangClassifier.Shebang("/usr/bin/env", "python3"));
    assertThat(parse("#! \t/bin/sh -e -u  \n")).isEqualTo(new ShebangClassifier.Shebang("/bin/sh", "-e -u"));
    assertThat(parse("#!/bin/sh\n")).isEqualTo(new ShebangClassifier.Shebang("/bin/sh", null));
    assertThat(parse("#!/bin/sh")).isEqualTo(new ShebangClassifier.Shebang("/bin/sh", null));
  }

  @Test
  void readsOnlyTheFirst256BytesAsTheKernelDoes() {
    String longArgument = "x".repeat(400);
    ShebangClassifier.Shebang shebang = parse("#!/bin/interp " + longArgument + "\n");
    assertThat(shebang.interpreter()).isEqualTo("/bin/interp");
    assertThat(("#!/bin/interp " + shebang.argument()).length()).isEqualTo(ShebangClassifier.MAX_LINE);
  }

  @Test
  void aLineWithoutInterpreterOrWithoutHashBangIsNone() {
    assertThat(parse("#!   \n")).isNull();
    assertThat(parse("echo hi\n")).isNull();
    assertThat(parse("#")).isNull();
  }
}
