package dev.moat.e2e;


import dev.moat.testing.LocalRegistry;
import dev.moat.testing.MoatProcess;
import dev.moat.testing.TestImages;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Shared set-up for the end-to-end tests: real registries, real image tools, the real CLI jar. */
final class E2eSupport {

  private E2eSupport() {}

  static void assumeTools() {
    TestImages.assumeToolsInstalled();
  }

  static Map<String, String> env(LocalRegistry... registries) {
    Map<String, String> env = new HashMap<>();
    for (LocalRegistry r : registries) {
      for (String kv : r.credentialEnvironment()) {
        int eq = kv.indexOf('=');
        env.put(kv.substring(0, eq), kv.substring(eq + 1));
      }
    }
    return env;
  }

  static MoatProcess.Result moat(Map<String, String> env, Path dir, List<String> args) throws Exception {
    return MoatProcess.run(env, dir, args);
  }
}
