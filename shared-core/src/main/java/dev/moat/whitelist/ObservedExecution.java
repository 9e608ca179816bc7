package dev.moat.whitelist;

/**
 * One execution an enforcer or audit log saw.
 *
 * @param path the executed path, as the kernel resolved it
 * @param sha256 lower-case hex content hash when the source gives one; null otherwise
 * @param imageRepository the container image's repository when the source gives it; null otherwise
 * @param imageDigest the container image's digest when the source gives it; null otherwise
 * @param origin where it came from, for reports: {@code events.json:12 (falco)}
 * @param details container, pod, process and time as the source gave them, for reports; may be empty
 */
public record ObservedExecution(
    String path, String sha256, String imageRepository, String imageDigest, String origin, java.util.Map<String, String> details) {}
