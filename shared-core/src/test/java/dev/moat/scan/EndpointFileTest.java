package dev.moat.scan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link Endpoint#injectFile}: the file part the upload check sends, and the multipart body around it. */
class EndpointFileTest {

  private final Parameter file = new Parameter("avatar", ParameterLocation.MULTIPART_BODY, "moat test file", "file", true);
  private final Parameter user = Parameter.of("user", ParameterLocation.MULTIPART_BODY, "alice");
  private final Endpoint endpoint = new Endpoint("POST", URI.create("http://127.0.0.1:8080"), "/upload", List.of(user, file), null, "openapi");

  @Test
  void replacesTheFilePartsNameTypeAndContentAndKeepsTheOtherParts() {
    ScanRequest request = endpoint.injectFile(file, "moatx.php", "image/png", "<?php echo 2*3; ?>");
    String body = new String(request.body(), StandardCharsets.UTF_8);
    String contentType = request.headers().get("Content-Type").get(0);
    assertThat(contentType).startsWith("multipart/form-data; boundary=");
    String boundary = contentType.substring(contentType.indexOf('=') + 1);
    assertThat(body).startsWith("--" + boundary + "\r\n").endsWith("--" + boundary + "--\r\n")
        .contains("Content-Disposition: form-data; name=\"user\"\r\n\r\nalice\r\n")
        .contains("Content-Disposition: form-data; name=\"avatar\"; filename=\"moatx.php\"\r\nContent-Type: image/png\r\n\r\n<?php echo 2*3; ?>\r\n");
  }

  @Test
  void theBaselineStillSendsTheDefaultFile() {
    String body = new String(endpoint.baseline().body(), StandardCharsets.UTF_8);
    assertThat(body).contains("filename=\"moat.txt\"\r\nContent-Type: text/plain\r\n\r\nmoat test file\r\n");
  }

  @Test
  void aQuoteInTheFileNameCannotEndTheHeaderParameter() {
    String body = new String(endpoint.injectFile(file, "a\".php", "text/plain", "x").body(), StandardCharsets.UTF_8);
    assertThat(body).contains("filename=\"a%22.php\"");
  }

  @Test
  void onlyAMultipartFilePartOfThisEndpointCanBeReplaced() {
    assertThatThrownBy(() -> endpoint.injectFile(user, "x.php", "text/plain", "x")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a multipart file part");
    Parameter other = new Parameter("other", ParameterLocation.MULTIPART_BODY, "", "file", false);
    assertThatThrownBy(() -> endpoint.injectFile(other, "x.php", "text/plain", "x")).isInstanceOf(IllegalArgumentException.class);
  }
}
