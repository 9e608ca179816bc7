package io.jenkins.plugins.moat;

import com.cloudbees.plugins.credentials.CredentialsProvider;
import com.cloudbees.plugins.credentials.common.StandardCredentials;
import com.cloudbees.plugins.credentials.common.StandardUsernamePasswordCredentials;
import dev.moat.image.Credential;
import hudson.AbortException;
import hudson.model.Run;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.jenkinsci.plugins.plaincredentials.FileCredentials;
import org.jenkinsci.plugins.plaincredentials.StringCredentials;

/** Reads the credentials a step names, in the context of its build, and records their use (tracking). */
final class BuildCredentials {

  private final Run<?, ?> run;

  BuildCredentials(Run<?, ?> run) {
    this.run = run;
  }

  /** A key from a secret file or secret text credential, written to a 0600 file in {@code files}. */
  String keyFile(String id, KeyFiles files) throws IOException {
    return files.write(fileOrText(id)).toString();
  }

  /** The content of a secret file or secret text credential (a key, a kubeconfig), kept in memory only. */
  byte[] fileOrText(String id) throws IOException {
    StandardCredentials c = find(id, StandardCredentials.class, "secret file or secret text");
    if (c instanceof FileCredentials file) {
      try (InputStream in = file.getContent()) {
        return in.readAllBytes();
      }
    }
    if (c instanceof StringCredentials text) {
      return text.getSecret().getPlainText().getBytes(StandardCharsets.UTF_8);
    }
    throw new AbortException("credentials '" + id + "' are neither a secret file nor secret text");
  }

  /** A secret text, such as a passphrase. */
  char[] secretText(String id) throws IOException {
    return find(id, StringCredentials.class, "secret text").getSecret().getPlainText().toCharArray();
  }

  Credential registry(String id) throws IOException {
    StandardUsernamePasswordCredentials c = find(id, StandardUsernamePasswordCredentials.class, "username with password");
    return new Credential(c.getUsername(), c.getPassword().getPlainText());
  }

  private <C extends StandardCredentials> C find(String id, Class<C> type, String kind) throws AbortException {
    C c = CredentialsProvider.findCredentialById(id, type, run);
    if (c == null) {
      throw new AbortException("no " + kind + " credentials with id '" + id + "' are visible to " + run.getFullDisplayName());
    }
    CredentialsProvider.track(run, c);
    return c;
  }
}
