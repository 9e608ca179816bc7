package dev.moat.stage;

import dev.moat.MoatException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Check observed executions against a whitelist.
 *
 * @param whitelist the whitelist JSON ({@code moat whitelist learn})
 * @param events Falco JSON events, Tetragon JSON export events, or a plain list of paths
 * @param jsonReport where to write the drift report as JSON; null: not written
 * @param sarifReport where to write it as SARIF 2.1.0; null: not written
 */
public record CheckWhitelistRequest(Path whitelist, Path events, Path jsonReport, Path sarifReport) {

  /** Parameters: whitelist, events, json-report, sarif-report. */
  public static CheckWhitelistRequest fromParameters(Map<String, String> values) throws MoatException {
    Parameters p = new Parameters(values);
    String json = p.optional("json-report", null);
    String sarif = p.optional("sarif-report", null);
    return new CheckWhitelistRequest(Path.of(p.required("whitelist")), Path.of(p.required("events")),
        json == null ? null : Path.of(json), sarif == null ? null : Path.of(sarif));
  }
}
