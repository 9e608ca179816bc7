package dev.moat.stage;

import dev.moat.Failure;
import dev.moat.MoatException;
import java.util.Map;

/**
 * The authentication a scan sends, named by the environment variables that hold the secrets — never the secrets
 * themselves, so they stay out of command lines, pipeline definitions and logs.
 *
 * @param bearerTokenEnv variable holding a bearer token ({@code Authorization: Bearer …})
 * @param basicUser user name for basic authentication
 * @param basicPasswordEnv variable holding the basic-authentication password
 * @param apiKeyHeader header name for an API key ({@code X-API-Key})
 * @param apiKeyEnv variable holding the API key
 * @param cookieEnv variable holding a {@code Cookie} header value ({@code session=…})
 */
public record ScanCredentials(String bearerTokenEnv, String basicUser, String basicPasswordEnv, String apiKeyHeader, String apiKeyEnv,
    String cookieEnv) {

  public static ScanCredentials none() {
    return new ScanCredentials(null, null, null, null, null, null);
  }

  /** This, after checking the pairs are complete. */
  ScanCredentials checked() throws MoatException {
    if ((basicUser == null) != (basicPasswordEnv == null)) {
      throw new MoatException(Failure.INVALID_INPUT, "basic authentication needs both 'basic-user' and 'basic-password-env'", "give both, or neither");
    }
    if ((apiKeyHeader == null) != (apiKeyEnv == null)) {
      throw new MoatException(Failure.INVALID_INPUT, "an API key needs both 'api-key-header' and 'api-key-env'", "give both, or neither");
    }
    return this;
  }

  /** The secret in {@code variable}; an unset or empty variable is an error naming it. */
  static String secret(Map<String, String> env, String parameter, String variable) throws MoatException {
    String value = env.get(variable);
    if (value == null || value.isEmpty()) {
      throw new MoatException(Failure.INVALID_INPUT, "parameter '" + parameter + "' names the environment variable " + variable + ", which is not set",
          "export " + variable + " with the secret, or drop " + parameter);
    }
    return value;
  }
}
