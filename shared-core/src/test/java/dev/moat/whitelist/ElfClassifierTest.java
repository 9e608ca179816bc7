package dev.moat.whitelist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * The classifier against real ELF files of this machine, each checked against what binutils' readelf says
 * about the same file (computed in the test, never written down).
 */
class ElfClassifierTest {

  @ParameterizedTest
  @ValueSource(strings = {"/bin/ls", "/bin/busybox", "/lib/x86_64-linux-gnu/libc.so.6", "/lib64/ld-linux-x86-64.so.2",
      "/usr/lib/x86_64-linux-gnu/crt1.o", "/usr/lib/jvm/java-17-openjdk-amd64/bin/java"})
  void classifiesRealFilesAsReadelfDoes(String name) throws Exception {
    Path file = Path.of(name);
    assumeTrue(Files.isRegularFile(file), name + " is not on this machine");
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/readelf")), "readelf (binutils) is not installed");
    ReadelfFacts facts = ReadelfFacts.of(file);

    ElfClassifier.Result result;
    try (InputStream in = Files.newInputStream(file)) {
      result = ElfClassifier.classify(in);
    }

    assertThat(result.elf()).isTrue();
    assertThat(result.type()).isEqualTo(facts.type());
    assertThat(result.interpreter()).isEqualTo(facts.interpreter());
    assertThat(result.pie()).isEqualTo(facts.pieFlag());
    assertThat(result.kind()).isEqualTo(facts.expectedKind());
  }

  @Test
  void findsTheInterpreterWhenBytesArriveOneAtATime() throws Exception {
    Path ls = Path.of("/bin/ls");
    assumeTrue(Files.isRegularFile(ls));
    ElfClassifier classifier = new ElfClassifier();
    byte[] bytes = Files.readAllBytes(ls);
    for (int i = 0; i < bytes.length; i++) {
      classifier.feed(bytes, i, 1);
    }
    ElfClassifier.Result whole = ElfClassifier.classify(Files.newInputStream(ls));
    assertThat(classifier.result()).isEqualTo(whole);
    assertThat(whole.interpreter()).isNotNull();
  }

  @Test
  void readsBigEndian32BitFiles() {
    // No big-endian 32-bit binary exists on this machine: the test builds the header and program headers
    // the ELF specification defines (ELFCLASS32, ELFDATA2MSB, ET_EXEC, one PT_INTERP) byte by byte.
    String interp = "/lib/ld.so.1";
    ByteBuffer b = ByteBuffer.allocate(52 + 32 + interp.length() + 1).order(ByteOrder.BIG_ENDIAN);
    b.put(new byte[] {0x7f, 'E', 'L', 'F', 1, 2, 1, 0}).put(new byte[8]);
    b.putShort((short) 2).putShort((short) 20).putInt(1).putInt(0x10000).putInt(52).putInt(0).putInt(0);
    b.putShort((short) 52).putShort((short) 32).putShort((short) 1).putShort((short) 40).putShort((short) 0).putShort((short) 0);
    b.putInt(3).putInt(84).putInt(0).putInt(0).putInt(interp.length() + 1).putInt(interp.length() + 1).putInt(4).putInt(1);
    b.put(interp.getBytes(StandardCharsets.US_ASCII)).put((byte) 0);
    ElfClassifier classifier = new ElfClassifier();
    classifier.feed(b.array(), 0, b.capacity());

    assertThat(classifier.result()).isEqualTo(new ElfClassifier.Result(true, ElfClassifier.ET_EXEC, interp, false));
    assertThat(classifier.result().kind()).isEqualTo(EntryKind.ELF_EXECUTABLE);
  }

  @Test
  void aFileWithoutTheMagicIsNoElf() throws Exception {
    ElfClassifier.Result result = ElfClassifier.classify(new java.io.ByteArrayInputStream("#!/bin/sh\n".getBytes(StandardCharsets.US_ASCII)));
    assertThat(result.elf()).isFalse();
    assertThat(result.kind()).isNull();
  }

  /** What readelf -h -l -d prints about a file. */
  record ReadelfFacts(int type, String interpreter, boolean pieFlag) {

    static ReadelfFacts of(Path file) throws Exception {
      Process p = new ProcessBuilder("readelf", "-W", "-h", "-l", "-d", file.toString()).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      p.waitFor(30, TimeUnit.SECONDS);
      Matcher type = Pattern.compile("Type:\\s+(\\w+)").matcher(out);
      assertThat(type.find()).as("readelf output for %s:%n%s", file, out).isTrue();
      int t = switch (type.group(1)) {
        case "REL" -> ElfClassifier.ET_REL;
        case "EXEC" -> ElfClassifier.ET_EXEC;
        case "DYN" -> ElfClassifier.ET_DYN;
        case "CORE" -> ElfClassifier.ET_CORE;
        default -> -1;
      };
      Matcher interp = Pattern.compile("Requesting program interpreter: ([^\\]]+)\\]").matcher(out);
      Matcher flags1 = Pattern.compile("\\(FLAGS_1\\)\\s+Flags:([^\\n]*)").matcher(out);
      boolean pie = flags1.find() && flags1.group(1).contains("PIE");
      return new ReadelfFacts(t, interp.find() ? interp.group(1) : null, pie);
    }

    EntryKind expectedKind() {
      if (type == ElfClassifier.ET_EXEC) {
        return EntryKind.ELF_EXECUTABLE;
      }
      if (type == ElfClassifier.ET_DYN) {
        return interpreter != null || pieFlag ? EntryKind.ELF_PIE : EntryKind.ELF_SHARED_LIBRARY;
      }
      return null;
    }
  }
}
