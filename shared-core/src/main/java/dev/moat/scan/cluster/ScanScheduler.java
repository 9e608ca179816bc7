package dev.moat.scan.cluster;

import dev.moat.MoatException;
import dev.moat.kube.KubernetesFailure;
import dev.moat.kube.ManifestApplier;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.StatusDetails;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Puts a {@link ScanSchedule} into a cluster and takes it out again: server-side apply of {@link ScheduleManifests}
 * (through {@link ManifestApplier}, with its create-or-update fallback), deletion of exactly the objects it rendered,
 * and a listing of the scheduled scans. The client comes from the caller (kubeconfig, in-cluster, a test server).
 */
public final class ScanScheduler {

  private final KubernetesClient client;

  public ScanScheduler(KubernetesClient client) {
    this.client = client;
  }

  /** Applies the schedule's objects; returns {@code Kind/name} of each. */
  public List<String> apply(ScanSchedule schedule) throws MoatException {
    return new ManifestApplier(client).apply(ScheduleManifests.render(schedule));
  }

  /** Deletes the schedule's objects, the CronJob first (so no new run starts); returns {@code Kind/name} of those that existed. */
  public List<String> remove(ScanSchedule schedule) throws MoatException {
    List<HasMetadata> objects = new ArrayList<>(ScheduleManifests.render(schedule));
    java.util.Collections.reverse(objects);
    List<String> deleted = new ArrayList<>();
    for (HasMetadata object : objects) {
      String what = object.getKind() + "/" + object.getMetadata().getName();
      try {
        List<StatusDetails> details = client.resource(object).delete();
        if (details != null && !details.isEmpty()) {
          deleted.add(what);
        }
      } catch (KubernetesClientException e) {
        throw KubernetesFailure.of("delete " + what, e);
      }
    }
    return deleted;
  }

  /** Moat's scheduled scans (CronJobs labelled {@code app.kubernetes.io/part-of=moat}, component scan) in {@code namespace}, every namespace when null. */
  public List<CronJob> list(String namespace) throws MoatException {
    Map<String, String> labels = Map.of(ScheduleManifests.PART_OF, "moat", "app.kubernetes.io/component", "scan");
    try {
      var cronJobs = client.batch().v1().cronjobs();
      return (namespace == null ? cronJobs.inAnyNamespace().withLabels(labels) : cronJobs.inNamespace(namespace).withLabels(labels)).list().getItems();
    } catch (KubernetesClientException e) {
      throw KubernetesFailure.of("list cronjobs " + (namespace == null ? "in any namespace" : "in namespace " + namespace), e);
    }
  }
}
