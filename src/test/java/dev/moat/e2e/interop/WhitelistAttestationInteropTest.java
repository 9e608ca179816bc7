package dev.moat.e2e.interop;

import static dev.moat.e2e.interop.InteropTools.copy;
import static dev.moat.e2e.interop.InteropTools.json;
import static dev.moat.e2e.interop.InteropTools.node;
import static dev.moat.e2e.interop.InteropTools.script;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.moat.image.ImageReference;
import dev.moat.image.ImageRepository;
import dev.moat.image.ImageStores;
import dev.moat.image.Manifest;
import dev.moat.image.RegistryOptions;
import dev.moat.signing.CosignAttestationLayout;
import dev.moat.signing.SignatureLayout;
import dev.moat.signing.key.KeyLoader;
import dev.moat.signing.key.PassphraseSource;
import dev.moat.signing.key.SigningKey;
import dev.moat.testing.LocalRegistry;
import dev.moat.testing.MoatProcess;
import dev.moat.whitelist.EntryKind;
import dev.moat.whitelist.PlatformWhitelist;
import dev.moat.whitelist.Whitelist;
import dev.moat.whitelist.WhitelistAttestation;
import dev.moat.whitelist.WhitelistDocument;
import dev.moat.whitelist.WhitelistEntry;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Moat's whitelist attestations checked by implementations that are not Moat: the legacy {@code .att}
 * layout by {@code legacy-verify-attestation.sh} (curl, jq, the DSSE pre-authentication encoding built
 * with printf and verified with openssl), the bundle layout by sigstore-js (@sigstore/verify) after
 * {@code fetch-bundle.sh} retrieved it per BUNDLE_SPEC.md. Real docker-registry 2.8, no transparency log.
 */
class WhitelistAttestationInteropTest {

  static String missing;
  static LocalRegistry registry;
  static ImageStores stores;
  static Path work;
  static SigningKey alice;

  @BeforeAll
  static void start(@TempDir Path dir) throws Exception {
    missing = InteropTools.missingTools(true);
    if (missing != null) {
      return;
    }
    work = dir;
    registry = InteropTools.registryWithTwoImages(dir);
    stores = new ImageStores(RegistryOptions.defaults());
    alice = KeyLoader.loadSigningKey(dir.resolve("alice.key").toString(), PassphraseSource.fromEnvironment(Map.of()), Map.of());
  }

  @BeforeEach
  void toolsPresent() {
    InteropTools.assumeTools(missing);
  }

  @AfterAll
  static void stop() throws Exception {
    if (stores != null) {
      stores.close();
    }
    if (registry != null) {
      registry.close();
    }
  }

  /** Copies team/app:TAG to REPOSITORY:TAG and attaches a whitelist of it with alice's key in {@code layout}. */
  private static Attached attach(String repository, String tag, SignatureLayout layout) throws Exception {
    copy(work, registry, "team/app:" + tag, repository + ":" + tag);
    ImageRepository repo = stores.registry(ImageReference.parse(registry.host() + "/" + repository));
    Manifest image = repo.fetchManifest(tag);
    String layer = image.layers().get(0).digest().toString();
    Whitelist whitelist = new Whitelist(new Whitelist.ImageInfo(repo.identity() + ":" + tag, repo.identity(), image.digest().toString()),
        List.of(new PlatformWhitelist("linux/amd64", image.digest().toString(), List.of(layer), List.of(
            new WhitelistEntry("/bin/busybox", EntryKind.ELF_EXECUTABLE, "c".repeat(64), 1_000_000, "0755", false, false,
                null, null, null, null, null, layer),
            new WhitelistEntry("/bin/sh", EntryKind.SYMLINK, "c".repeat(64), 1_000_000, "0755", false, false,
                null, null, null, "/bin/busybox", null, layer)))));
    new WhitelistAttestation().attach(repo, image, whitelist, alice, Set.of(layout));
    return new Attached(repo, image, whitelist);
  }

  private record Attached(ImageRepository repository, Manifest image, Whitelist whitelist) {}

  @Test
  void legacyAttestationVerifiesWithOpensslOverTheDssePaeAndCarriesTheWhitelist() throws Exception {
    Attached attached = attach("att-legacy/app", "v1", SignatureLayout.LEGACY);
    Path predicate = work.resolve("att-legacy-predicate.json");

    MoatProcess.Result verify = script(work, "legacy-verify-attestation.sh", registry.host(), "att-legacy/app",
        attached.image().digest().toString(), "alice.pub", WhitelistAttestation.PREDICATE_TYPE, predicate.toString());
    MoatProcess.Result otherKey = script(work, "legacy-verify-attestation.sh", registry.host(), "att-legacy/app",
        attached.image().digest().toString(), "bob.pub", WhitelistAttestation.PREDICATE_TYPE);

    assertThat(verify.exitCode()).as(verify.all()).isZero();
    assertThat(verify.stdout()).contains("Verified OK");
    assertThat(WhitelistDocument.parse(java.nio.file.Files.readAllBytes(predicate), predicate.toString())).isEqualTo(attached.whitelist());
    assertThat(otherKey.exitCode()).as(otherKey.all()).isEqualTo(1);
  }

  @Test
  void legacyAttestationCopiedToAnotherImageVerifiesButNamesTheOtherDigest() throws Exception {
    Attached attached = attach("att-replay/app", "v1", SignatureLayout.LEGACY);
    copy(work, registry, "team/app:v2", "att-replay/app:v2");
    Manifest other = attached.repository().fetchManifest("v2");
    byte[] att = InteropTools.getManifest(registry, "att-replay/app", CosignAttestationLayout.tag(attached.image().digest()));
    InteropTools.putManifest(registry, "att-replay/app", CosignAttestationLayout.tag(other.digest()), att);

    MoatProcess.Result verify = script(work, "legacy-verify-attestation.sh", registry.host(), "att-replay/app",
        other.digest().toString(), "alice.pub", WhitelistAttestation.PREDICATE_TYPE);

    assertThat(verify.exitCode()).as(verify.all()).isEqualTo(2);
  }

  @Test
  void bundleAttestationVerifiesWithSigstoreJsAndNamesTheImage() throws Exception {
    Attached attached = attach("att-bundle/app", "v1", SignatureLayout.BUNDLE);
    String digest = attached.image().digest().toString();
    Path bundle = work.resolve("att-bundle.json");
    MoatProcess.Result fetch = script(work, "fetch-bundle.sh", registry.host(), "att-bundle/app", digest, bundle.toString());
    assertThat(fetch.exitCode()).as(fetch.all()).isZero();

    MoatProcess.Result verify = node(work, "verify-bundle.js", bundle.toString(), "alice.pub", "--expect-digest", digest);
    MoatProcess.Result otherKey = node(work, "verify-bundle.js", bundle.toString(), "bob.pub", "--expect-digest", digest);

    assertThat(verify.exitCode()).as(verify.all()).isZero();
    JsonNode report = json(verify.stdout());
    assertThat(report.path("verified").asBoolean()).isTrue();
    assertThat(report.path("statementType").asText()).isEqualTo("https://in-toto.io/Statement/v1");
    assertThat(report.path("predicateType").asText()).isEqualTo(WhitelistAttestation.PREDICATE_TYPE);
    assertThat(report.path("hint").asText()).isEqualTo(report.path("keyFingerprint").asText());
    assertThat(report.path("tlogEntries").asInt()).isZero();
    assertThat(otherKey.exitCode()).as(otherKey.all()).isEqualTo(1);
  }
}
