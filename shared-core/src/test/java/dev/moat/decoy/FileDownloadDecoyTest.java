package dev.moat.decoy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FileDownloadDecoyTest {

  private final DecoyRequests client = new DecoyRequests();
  private final FileDownloadDecoy decoy = new FileDownloadDecoy(FakeFilesystem.canned());

  @ParameterizedTest
  @ValueSource(strings = {
      "/download?file=../../../../etc/passwd",
      "/download?file=..%2f..%2f..%2f..%2fetc%2fpasswd",
      "/download?file=%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
      "/download?file=%252e%252e%252f%252e%252e%252f%252e%252e%252f%252e%252e%252fetc%252fpasswd",
      "/download?file=..%5c..%5c..%5c..%5cetc%5cpasswd",
      "/download?file=/etc/passwd",
      "/download?file=../../../../etc/passwd%00.pdf",
      "/static/../../../../etc/passwd",
      "/static/..%2f..%2f..%2f..%2fetc/passwd",
  })
  void traversalInAnyEncodingAlertsAndServesTheFakePasswd(String target) {
    HttpReply reply = client.send(decoy, DecoyRequests.get(target));
    assertThat(reply.status()).isEqualTo(200);
    assertThat(DecoyRequests.body(reply)).startsWith("root:x:0:0:root:/root:/bin/bash\n");
    assertThat(client.alerts).singleElement().satisfies(a -> {
      assertThat(a.action()).isEqualTo("http.path_traversal");
      assertThat(a.severity()).isEqualTo(AlertSeverity.HIGH);
      assertThat(a.mitreTechnique()).isEqualTo("T1083");
      assertThat(a.fields()).containsEntry("path", "/etc/passwd");
    });
  }

  @Test
  void servesTheOtherTemptingFilesFromTheFakeFilesystem() {
    assertThat(DecoyRequests.body(client.send(decoy, DecoyRequests.get("/download?file=../../../../proc/self/environ"))))
        .contains("\0DB_PASSWORD=").contains("AWS_SECRET_ACCESS_KEY=");
    assertThat(DecoyRequests.body(client.send(decoy, DecoyRequests.get("/download?file=../.env")))).contains("DB_PASSWORD=");
    assertThat(DecoyRequests.body(client.send(decoy, DecoyRequests.get("/download?file=/root/.ssh/id_rsa"))))
        .startsWith("-----BEGIN OPENSSH PRIVATE KEY-----\n").endsWith("-----END OPENSSH PRIVATE KEY-----\n");
    assertThat(DecoyRequests.body(client.send(decoy, DecoyRequests.get("/download?file=../../../../etc/hosts")))).contains("db-primary.internal");
    assertThat(DecoyRequests.body(client.send(decoy, DecoyRequests.get("/download?file=../../../../etc/shadow"))))
        .contains("Permission denied").doesNotContain("root:$");
    assertThat(client.actions()).hasSize(5).containsOnly("http.path_traversal");
  }

  @Test
  void anOrdinaryDownloadIsServedWithoutAnAlert() {
    HttpReply reply = client.send(decoy, DecoyRequests.get("/download?file=report.pdf"));
    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.headers()).containsEntry("Content-Type", "application/pdf");
    assertThat(DecoyRequests.body(reply)).startsWith("%PDF-1.4");
    assertThat(client.send(decoy, DecoyRequests.get("/download?file=missing.pdf")).status()).isEqualTo(404);
    assertThat(client.send(decoy, DecoyRequests.get("/download?file=a..b.pdf")).status()).isEqualTo(404);
    assertThat(client.alerts).isEmpty();
  }
}
