package dev.moat.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.moat.testing.LocalRegistry;
import dev.moat.testing.MoatProcess;
import dev.moat.testing.TestImages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * moat copy between two real registries — a plain one and one with TLS (its own CA) and htpasswd
 * authentication — with a multi-arch index, verify-then-sign, refusals and --all-tags.
 */
class CopyTest {

  static LocalRegistry source;
  static LocalRegistry secure;
  static Path work;
  static Map<String, String> env;

  @BeforeAll
  static void start(@TempDir Path dir) throws Exception {
    E2eSupport.assumeTools();
    work = dir;
    source = LocalRegistry.plain();
    secure = LocalRegistry.tlsWithAuth("mirror", "s3cret-pass");
    env = E2eSupport.env(secure);
    Path layout = TestImages.buildMultiArch(dir, "multi");
    TestImages.push(layout, "multi", source, "upstream/app:multi");
    TestImages.build(dir, "single", "amd64", Map.of("/etc/app", "single"));
    TestImages.push(layout, "single", source, "upstream/app:single");
    TestImages.build(dir, "unsigned", "amd64", Map.of("/etc/app", "nobody signed this"));
    TestImages.push(layout, "unsigned", source, "upstream/app:unsigned");
    MoatProcess.generateKeys(dir, "publisher", "mirror", "stranger");
    assertThat(moat("sign", source.host() + "/upstream/app:multi", "--key", "publisher.key").exitCode()).isZero();
    assertThat(moat("sign", source.host() + "/upstream/app:single", "--key", "publisher.key").exitCode()).isZero();
  }

  @AfterAll
  static void stop() throws Exception {
    if (source != null) {
      source.close();
    }
    if (secure != null) {
      secure.close();
    }
  }

  static MoatProcess.Result moat(String... args) throws Exception {
    List<String> all = new ArrayList<>(List.of(args));
    return MoatProcess.run(env, work, all);
  }

  private String ca() {
    return secure.caCertificate().toString();
  }

  @Test
  void multiArchImageIsVerifiedCopiedToTlsRegistryAndSignedThere() throws Exception {
    String dst = secure.host() + "/mirror/app:multi";
    MoatProcess.Result copy = moat("copy", source.host() + "/upstream/app:multi", dst, "--verify-key", "publisher.pub",
        "--sign-key", "mirror.key", "--registry-ca", ca());
    assertThat(copy.exitCode()).as(copy.all()).isZero();

    String srcDigest = TestImages.sh(work, "skopeo", "inspect", "--raw", "--tls-verify=false", "docker://" + source.host() + "/upstream/app:multi");
    String dstDigest = TestImages.sh(work, "skopeo", "inspect", "--raw", "--cert-dir", secure.caCertificate().getParent().toString(),
        "--creds", "mirror:s3cret-pass", "docker://" + dst);
    assertThat(dstDigest).as("the index is copied byte for byte").isEqualTo(srcDigest);
    for (String arch : List.of("amd64", "arm64")) {
      String platformInfo = TestImages.sh(work, "skopeo", "inspect", "--override-arch", arch, "--cert-dir", secure.caCertificate().getParent().toString(),
          "--creds", "mirror:s3cret-pass", "docker://" + dst);
      assertThat(platformInfo).contains("\"Architecture\": \"" + arch + "\"");
    }
    assertThat(moat("verify", dst, "--key", "mirror.pub", "--registry-ca", ca()).exitCode()).isZero();
    MoatProcess.Result publisherOnly = moat("verify", dst, "--key", "publisher.pub", "--registry-ca", ca());
    assertThat(publisherOnly.exitCode()).as("signatures are not carried without --copy-signatures").isEqualTo(12);
  }

