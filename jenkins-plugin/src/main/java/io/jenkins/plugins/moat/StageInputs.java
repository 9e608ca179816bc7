package io.jenkins.plugins.moat;

import dev.moat.image.Credential;
import dev.moat.image.ImageLocation;
import dev.moat.signing.key.PassphraseSource;
import dev.moat.stage.StageContext;
import dev.moat.stage.StageListener;
import hudson.model.TaskListener;
import java.io.IOException;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

/**
 * What a step's execution has to build its stage request from: the build's credentials, a place for key
 * files, the step's environment (for MOAT_REGISTRY_* and MOAT_PASSPHRASE set with withEnv/withCredentials)
 * and the build log.
 */
record StageInputs(BuildCredentials credentials, KeyFiles keys, Map<String, String> env, TaskListener listener) {

  /** The stage context; the passphrase from a secret text credential when one is named, else from the environment. */
  StageContext context(String passphraseCredentialsId) throws IOException {
    if (passphraseCredentialsId == null || passphraseCredentialsId.isBlank()) {
      return new StageContext(env, PassphraseSource.fromEnvironment(env), Clock.systemUTC());
    }
    char[] passphrase = credentials.secretText(passphraseCredentialsId);
    return new StageContext(env, what -> passphrase.clone(), Clock.systemUTC());
  }

  StageListener stageListener() {
    return new LogStageListener(listener, false);
  }

  /** Adds the username/password credentials {@code id} (if named) for the registry of {@code image} to {@code into}. */
  void addRegistryCredential(Map<String, Credential> into, ImageLocation image, String id) throws IOException {
    if (id == null || id.isBlank() || !(image instanceof ImageLocation.Registry registry)) {
      return;
    }
    Credential credential = credentials.registry(id);
    into.put(registry.reference().registry(), credential);
    into.put(registry.reference().apiHost(), credential);
  }

  Map<String, Credential> registryCredentials(ImageLocation image, String id) throws IOException {
    Map<String, Credential> map = new HashMap<>();
    addRegistryCredential(map, image, id);
    return map;
  }
}
