package dev.moat.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.moat.Failure;
import dev.moat.MoatException;
import dev.moat.image.Descriptor;
import dev.moat.image.ImageReference;
import dev.moat.image.ImageRepository;
import dev.moat.image.ImageStores;
import dev.moat.image.Json;
import dev.moat.image.Manifest;
import dev.moat.image.OciLayout;
import dev.moat.image.RegistryOptions;
import dev.moat.signing.CosignAttestationLayout;
import dev.moat.signing.DsseEnvelope;
import dev.moat.signing.ImageAttester;
import dev.moat.signing.ImageSigner;
import dev.moat.signing.ImageVerifier;
import dev.moat.signing.SignatureLayout;
import dev.moat.signing.SigstoreBundleLayout;
import dev.moat.signing.TrustedKey;
import dev.moat.signing.Verification;
import dev.moat.signing.key.KeyLoader;
import dev.moat.signing.key.PassphraseSource;
import dev.moat.signing.key.SigningKey;
import dev.moat.testing.LocalRegistry;
import dev.moat.testing.MoatProcess;
import dev.moat.testing.TestImages;
import dev.moat.whitelist.EntryKind;
import dev.moat.whitelist.PlatformWhitelist;
import dev.moat.whitelist.Whitelist;
import dev.moat.whitelist.WhitelistAttestation;
import dev.moat.whitelist.WhitelistDocument;
import dev.moat.whitelist.WhitelistEntry;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Whitelists attached to images as DSSE-signed in-toto statements and fetched back, in a real
 * docker-registry (no referrers API: bundles go through the fallback tag) and in OCI layouts built by
 * umoci. Each test takes its own repository. Tampering writes straight to the registry through Moat's
 * registry client, as an attacker with push rights would.
 */
class WhitelistAttestationTest {

  static LocalRegistry registry;
  static ImageStores stores;
  static Path work;
  static Path layout;
  static SigningKey alice;
  static TrustedKey alicePub;
  static TrustedKey bobPub;
  static SigningKey bob;