  @Test
  void recursiveSigningSignsEveryPlatformSoAPlatformDigestVerifies() throws Exception {
    String src = source.host() + "/recursive-src/app:multi";
    TestImages.sh(work, "skopeo", "copy", "-q", "--all", "--src-tls-verify=false", "--dest-tls-verify=false",
        "docker://" + source.host() + "/upstream/app:multi", "docker://" + src);
    String repo = source.host() + "/recursive-src/app";
    assertThat(moat("sign", src, "--key", "publisher.key").exitCode()).isZero();
    List<String> children = TestImages.platformDigests(src);
    assertThat(children).hasSize(2);
    for (String child : children) {
      assertThat(moat("verify", repo + "@" + child, "--key", "stranger.pub").exitCode()).as("not yet signed").isEqualTo(10);
    }
    MoatProcess.Result sign = moat("sign", src, "--key", "stranger.key", "--recursive", "--signature-layout", "legacy");
    assertThat(sign.exitCode()).as(sign.all()).isZero();
    assertThat(moat("verify", src, "--key", "stranger.pub").exitCode()).isZero();
    for (String child : children) {
      MoatProcess.Result verify = moat("verify", repo + "@" + child, "--key", "stranger.pub");
      assertThat(verify.exitCode()).as(verify.all()).isZero();
    }

    String dst = secure.host() + "/recursive/app:multi";
    MoatProcess.Result copy = moat("copy", src, dst, "--verify-key", "publisher.pub", "--sign-key", "mirror.key", "--recursive",
        "--registry-ca", ca());
    assertThat(copy.exitCode()).as(copy.all()).isZero();
    for (String child : children) {
      MoatProcess.Result verify = moat("verify", secure.host() + "/recursive/app@" + child, "--key", "mirror.pub", "--registry-ca", ca());
      assertThat(verify.exitCode()).as(verify.all()).isZero();
    }
    String plain = secure.host() + "/plain/app:multi";
    assertThat(moat("copy", src, plain, "--sign-key", "mirror.key", "--registry-ca", ca()).exitCode()).isZero();
    MoatProcess.Result childOfPlain = moat("verify", secure.host() + "/plain/app@" + children.get(0), "--key", "mirror.pub", "--registry-ca", ca());
    assertThat(childOfPlain.exitCode()).as("without --recursive only the index is signed: " + childOfPlain.all()).isEqualTo(10);
  }

  @Test
  void copySignaturesCarriesBothLayouts() throws Exception {
    String dst = secure.host() + "/carried/app:single";
    MoatProcess.Result copy = moat("copy", source.host() + "/upstream/app:single", dst, "--copy-signatures", "--registry-ca", ca());
    assertThat(copy.exitCode()).as(copy.all()).isZero();
    MoatProcess.Result verify = moat("verify", dst, "--key", "publisher.pub", "--registry-ca", ca(), "-v");
    assertThat(verify.exitCode()).as(verify.all()).isZero();
    assertThat(verify.stderr()).contains("legacy").contains("bundle");
  }

  @Test
  void unsignedSourceIsRefusedAndNothingIsWritten() throws Exception {
    String dst = secure.host() + "/refused/app:unsigned";
    MoatProcess.Result copy = moat("copy", source.host() + "/upstream/app:unsigned", dst, "--verify-key", "publisher.pub",
        "--sign-key", "mirror.key", "--registry-ca", ca());
    assertThat(copy.exitCode()).as(copy.all()).isEqualTo(10);
    assertThat(copy.stderr()).contains("refused to copy");
    MoatProcess.Result inspect = MoatProcess.exec(List.of("skopeo", "inspect", "--cert-dir", secure.caCertificate().getParent().toString(),
        "--creds", "mirror:s3cret-pass", "docker://" + dst), Map.of(), work, 60);
    assertThat(inspect.exitCode()).as("the refused image must not exist at the destination").isNotZero();
  }

  @Test
  void sourceSignedByAnotherKeyIsRefused() throws Exception {
    MoatProcess.Result copy = moat("copy", source.host() + "/upstream/app:single", secure.host() + "/refused/app:wrongkey",
        "--verify-key", "stranger.pub", "--sign-key", "mirror.key", "--registry-ca", ca());
    assertThat(copy.exitCode()).as(copy.all()).isEqualTo(12);
  }

  @Test
  void allTagsMirrorsTheRepositoryButNotSignatureTags() throws Exception {
    MoatProcess.Result copy = moat("copy", source.host() + "/upstream/app", secure.host() + "/all/app", "--all-tags", "--registry-ca", ca());
    assertThat(copy.exitCode()).as(copy.all()).isZero();
    String tags = TestImages.sh(work, "skopeo", "list-tags", "--cert-dir", secure.caCertificate().getParent().toString(),
        "--creds", "mirror:s3cret-pass", "docker://" + secure.host() + "/all/app");
    assertThat(tags).contains("\"multi\"", "\"single\"", "\"unsigned\"").doesNotContain(".sig");
  }

  @Test
  void copyWithinOneRegistryMountsBlobs() throws Exception {
    MoatProcess.Result copy = moat("copy", source.host() + "/upstream/app:single", source.host() + "/other/app:single", "-v");
    assertThat(copy.exitCode()).as(copy.all()).isZero();
    assertThat(copy.stderr()).contains("mounted");
  }

  @Test
  void copyToOciLayoutAndBack() throws Exception {
    Path layout = work.resolve("exported");
    MoatProcess.Result out = moat("copy", source.host() + "/upstream/app:multi", "oci:" + layout + ":multi", "--sign-key", "mirror.key");
    assertThat(out.exitCode()).as(out.all()).isZero();
    assertThat(Files.exists(layout.resolve("index.json"))).isTrue();
    assertThat(TestImages.sh(work, "skopeo", "inspect", "--raw", "oci:" + layout + ":multi")).contains("arm64");
    assertThat(moat("verify", "oci:" + layout + ":multi", "--key", "mirror.pub").exitCode()).isZero();
    MoatProcess.Result back = moat("copy", "oci:" + layout + ":multi", source.host() + "/roundtrip/app:multi", "--verify-key", "mirror.pub");
    assertThat(back.exitCode()).as(back.all()).isZero();
  }

