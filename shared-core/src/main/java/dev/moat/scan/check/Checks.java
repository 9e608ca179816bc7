package dev.moat.scan.check;

import dev.moat.scan.Check;
import dev.moat.scan.VulnerabilityClass;
import java.util.ArrayList;
import java.util.List;

/** The built-in checks, one per vulnerability class. */
public final class Checks {

  private Checks() {}

  /** Every built-in check, in {@link VulnerabilityClass} order. */
  public static List<Check> all() {
    List<Check> all = new ArrayList<>();
    // (checks are added here, one line each)
    all.add(new PathTraversalCheck());
    all.add(new DirectoryEnumerationCheck());
    all.add(new OpenRedirectCheck());
    all.add(new CrlfInjectionCheck());
    all.add(new JsonpCheck());
    all.add(new XssCheck());
    all.add(new SqlInjectionCheck());
    all.add(new CommandInjectionCheck());
    all.add(new CodeInjectionCheck());
    all.add(new SsrfCheck());
    all.add(new XxeCheck());
    all.add(new FileUploadCheck());
    all.add(new WeakPasswordCheck());
    all.add(new PocCheck());
    all.sort(java.util.Comparator.comparing(c -> c.type().ordinal()));
    return List.copyOf(all);
  }

  /** The built-in checks of these classes. */
  public static List<Check> of(List<VulnerabilityClass> classes) {
    return all().stream().filter(c -> classes.contains(c.type())).toList();
  }
}
