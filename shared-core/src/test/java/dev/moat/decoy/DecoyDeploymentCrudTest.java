package dev.moat.decoy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.moat.kube.ManifestApplier;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Deploy, list and remove against fabric8's mock API server in CRUD mode — a fake: no Kubernetes API server can
 * run on this machine. It stores objects and answers label selectors, which is what these tests need; the
 * objects themselves are checked against the real schemas in {@link DecoyManifestsTest}. The fake does not
 * implement server-side apply (it answers 415), so what runs here is {@link ManifestApplier}'s fallback for such
 * servers (create or update); the server-side apply request itself is not exercised on this machine.
 */
@EnableKubernetesMockClient(crud = true)
class DecoyDeploymentCrudTest {

  KubernetesClient client;


  @Test
  void appliedDecoyIsFoundByItsLabelsAndRemovedWhole() throws Exception {
    ManifestApplier applier = new ManifestApplier(client);
    List<String> applied = applier.apply(DecoyManifests.render(DecoyManifestsTest.redis(false, null)));
    assertThat(applied).anyMatch(a -> a.startsWith("Deployment/payments-cache")).anyMatch(a -> a.startsWith("Service/payments-cache"))
        .anyMatch(a -> a.startsWith("NetworkPolicy/payments-cache-egress"));

    // applying again is idempotent (server-side apply), not a conflict
    applier.apply(DecoyManifests.render(DecoyManifestsTest.redis(false, null)));
    applier.apply(DecoyManifests.render(new DecoyDeployment("build-cache", "redis", "build-cache", "ci", 6379, Map.of(), 1,
        "ghcr.io/moat-dev/moat:0.1.0", null, false)));

    assertThat(applier.deployments(null, Map.of(DecoyDeployment.PART_OF, "moat"))).extracting(d -> d.getMetadata().getName())
        .containsExactlyInAnyOrder("payments-cache", "build-cache");
    assertThat(applier.deployments("prod", Map.of(DecoyDeployment.PART_OF, "moat"))).hasSize(1);
    assertThat(client.services().inNamespace("prod").withName("payments-cache").get().getSpec().getPorts().get(0).getPort()).isEqualTo(6379);

    List<String> deleted = applier.delete("prod", Map.of(DecoyDeployment.NAME_LABEL, "payments-cache"),
        List.of(Deployment.class, Service.class, NetworkPolicy.class));
    assertThat(deleted).containsExactlyInAnyOrder("Deployment/payments-cache", "Service/payments-cache", "NetworkPolicy/payments-cache-egress");
    assertThat(client.apps().deployments().inNamespace("prod").list().getItems()).isEmpty();
    assertThat(applier.deployments("ci", Map.of(DecoyDeployment.PART_OF, "moat"))).as("another decoy is untouched").hasSize(1);
  }
}