  @Test
  void wrongRegistryPasswordIsAnAuthenticationFailure() throws Exception {
    Map<String, String> badEnv = Map.of(dev.moat.image.EnvironmentCredentials.variablePrefix(secure.host()) + "USERNAME", "mirror",
        dev.moat.image.EnvironmentCredentials.variablePrefix(secure.host()) + "PASSWORD", "wrong");
    MoatProcess.Result r = MoatProcess.run(badEnv, work, "copy", source.host() + "/upstream/app:single", secure.host() + "/x/app:1", "--registry-ca", ca());
    assertThat(r.exitCode()).as(r.all()).isEqualTo(4);
    assertThat(r.stderr()).contains("refused").doesNotContain("wrong").doesNotContain("Exception");
  }

  @Test
  void onePlatformGoesToADockerArchiveAndBack() throws Exception {
    Path archive = work.resolve("app-arm64.tar");
    MoatProcess.Result refused = moat("copy", source.host() + "/upstream/app:multi", "docker-archive:" + work.resolve("all.tar"));
    assertThat(refused.exitCode()).as(refused.all()).isEqualTo(2);
    assertThat(refused.stderr()).contains("--platform");
    MoatProcess.Result out = moat("copy", source.host() + "/upstream/app:multi", "docker-archive:" + archive + ":example.com/app:arm64",
        "--platform", "linux/arm64");
    assertThat(out.exitCode()).as(out.all()).isZero();
    assertThat(TestImages.sh(work, "skopeo", "inspect", "docker-archive:" + archive)).contains("\"Architecture\": \"arm64\"");
    MoatProcess.Result unknown = moat("copy", source.host() + "/upstream/app:multi", "oci:" + work.resolve("x") + ":s390x", "--platform", "linux/s390x");
    assertThat(unknown.exitCode()).isEqualTo(5);
    assertThat(unknown.stderr()).contains("linux/amd64", "linux/arm64");
    MoatProcess.Result back = moat("copy", "docker-archive:" + archive, source.host() + "/from-archive/app:arm64", "--sign-key", "mirror.key");
    assertThat(back.exitCode()).as(back.all()).isZero();
    assertThat(moat("verify", source.host() + "/from-archive/app:arm64", "--key", "mirror.pub").exitCode()).isZero();
  }

  @Test
  void carriedSignaturesJoinThoseAlreadyAtTheDestination() throws Exception {
    String dst = source.host() + "/joined/app:single";
    assertThat(moat("copy", source.host() + "/upstream/app:single", dst, "--sign-key", "mirror.key").exitCode()).isZero();
    MoatProcess.Result carry = moat("copy", source.host() + "/upstream/app:single", dst, "--copy-signatures");
    assertThat(carry.exitCode()).as(carry.all()).isZero();
    MoatProcess.Result both = moat("verify", dst, "--key", "publisher.pub", "--key", "mirror.pub", "--threshold", "2", "-v");
    assertThat(both.exitCode()).as(both.all()).isZero();
  }

  @Test
  void copySignaturesAlsoCarriesAttestationsUnderTheAttTag() throws Exception {
    String attested = source.host() + "/upstream/attested:1";
    assertThat(moat("copy", source.host() + "/upstream/app:single", attested).exitCode()).isZero();
    MoatProcess.Result learn = moat("whitelist", "learn", attested, "-o", "attested.json", "--attach", "--layout", "legacy", "--key", "publisher.key");
    assertThat(learn.exitCode()).as(learn.all()).isZero();

    String dst = secure.host() + "/carried/attested:1";
    MoatProcess.Result copy = moat("copy", attested, dst, "--copy-signatures", "--registry-ca", ca());
    assertThat(copy.exitCode()).as(copy.all()).isZero();
    assertThat(copy.stderr()).contains("carried 1 attestation(s) of sha256-");

    MoatProcess.Result fetch = moat("whitelist", "fetch", dst, "--key", "publisher.pub", "--registry-ca", ca(), "-o", "carried.json");
    assertThat(fetch.exitCode()).as(fetch.all()).isZero();
    assertThat(java.nio.file.Files.readAllBytes(work.resolve("carried.json"))).isEqualTo(java.nio.file.Files.readAllBytes(work.resolve("attested.json")));

    MoatProcess.Result again = moat("copy", attested, dst, "--copy-signatures", "--registry-ca", ca());
    assertThat(again.exitCode()).as(again.all()).isZero();
    assertThat(again.stderr()).as("an attestation already at the destination is not added twice").doesNotContain("attestation(s)");
  }
}
