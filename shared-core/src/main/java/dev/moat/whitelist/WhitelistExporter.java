package dev.moat.whitelist;

import dev.moat.MoatException;
import java.util.List;

/** Turns a whitelist into what one enforcer reads. */
public interface WhitelistExporter {

  List<ExportedFile> export(Whitelist whitelist, ExportOptions options) throws MoatException;

  static WhitelistExporter of(ExportFormat format) {
    switch (format) {
      case KUBEARMOR:
        return new KubeArmorExporter();
      case TETRAGON:
        return new TetragonExporter();
      case FALCO:
        return new FalcoExporter();
      case FAPOLICYD:
        return new FapolicydExporter();
      default:
        throw new IllegalArgumentException("no exporter for " + format);
    }
  }
}
