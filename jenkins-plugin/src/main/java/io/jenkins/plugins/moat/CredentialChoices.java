package io.jenkins.plugins.moat;

import com.cloudbees.plugins.credentials.CredentialsProvider;
import com.cloudbees.plugins.credentials.common.StandardCredentials;
import com.cloudbees.plugins.credentials.common.StandardListBoxModel;
import com.cloudbees.plugins.credentials.common.StandardUsernamePasswordCredentials;
import hudson.model.Item;
import hudson.security.ACL;
import hudson.util.ListBoxModel;
import java.util.List;
import jenkins.model.Jenkins;
import org.jenkinsci.plugins.plaincredentials.FileCredentials;
import org.jenkinsci.plugins.plaincredentials.StringCredentials;

/**
 * The credentials drop-downs of the steps' forms. Only a user who may configure the job (or, outside a job,
 * an administrator) sees the list; anyone else sees only the current value.
 */
final class CredentialChoices {

  private CredentialChoices() {}

  /** Secret files and secret texts: keys, kubeconfigs. */
  static ListBoxModel keys(Item item, String current) {
    return of(item, current, List.of(FileCredentials.class, StringCredentials.class));
  }

  /** Secret texts: passphrases. */
  static ListBoxModel secretTexts(Item item, String current) {
    return of(item, current, List.of(StringCredentials.class));
  }

  /** Usernames with passwords: registries. */
  static ListBoxModel usernamePasswords(Item item, String current) {
    return of(item, current, List.of(StandardUsernamePasswordCredentials.class));
  }

  private static ListBoxModel of(Item item, String current, List<Class<? extends StandardCredentials>> types) {
    StandardListBoxModel model = new StandardListBoxModel();
    if (item == null) {
      if (!Jenkins.get().hasPermission(Jenkins.ADMINISTER)) {
        model.includeCurrentValue(current);
        return model;
      }
    } else if (!item.hasPermission(Item.EXTENDED_READ) && !item.hasPermission(CredentialsProvider.USE_ITEM)) {
      model.includeCurrentValue(current);
      return model;
    }
    model.includeEmptyValue();
    for (Class<? extends StandardCredentials> type : types) {
      // A null item means the root of Jenkins, as in the credentials plugin's consumer guide.
      model.includeAs(ACL.SYSTEM2, item, type);
    }
    model.includeCurrentValue(current);
    return model;
  }
}