  @BeforeAll
  static void start(@TempDir Path dir) throws Exception {
    E2eSupport.assumeTools();
    work = dir;
    registry = LocalRegistry.plain();
    stores = new ImageStores(RegistryOptions.defaults());
    layout = TestImages.build(dir, "a", "amd64", Map.of("/etc/app", "A"));
    TestImages.build(dir, "b", "amd64", Map.of("/etc/app", "B"));
    MoatProcess.generateKeys(dir, "alice", "bob");
    PassphraseSource none = PassphraseSource.fromEnvironment(Map.of());
    alice = KeyLoader.loadSigningKey(dir.resolve("alice.key").toString(), none, Map.of());
    bob = KeyLoader.loadSigningKey(dir.resolve("bob.key").toString(), none, Map.of());
    alicePub = new TrustedKey("alice.pub", KeyLoader.loadPublicKey(dir.resolve("alice.pub").toString(), none, Map.of()));
    bobPub = new TrustedKey("bob.pub", KeyLoader.loadPublicKey(dir.resolve("bob.pub").toString(), none, Map.of()));
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

  /** A repository holding images a and b (tags a and b). */
  private static ImageRepository repository(String name) throws Exception {
    TestImages.push(layout, "a", registry, name + ":a");
    TestImages.push(layout, "b", registry, name + ":b");
    return stores.registry(ImageReference.parse(registry.host() + "/" + name));
  }

  /** A whitelist as the learner would write it for {@code image}: an ELF, a busybox applet link, a script. */
  static Whitelist whitelist(ImageRepository repository, String tag, Manifest image, int extraEntries) {
    List<WhitelistEntry> entries = new ArrayList<>();
    String busybox = "a".repeat(64);
    String layer = image.layers().isEmpty() ? "sha256:" + "0".repeat(64) : image.layers().get(0).digest().toString();
    entries.add(new WhitelistEntry("/bin/busybox", EntryKind.ELF_EXECUTABLE, busybox, 1_000_000, "0755", false, false,
        null, null, null, null, null, layer));
    entries.add(new WhitelistEntry("/bin/ls", EntryKind.SYMLINK, busybox, 1_000_000, "0755", false, false,
        null, null, null, "/bin/busybox", null, layer));
    entries.add(new WhitelistEntry("/usr/local/bin/start.sh", EntryKind.SCRIPT, "b".repeat(64), 120, "4755", true, false,
        "/bin/sh", null, "/bin/busybox", null, null, layer));
    for (int i = 0; i < extraEntries; i++) {
      entries.add(new WhitelistEntry(String.format("/usr/lib/app/tool-%05d", i), EntryKind.ELF_PIE,
          String.format("%064x", i), 10_000 + i, "0755", false, false, "/lib/ld-musl-x86_64.so.1", null, "/lib/ld-musl-x86_64.so.1",
          null, null, layer));
    }
    return new Whitelist(new Whitelist.ImageInfo(repository.identity() + ":" + tag, repository.identity(), image.digest().toString()),
        List.of(new PlatformWhitelist("linux/amd64", image.digest().toString(), List.of(layer), entries)));
  }

  private static WhitelistAttestation at(String instant) {
    return new WhitelistAttestation(Clock.fixed(Instant.parse(instant), ZoneOffset.UTC));
  }

  private static MoatException fetchFails(ImageRepository repository, Manifest image, TrustedKey... keys) {
    return catchThrowableOfType(() -> new WhitelistAttestation().fetch(repository, image, List.of(keys)), MoatException.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {"legacy", "bundle", "both"})
  void attachedWhitelistFetchesBackEqualWithTheSameBytes(String layouts) throws Exception {
    ImageRepository repo = repository("roundtrip-" + layouts + "/app");
    Manifest image = repo.fetchManifest("a");
    Whitelist original = whitelist(repo, "a", image, 0);

    List<String> written = new WhitelistAttestation().attach(repo, image, original, alice, SignatureLayout.parse(layouts));
    Whitelist fetched = new WhitelistAttestation().fetch(repo, image, List.of(alicePub));

    assertThat(written).hasSize(layouts.equals("both") ? 2 : 1);
    assertThat(fetched).isEqualTo(original);
    assertThat(WhitelistDocument.toBytes(fetched)).isEqualTo(WhitelistDocument.toBytes(original));
  }

  @Test
  void legacyLayoutIsCosignsAttestationTagWithDsseLayers() throws Exception {
    ImageRepository repo = repository("legacy-shape/app");
    Manifest image = repo.fetchManifest("a");
    new WhitelistAttestation().attach(repo, image, whitelist(repo, "a", image, 0), alice, Set.of(SignatureLayout.LEGACY));

    Manifest att = repo.fetchManifest(image.digest().tagForm() + ".att");
    assertThat(att.layers()).hasSize(1);
    Descriptor layer = att.layers().get(0);
    assertThat(layer.mediaType()).isEqualTo("application/vnd.dsse.envelope.v1+json");
    assertThat(layer.annotationsOrEmpty())
        .containsEntry("predicateType", WhitelistAttestation.PREDICATE_TYPE)
        .containsEntry("dev.cosignproject.cosign/signature", "")
        .containsKey("org.opencontainers.image.created");
    JsonNode envelope = Json.tree(read(repo, layer), "envelope");
    assertThat(envelope.path("payloadType").asText()).isEqualTo("application/vnd.in-toto+json");
    JsonNode statement = Json.tree(Base64.getDecoder().decode(envelope.path("payload").asText()), "statement");
    assertThat(statement.path("_type").asText()).isEqualTo("https://in-toto.io/Statement/v1");
    assertThat(statement.path("predicateType").asText()).isEqualTo(WhitelistAttestation.PREDICATE_TYPE);
    assertThat(statement.path("subject")).hasSize(1);
    assertThat(statement.path("subject").path(0).path("name").asText()).isEqualTo(repo.identity());
    assertThat("sha256:" + statement.path("subject").path(0).path("digest").path("sha256").asText()).isEqualTo(image.digest().toString());
    assertThat(statement.path("predicate").path("schemaVersion").asText()).isEqualTo(Whitelist.SCHEMA_VERSION);
  }

  @Test
  void bundleLayoutIsAReferrerAnnotatedWithTheWhitelistPredicateType() throws Exception {
    ImageRepository repo = repository("bundle-shape/app");
    Manifest image = repo.fetchManifest("a");
    new WhitelistAttestation().attach(repo, image, whitelist(repo, "a", image, 0), alice, Set.of(SignatureLayout.BUNDLE));

    List<Descriptor> referrers = repo.referrers(image.digest(), SigstoreBundleLayout.BUNDLE_MEDIA_TYPE);
    assertThat(referrers).hasSize(1);
    assertThat(referrers.get(0).annotationsOrEmpty())
        .containsEntry("dev.sigstore.bundle.predicateType", WhitelistAttestation.PREDICATE_TYPE)
        .containsEntry("dev.sigstore.bundle.content", "dsse-envelope");
    Manifest artifact = repo.fetchManifest(referrers.get(0).digest().toString());
    assertThat(artifact.json().path("artifactType").asText()).isEqualTo(SigstoreBundleLayout.BUNDLE_MEDIA_TYPE);
    assertThat(artifact.subject().orElseThrow().digest()).isEqualTo(image.digest());
    JsonNode bundle = Json.tree(read(repo, artifact.layers().get(0)), "bundle");
    assertThat(bundle.path("mediaType").asText()).isEqualTo(SigstoreBundleLayout.BUNDLE_MEDIA_TYPE);
    assertThat(bundle.path("verificationMaterial").path("publicKey").path("hint").asText()).isEqualTo(alicePub.fingerprint());
    assertThat(bundle.path("dsseEnvelope").path("payloadType").asText()).isEqualTo("application/vnd.in-toto+json");
  }

  @Test
  void aWhitelistOfThousandsOfEntriesRoundTripsInBothLayouts() throws Exception {
    ImageRepository repo = repository("large/app");
    Manifest image = repo.fetchManifest("a");
    Whitelist large = whitelist(repo, "a", image, 8000);
    assertThat(WhitelistDocument.toBytes(large).length).as("over the 1 MiB Moat allows a signature payload").isGreaterThan(2 * 1024 * 1024);

    new WhitelistAttestation().attach(repo, image, large, alice, Set.of(SignatureLayout.LEGACY));
    Whitelist legacy = new WhitelistAttestation().fetch(repo, image, List.of(alicePub));
    ImageRepository other = repository("large-bundle/app");
    Manifest otherImage = other.fetchManifest("a");
    Whitelist largeOther = whitelist(other, "a", otherImage, 8000);
    new WhitelistAttestation().attach(other, otherImage, largeOther, alice, Set.of(SignatureLayout.BUNDLE));
    Whitelist bundle = new WhitelistAttestation().fetch(other, otherImage, List.of(alicePub));

    assertThat(legacy).isEqualTo(large);
    assertThat(bundle).isEqualTo(largeOther);
  }

  @Test
  void attestationAndCosignSignatureLiveSideBySide() throws Exception {
    ImageRepository repo = repository("beside-signature/app");
    Manifest image = repo.fetchManifest("a");
    Whitelist original = whitelist(repo, "a", image, 0);
    ImageSigner signer = new ImageSigner(Clock.systemUTC());

    signer.sign(repo, image, alice, Map.of(), Set.of(SignatureLayout.LEGACY, SignatureLayout.BUNDLE));
    new WhitelistAttestation().attach(repo, image, original, alice, Set.of(SignatureLayout.LEGACY, SignatureLayout.BUNDLE));
    signer.sign(repo, image, bob, Map.of(), Set.of(SignatureLayout.LEGACY, SignatureLayout.BUNDLE));

    Verification verification = new ImageVerifier().verify(repo, image, List.of(alicePub, bobPub), 2);
    assertThat(verification.passed()).as(verification.message()).isTrue();
    assertThat(verification.checks()).as("two signatures per key, the attestation bundle is not counted as one").hasSize(4);
    assertThat(new WhitelistAttestation().fetch(repo, image, List.of(alicePub))).isEqualTo(original);
    assertThat(repo.fetchManifest(image.digest().tagForm() + ".sig").layers()).hasSize(2);
  }

  @Test
  void anImageWithOnlyAnAttestationIsNotSigned() throws Exception {
    ImageRepository repo = repository("attestation-only/app");
    Manifest image = repo.fetchManifest("a");
    new WhitelistAttestation().attach(repo, image, whitelist(repo, "a", image, 0), alice, Set.of(SignatureLayout.LEGACY, SignatureLayout.BUNDLE));

    Verification verification = new ImageVerifier().verify(repo, image, List.of(alicePub), 1);

    assertThat(verification.failure()).as(verification.message()).isEqualTo(Failure.NO_SIGNATURE);
  }

  @Test
  void fetchWithAnotherKeyIsAnUnknownKey() throws Exception {
    ImageRepository repo = repository("other-key/app");
    Manifest image = repo.fetchManifest("a");
    new WhitelistAttestation().attach(repo, image, whitelist(repo, "a", image, 0), alice, Set.of(SignatureLayout.LEGACY, SignatureLayout.BUNDLE));

    MoatException e = fetchFails(repo, image, bobPub);

    assertThat(e.failure()).isEqualTo(Failure.UNKNOWN_KEY);
    assertThat(e.failure().exitCode()).isEqualTo(12);
    assertThat(e.getMessage()).contains("bob.pub");
  }

  @Test
  void tamperedEnvelopeIsAnInvalidSignature() throws Exception {
    ImageRepository repo = repository("tampered/app");
    Manifest image = repo.fetchManifest("a");
    new WhitelistAttestation().attach(repo, image, whitelist(repo, "a", image, 0), alice, Set.of(SignatureLayout.LEGACY));
    String tag = CosignAttestationLayout.tag(image.digest());
    Manifest att = repo.fetchManifest(tag);
    Descriptor layer = att.layers().get(0);
    DsseEnvelope envelope = DsseEnvelope.parse(read(repo, layer), "envelope");
    String statement = new String(envelope.payload(), StandardCharsets.UTF_8);
    String altered = statement.replace("/usr/local/bin/start.sh", "/tmp/dropped.sh");
    assertThat(altered).isNotEqualTo(statement);
    byte[] alteredEnvelope = new DsseEnvelope(envelope.payloadType(), altered.getBytes(StandardCharsets.UTF_8), envelope.signatures()).toBytes();
    Descriptor alteredBlob = Descriptor.of(layer.mediaType(), alteredEnvelope);
    repo.pushBlob(alteredBlob, () -> new ByteArrayInputStream(alteredEnvelope));
    ObjectNode json = (ObjectNode) att.json().deepCopy();
    ((ObjectNode) json.withArray("layers").get(0)).put("digest", alteredBlob.digest().toString()).put("size", alteredEnvelope.length);
    repo.pushManifest(Json.manifest(Json.bytes(json), att.mediaType(), "tampered"), tag);

    MoatException e = fetchFails(repo, image, alicePub);

    assertThat(e.failure()).isEqualTo(Failure.INVALID_SIGNATURE);
    assertThat(e.failure().exitCode()).isEqualTo(11);
    assertThat(e.getMessage()).contains(tag);
  }

  @Test
  void attestationReplayedOntoAnotherImageIsADigestMismatch() throws Exception {
    ImageRepository repo = repository("replay/app");
    Manifest a = repo.fetchManifest("a");
    Manifest b = repo.fetchManifest("b");
    new WhitelistAttestation().attach(repo, a, whitelist(repo, "a", a, 0), alice, Set.of(SignatureLayout.LEGACY));
    repo.pushManifest(repo.fetchManifest(CosignAttestationLayout.tag(a.digest())), CosignAttestationLayout.tag(b.digest()));

    MoatException e = fetchFails(repo, b, alicePub);

    assertThat(e.failure()).isEqualTo(Failure.DIGEST_MISMATCH);
    assertThat(e.failure().exitCode()).isEqualTo(13);
    assertThat(e.getMessage()).contains(a.digest().toString());
  }

  @Test
  void noAttestationIsNoSignatureWithAHintToAttach() throws Exception {
    ImageRepository repo = repository("none/app");
    Manifest image = repo.fetchManifest("a");

    MoatException e = fetchFails(repo, image, alicePub);

    assertThat(e.failure()).isEqualTo(Failure.NO_SIGNATURE);
    assertThat(e.failure().exitCode()).isEqualTo(10);
    assertThat(e.hint()).contains("moat whitelist learn").contains("--attach");
  }

  @Test
  void attestationsOfOtherPredicateTypesAreIgnored() throws Exception {
    ImageRepository repo = repository("other-type/app");
    Manifest image = repo.fetchManifest("a");
    ObjectNode provenance = Json.MAPPER.createObjectNode();
    provenance.putObject("buildDefinition").put("buildType", "https://example.com/build/v1");
    new ImageAttester(Clock.systemUTC()).attest(repo, image, "https://slsa.dev/provenance/v1", provenance, alice,
        Set.of(SignatureLayout.LEGACY, SignatureLayout.BUNDLE));

    assertThat(fetchFails(repo, image, alicePub).failure()).as("only a provenance attestation").isEqualTo(Failure.NO_SIGNATURE);

    Whitelist original = whitelist(repo, "a", image, 0);
    new WhitelistAttestation().attach(repo, image, original, alice, Set.of(SignatureLayout.LEGACY, SignatureLayout.BUNDLE));
    assertThat(new WhitelistAttestation().fetch(repo, image, List.of(alicePub))).isEqualTo(original);
    assertThat(repo.fetchManifest(CosignAttestationLayout.tag(image.digest())).layers()).as("the provenance is kept").hasSize(2);
  }

  @Test
  void reattachingReplacesTheSameKeysLegacyAttestationKeepsOtherKeysAndFetchTakesTheNewest() throws Exception {
    ImageRepository repo = repository("reattach/app");
    Manifest image = repo.fetchManifest("a");
    Whitelist first = whitelist(repo, "a", image, 0);
    Whitelist second = whitelist(repo, "release", image, 0);
    Set<SignatureLayout> both = Set.of(SignatureLayout.LEGACY, SignatureLayout.BUNDLE);

    at("2030-01-01T00:00:00Z").attach(repo, image, first, alice, both);
    at("2030-01-01T00:00:01Z").attach(repo, image, first, bob, both);
    at("2030-01-02T00:00:00Z").attach(repo, image, second, alice, both);

    List<Descriptor> layers = repo.fetchManifest(CosignAttestationLayout.tag(image.digest())).layers();
    assertThat(layers).as("alice's first is replaced, bob's kept").hasSize(2);
    assertThat(repo.referrers(image.digest(), SigstoreBundleLayout.BUNDLE_MEDIA_TYPE)).as("referrers accumulate").hasSize(3);
    assertThat(new WhitelistAttestation().fetch(repo, image, List.of(alicePub)).image().reference()).endsWith(":release");
    assertThat(new WhitelistAttestation().fetch(repo, image, List.of(alicePub, bobPub)).image().reference()).endsWith(":release");
    assertThat(new WhitelistAttestation().fetch(repo, image, List.of(bobPub))).isEqualTo(first);
  }

  @Test
  void newestBundleWinsWhenOnlyBundlesArePresent() throws Exception {
    ImageRepository repo = repository("newest-bundle/app");
    Manifest image = repo.fetchManifest("a");
    Whitelist older = whitelist(repo, "a", image, 0);
    Whitelist newer = whitelist(repo, "release", image, 0);

    at("2030-01-02T00:00:00Z").attach(repo, image, newer, alice, Set.of(SignatureLayout.BUNDLE));
    at("2030-01-01T00:00:00Z").attach(repo, image, older, alice, Set.of(SignatureLayout.BUNDLE));

    assertThat(new WhitelistAttestation().fetch(repo, image, List.of(alicePub))).as("by created time, not by order attached").isEqualTo(newer);
  }

  @Test
  void attachRefusesAWhitelistLearnedFromAnotherDigest() throws Exception {
    ImageRepository repo = repository("wrong-digest/app");
    Manifest a = repo.fetchManifest("a");
    Manifest b = repo.fetchManifest("b");

    MoatException e = catchThrowableOfType(() -> new WhitelistAttestation().attach(repo, b, whitelist(repo, "a", a, 0), alice,
        Set.of(SignatureLayout.LEGACY)), MoatException.class);

    assertThat(e.failure()).isEqualTo(Failure.DIGEST_MISMATCH);
    assertThat(repo.findManifest(CosignAttestationLayout.tag(b.digest()))).isEmpty();
  }

  @Test
  void ociLayoutAttachesAndFetchesInBothLayouts(@TempDir Path dir) throws Exception {
    Path own = TestImages.build(dir, "v1", "amd64", Map.of("/etc/app", "layout"));
    try (OciLayout oci = OciLayout.open(own)) {
      Manifest image = oci.fetchManifest("v1");
      Whitelist original = whitelist(oci, "v1", image, 0);

      new WhitelistAttestation().attach(oci, image, original, alice, Set.of(SignatureLayout.LEGACY, SignatureLayout.BUNDLE));

      assertThat(oci.listTags()).contains(CosignAttestationLayout.tag(image.digest()), image.digest().tagForm());
      assertThat(new WhitelistAttestation().fetch(oci, image, List.of(alicePub))).isEqualTo(original);
      assertThat(fetchFails(oci, image, bobPub).failure()).isEqualTo(Failure.UNKNOWN_KEY);
    }
  }

  private static byte[] read(ImageRepository repo, Descriptor blob) throws Exception {
    try (InputStream in = repo.openBlob(blob)) {
      return in.readAllBytes();
    }
  }
}
