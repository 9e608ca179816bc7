package dev.moat.signing.key;

import java.lang.instrument.Instrumentation;
import java.util.Map;
import java.util.Set;

/**
 * Opens the JDK's PKCS#11 wrapper to Moat only when a PKCS#11 key is used. The runnable jar names this class as
 * its {@code Launcher-Agent-Class}, so {@code java -jar moat.jar} hands it an {@link Instrumentation} before
 * {@code main}; {@link #exportTo} then exports {@code sun.security.pkcs11.wrapper} to Moat's module at the moment
 * a token is opened.
 *
 * <p>Why not the manifest's {@code Add-Exports}: any export given at start-up makes the JVM give up the module
 * graph archived in its default CDS archive, which cost every command about 12 ms of start-up (bench/README.md)
 * for a feature few commands use. Holding an {@code Instrumentation} costs almost nothing until it is used.
 */
public final class ModuleExports {

  private static volatile Instrumentation instrumentation;

  private ModuleExports() {}

  /** Called by the JVM for {@code java -jar} (the manifest's {@code Launcher-Agent-Class}). */
  public static void agentmain(String args, Instrumentation inst) {
    instrumentation = inst;
  }

  /** Called by the JVM for {@code -javaagent:moat.jar}, for launchers that run Moat with {@code -cp}. */
  public static void premain(String args, Instrumentation inst) {
    instrumentation = inst;
  }

  /**
   * Exports {@code pkg} of {@code module} to {@code target}'s module when it is not exported yet.
   *
   * @return true when the package is (now) exported to it
   */
  static boolean exportTo(Module module, String pkg, Class<?> target) {
    Module to = target.getModule();
    if (module.isExported(pkg, to)) {
      return true;
    }
    Instrumentation inst = instrumentation;
    if (inst == null || !inst.isModifiableModule(module)) {
      return false;
    }
    inst.redefineModule(module, Set.of(), Map.of(pkg, Set.of(to)), Map.of(), Set.of(), Map.of());
    return module.isExported(pkg, to);
  }
}
