package dev.moat.scan.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Apply, read back, list and remove a scheduled scan against fabric8's mock API server in CRUD mode — a fake: no
 * Kubernetes API server can run on this machine. It stores objects and answers label selectors; the objects
 * themselves are checked against the real schemas in {@link ScheduleManifestsTest}. The fake has no server-side apply
 * (it answers 415), so what runs here is the create-or-update fallback of {@code ManifestApplier}.
 */
@EnableKubernetesMockClient(crud = true)
class ScanSchedulerCrudTest {

  KubernetesClient client;

  @Test
  void anAppliedScheduleReadsBackAsRenderedAndIsRemovedWhole() throws Exception {
    ScanScheduler scheduler = new ScanScheduler(client);
    ScanSchedule shop = ScheduleManifestsTest.inShop();

    List<String> applied = scheduler.apply(shop);
    assertThat(applied).hasSize(4).anyMatch(a -> a.startsWith("CronJob/moat-scan")).anyMatch(a -> a.startsWith("Role/moat-scan"));
    scheduler.apply(shop); // applying again updates, it does not conflict
    scheduler.apply(ScheduleManifestsTest.everywhere());

    CronJob stored = client.batch().v1().cronjobs().inNamespace("moat").withName("moat-scan").get();
    assertThat(stored.getSpec().getSchedule()).isEqualTo("0 3 * * *");
    assertThat(stored.getSpec().getConcurrencyPolicy()).isEqualTo("Forbid");
    assertThat(stored.getSpec().getJobTemplate().getSpec().getTemplate().getSpec().getContainers().get(0).getArgs())
        .isEqualTo(ScheduleManifests.args(shop));
    assertThat(client.rbac().roles().inNamespace("shop").withName("moat-scan").get().getRules().get(0).getVerbs()).containsExactly("get", "list");
    assertThat(client.rbac().roleBindings().inNamespace("shop").withName("moat-scan").get().getSubjects().get(0).getNamespace()).isEqualTo("moat");
    assertThat(client.serviceAccounts().inNamespace("moat").withName("moat-scan").get()).isNotNull();
    assertThat(client.rbac().clusterRoles().withName("nightly-security").get().getRules().get(0).getResources()).containsExactly("services");
    assertThat(client.rbac().clusterRoleBindings().withName("nightly-security").get()).isNotNull();

    assertThat(scheduler.list(null)).extracting(c -> c.getMetadata().getNamespace() + "/" + c.getMetadata().getName())
        .containsExactlyInAnyOrder("moat/moat-scan", "security/nightly");
    assertThat(scheduler.list("moat")).hasSize(1);

    assertThat(scheduler.remove(shop)).containsExactly("CronJob/moat-scan", "RoleBinding/moat-scan", "Role/moat-scan", "ServiceAccount/moat-scan");
    assertThat(client.batch().v1().cronjobs().inNamespace("moat").withName("moat-scan").get()).isNull();
    assertThat(client.rbac().roles().inNamespace("shop").list().getItems()).isEmpty();
    assertThat(scheduler.remove(shop)).as("removing twice finds nothing").isEmpty();
    assertThat(scheduler.list(null)).as("the other schedule is untouched").hasSize(1);
  }
}
