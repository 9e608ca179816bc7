import dev.moat.MoatException;
import dev.moat.image.ImageLocation;
import dev.moat.image.ImageStores;
import dev.moat.image.Manifest;
import dev.moat.image.RegistryOptions;
import dev.moat.whitelist.LearnOptions;
import dev.moat.whitelist.Whitelist;
import dev.moat.whitelist.WhitelistDocument;
import dev.moat.whitelist.WhitelistLearner;
import java.nio.file.Path;

/** bench/whitelist's launcher: learns LOCATION into FILE through the Java API (used when the CLI has no whitelist command). */
public class Learn {
  public static void main(String[] args) throws Exception {
    try (ImageStores stores = new ImageStores(RegistryOptions.defaults())) {
      ImageStores.Source source = stores.openSource(ImageLocation.parse(args[0]));
      Manifest manifest = source.repository().fetchManifest(source.reference());
      Whitelist whitelist = new WhitelistLearner(LearnOptions.defaults(), line -> {}).learn(source.repository(), manifest, args[0]);
      WhitelistDocument.write(whitelist, Path.of(args[1]));
      System.out.println(whitelist.allEntries().size() + " entries");
    } catch (MoatException e) {
      System.err.println(e.oneLine());
      System.exit(e.failure().exitCode());
    }
  }
}
