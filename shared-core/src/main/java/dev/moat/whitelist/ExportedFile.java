package dev.moat.whitelist;

/** One file an exporter writes: a policy, a rules file, a trust file. {@code fileName} has no directory part. */
public record ExportedFile(String fileName, byte[] content) {}
