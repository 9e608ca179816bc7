package dev.moat.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A kubeconfig for fabric8's mock API server (a fake: no Kubernetes API server can run here), so the CLI, a Tekton
 * step or an action finds the mock server as it would find a cluster. The mock server has a self-signed certificate,
 * hence {@code insecure-skip-tls-verify}; the token is a placeholder the mock server does not check.
 */
public final class MockKubeconfig {

  private MockKubeconfig() {}

  /** The kubeconfig's text for the server at {@code url} (as {@code KubernetesMockServer.url("/")} gives it). */
  public static String text(String url, String namespace) {
    return String.join("\n",
        "apiVersion: v1", "kind: Config", "current-context: mock",
        "clusters:", "- name: mock", "  cluster:", "    server: " + url.replaceAll("/$", ""), "    insecure-skip-tls-verify: true",
        "users:", "- name: tester", "  user:", "    token: mock-token",
        "contexts:", "- name: mock", "  context:", "    cluster: mock", "    user: tester", "    namespace: " + namespace, "");
  }

  /** Writes {@link #text} to {@code file} and returns it. */
  public static Path write(Path file, String url) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    return Files.writeString(file, text(url, "default"));
  }
}
