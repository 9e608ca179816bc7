package dev.moat.stage;

import dev.moat.MoatException;
import dev.moat.image.Digest;
import dev.moat.image.ImageStores;
import dev.moat.image.Manifest;
import dev.moat.signing.key.KeyLoader;
import dev.moat.signing.key.SigningKey;
import dev.moat.whitelist.EntryKind;
import dev.moat.whitelist.ExportFormat;
import dev.moat.whitelist.LearnOptions;
import dev.moat.whitelist.PlatformWhitelist;
import dev.moat.whitelist.Whitelist;
import dev.moat.whitelist.WhitelistAttestation;
import dev.moat.whitelist.WhitelistDocument;
import dev.moat.whitelist.WhitelistEntry;
import dev.moat.whitelist.WhitelistExporter;
import dev.moat.whitelist.WhitelistLearner;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The learn-whitelist stage: resolve the image to its digest, learn its executables, write the whitelist,
 * export it to the chosen enforcers' policies, and attach it to the image signed when asked.
 */
public final class LearnWhitelistStage {

  public StageResult run(LearnWhitelistRequest request, StageContext context, StageListener listener) throws MoatException {
    request.check();
    SigningKey key = request.attach() ? KeyLoader.loadSigningKey(request.key(), context.passphrases(), context.env()) : null;
    try (ImageStores stores = new ImageStores(request.registry().toOptions(context.env()))) {
      ImageStores.Source source = stores.openSource(request.image());
      Manifest manifest = VerifyStage.fetchPinned(source, request.image());
      listener.info("Learning " + source.repository().describe() + "@" + manifest.digest()
          + (manifest.isIndex() ? " (platform " + request.platform() + ")" : ""));
      LearnOptions options = LearnOptions.defaults().withPlatform(request.platform()).withMaxLayerBytes(request.maxLayerBytes());
      Whitelist whitelist = new WhitelistLearner(options, listener::detail).learn(source.repository(), manifest, request.image().toString());
      if (request.repository() != null) {
        Whitelist.ImageInfo learned = whitelist.image();
        whitelist = new Whitelist(new Whitelist.ImageInfo(learned.reference(), request.repository(), learned.digest()), whitelist.platforms());
      }

      WhitelistDocument.write(whitelist, request.output());
      List<Path> written = new ArrayList<>(List.of(request.output()));
      listener.info("  wrote " + request.output());
      for (ExportFormat format : request.formats()) {
        String risk = request.export().riskFor(format);
        if (risk != null) {
          listener.warn(risk);
        }
        List<Path> files = PolicyDirectory.write(request.exportDir(), WhitelistExporter.of(format).export(whitelist, request.export()));
        files.forEach(f -> listener.info("  wrote " + f + " (" + format.cliName() + ")"));
        written.addAll(files);
      }
      List<String> attached = List.of();
      if (key != null) {
        attached = new WhitelistAttestation().attach(source.repository(), manifest, whitelist, key, request.layouts());
        attached.forEach(a -> listener.info("  attached " + a));
      }

      Map<String, String> outputs = new LinkedHashMap<>();
      outputs.put("IMAGE_URL", request.image().toString());
      outputs.put("IMAGE_DIGEST", whitelist.image().digest());
      outputs.put("WHITELIST_DIGEST", Digest.of(WhitelistDocument.toBytes(whitelist)).toString());
      outputs.put("ENTRY_COUNT", Integer.toString(whitelist.allEntries().size()));
      String message = "Learned " + whitelist.allEntries().size() + " entries of " + request.image() + "@" + whitelist.image().digest()
          + " into " + request.output();
      return new StageResult(Verdict.PASS, null, message, outputs, summary(whitelist, written, attached), written);
    }
  }

  /** How many entries of each kind, all platforms together; every kind is present, zero or not. */
  public static Map<EntryKind, Integer> countsByKind(Whitelist whitelist) {
    Map<EntryKind, Integer> counts = new EnumMap<>(EntryKind.class);
    for (EntryKind kind : EntryKind.values()) {
      counts.put(kind, 0);
    }
    for (WhitelistEntry entry : whitelist.allEntries()) {
      counts.merge(entry.kind(), 1, Integer::sum);
    }
    return counts;
  }

  private static String summary(Whitelist whitelist, List<Path> written, List<String> attached) {
    StringBuilder s = new StringBuilder("### Moat: whitelist learned\n\n`").append(whitelist.image().reference()).append("` → `")
        .append(whitelist.image().digest()).append("`");
    for (PlatformWhitelist platform : whitelist.platforms()) {
      s.append(whitelist.platforms().size() > 1 ? "\n\n" + platform.platform() + ": " + platform.entries().size() + " entries" : "");
    }
    s.append("\n\n| kind | entries |\n|---|---:|\n");
    countsByKind(whitelist).forEach((kind, n) -> s.append("| ").append(kind.jsonName()).append(" | ").append(n).append(" |\n"));
    s.append("| **total** | **").append(whitelist.allEntries().size()).append("** |\n\nFiles: ");
    s.append(String.join(", ", written.stream().map(p -> "`" + p + "`").toList())).append('\n');
    if (!attached.isEmpty()) {
      s.append("\nAttached: ").append(String.join(", ", attached.stream().map(a -> "`" + a + "`").toList())).append('\n');
    }
    return s.toString();
  }
}
