package dev.moat.whitelist;

import dev.moat.MoatException;
import java.util.List;

/** Turns a whitelist into what one enforcer reads. */
public interface WhitelistExporter {

  List<ExportedFile> export(Whitelist whitelist, ExportOptions options) throws MoatException;

  static WhitelistExporter of(ExportFormat format) {
    throw new UnsupportedOperationException("contract only: built on the whitelist-export branch");
  }
}
