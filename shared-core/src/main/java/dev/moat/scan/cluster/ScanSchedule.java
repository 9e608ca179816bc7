package dev.moat.scan.cluster;

import dev.moat.Failure;
import dev.moat.MoatException;
import dev.moat.kube.KubernetesNames;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A scheduled cluster scan, what {@code moat scan schedule} deploys: a CronJob in {@code namespace} running
 * {@code moat scan cluster} against {@code targetNamespace} (every namespace when null).
 *
 * @param name the CronJob's name, also its ServiceAccount's and RBAC objects' (at most 52 characters, a CronJob limit)
 * @param namespace where the CronJob, its ServiceAccount and its pods live
 * @param targetNamespace the namespace whose Services are scanned; null for every namespace (RBAC then is cluster-wide)
 * @param selector label selector on the Services scanned; empty for all
 * @param cron when it runs
 * @param timeZone an IANA zone for the schedule ({@code Europe/Berlin}); null for the controller's zone (UTC usually)
 * @param image the Moat image the pods run
 * @param scanArgs further {@code moat scan cluster} arguments passed through unchanged ({@code --fail-on high}, …)
 * @param reportsClaim a PersistentVolumeClaim the reports are written to; null for an emptyDir (reports then leave
 *     the pod only through its log)
 */
public record ScanSchedule(String name, String namespace, String targetNamespace, Map<String, String> selector, CronSchedule cron,
    String timeZone, String image, List<String> scanArgs, String reportsClaim) {

  /** The image when none is given: the one {@code moat decoy deploy} uses too. */
  public static final String DEFAULT_IMAGE = "ghcr.io/moat-dev/moat:0.1.0";
  public static final String DEFAULT_NAME = "moat-scan";
  private static final java.util.Set<String> SET_BY_SCHEDULE = java.util.Set.of("-n", "--namespace", "--all-namespaces", "--selector",
      ScheduleManifests.REPORTS_OPTION);

  public ScanSchedule {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(cron, "cron");
    Objects.requireNonNull(image, "image");
    selector = Map.copyOf(selector);
    scanArgs = List.copyOf(scanArgs);
  }

  /**
   * Checks what a user typed and builds the schedule; every error names its option ({@code --name}, {@code --namespace},
   * {@code --target-namespace}, {@code --selector}, {@code --cron}, {@code --time-zone}, {@code --image},
   * {@code --reports-claim}).
   *
   * @param name null for {@value #DEFAULT_NAME}
   * @param targetNamespace null for every namespace
   * @param selector {@code k=v[,k2=v2]}, or null
   * @param image null for {@link #DEFAULT_IMAGE}
   */
  public static ScanSchedule checked(String name, String namespace, String targetNamespace, String selector, String cron, String timeZone,
      String image, List<String> scanArgs, String reportsClaim) throws MoatException {
    String n = KubernetesNames.label("--name", name == null ? DEFAULT_NAME : name, 52);
    String ns = KubernetesNames.label("--namespace", namespace, 63);
    String target = targetNamespace == null ? null : KubernetesNames.label("--target-namespace", targetNamespace, 63);
    Map<String, String> labels = KubernetesNames.selector("--selector", selector);
    CronSchedule schedule = CronSchedule.parse(cron);
    if (timeZone != null) {
      try {
        ZoneId.of(timeZone);
      } catch (DateTimeException e) {
        throw new MoatException(Failure.INVALID_INPUT, "--time-zone '" + timeZone + "' is not a time zone", "give an IANA name such as Europe/Berlin or Etc/UTC");
      }
    }
    String img = image == null ? DEFAULT_IMAGE : image.trim();
    if (img.isEmpty() || img.chars().anyMatch(Character::isWhitespace)) {
      throw new MoatException(Failure.INVALID_INPUT, "--image '" + image + "' is not an image reference", "give e.g. " + DEFAULT_IMAGE);
    }
    String claim = reportsClaim == null ? null : KubernetesNames.subdomain("--reports-claim", reportsClaim);
    for (String arg : scanArgs == null ? List.<String>of() : scanArgs) {
      String option = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
      if (SET_BY_SCHEDULE.contains(option)) {
        throw new MoatException(Failure.INVALID_INPUT, "scan argument '" + arg + "' is set by the schedule itself",
            "use the schedule's own --target-namespace/--all-namespaces and --selector; reports go to the claim (--reports-claim)");
      }
    }
    return new ScanSchedule(n, ns, target, labels, schedule, timeZone, img, scanArgs == null ? List.of() : scanArgs, claim);
  }

  /** Whether the scan covers every namespace (and its RBAC is therefore a ClusterRole). */
  public boolean allNamespaces() {
    return targetNamespace == null;
  }
}
