package dev.moat.whitelist;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** What a whitelist entry is. The JSON name is the lower-case, hyphenated form ({@code elf-pie}). */
public enum EntryKind {
  /** An ELF file of type ET_EXEC: a non-relocatable executable, static or dynamic. */
  ELF_EXECUTABLE,
  /** An ELF file of type ET_DYN that runs as a program: it has a PT_INTERP, or DF_1_PIE (static-pie). */
  ELF_PIE,
  /** An ELF file of type ET_DYN that is a library (no PT_INTERP, no DF_1_PIE), with or without an exec bit. */
  ELF_SHARED_LIBRARY,
  /** A file with an exec bit that starts with {@code #!}: the kernel runs its interpreter. */
  SCRIPT,
  /** Any other regular file with an exec bit (an ELF relocatable or core file, a file of another format). */
  OTHER_EXECUTABLE,
  /** A symbolic link whose resolved target is an entry: enforcers see the target, the entry records both. */
  SYMLINK;

  @JsonValue
  public String jsonName() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  @JsonCreator
  public static EntryKind fromJson(String value) {
    for (EntryKind kind : values()) {
      if (kind.jsonName().equals(value)) {
        return kind;
      }
    }
    throw new IllegalArgumentException("unknown entry kind '" + value + "'");
  }

  /** Whether this is a file the kernel may execute or map as code (everything but a symlink). */
  public boolean isFile() {
    return this != SYMLINK;
  }
}
