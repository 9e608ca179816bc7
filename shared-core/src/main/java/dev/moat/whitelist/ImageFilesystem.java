package dev.moat.whitelist;

import dev.moat.Failure;
import dev.moat.MoatException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * An image's filesystem as its layers build it, in memory, without content: a tree of directories, files
 * (with the hash and class of every candidate), symlinks and special files. {@link #apply} adds one
 * {@link LayerSummary} on top, as overlayfs shows it; {@link #entries} lists what the whitelist holds.
 *
 * <p>A layer applies in two passes. First its whiteouts delete: {@code .wh.<name>} removes {@code name} and
 * everything under it, {@code .wh..wh..opq} empties its directory; both act on the lower layers only, so what
 * the same layer adds stays, whatever the tar order. Then its entries apply in tar order: a file, symlink or
 * special file replaces whatever was at its path (a directory with its whole subtree included); a directory
 * keeps a directory that is there and replaces anything else. Parent directories missing from the tar are
 * created. A hard link copies what its target is at that moment (normally an entry earlier in the same
 * layer, else the lower layers); a missing target, or a directory, rejects the layer.
 *
 * <p>Paths resolve as the kernel resolves them inside a chroot: a relative symlink target against the
 * link's directory, an absolute one against the image root, symlinks in intermediate directories too
 * ({@code /bin -> usr/bin}), {@code ..} at the root stays at the root (so a link climbing out of the image
 * resolves inside it, as it would in the container), and more than {@value #MAX_HOPS} symlinks on one path
 * is a loop: the path does not resolve. Parents of tar entries resolve the same way, as containerd and umoci
 * extract (an entry under a symlinked directory lands where the link points, never outside the root).
 */
final class ImageFilesystem {

  /** MAXSYMLINKS of Linux. */
  static final int MAX_HOPS = 40;

  private final Dir root = new Dir();

  /** Applies the next layer. */
  void apply(LayerSummary layer) throws MoatException {
    for (LayerSummary.Change change : layer.changes()) {
      if (change instanceof LayerSummary.Whiteout w) {
        Dir parent = directory(parentOf(w.path()), false, layer);
        if (parent != null) {
          parent.children.remove(nameOf(w.path()));
        }
      } else if (change instanceof LayerSummary.Opaque o) {
        Dir dir = directory(o.path(), false, layer);
        if (dir != null) {
          dir.children.clear();
        }
      }
    }
    for (LayerSummary.Change change : layer.changes()) {
      if (change instanceof LayerSummary.Whiteout || change instanceof LayerSummary.Opaque) {
        continue;
      }
      Dir parent = directory(parentOf(change.path()), true, layer);
      String name = nameOf(change.path());
      if (change instanceof LayerSummary.Directory) {
        if (!(parent.children.get(name) instanceof Dir)) {
          parent.children.put(name, new Dir());
        }
      } else if (change instanceof LayerSummary.RegularFile f) {
        parent.children.put(name, new File(f.mode(), f.size(), f.content(), layer.digest(), null));
      } else if (change instanceof LayerSummary.Symlink s) {
        parent.children.put(name, new Link(s.target(), layer.digest()));
      } else if (change instanceof LayerSummary.Hardlink h) {
        parent.children.put(name, hardlink(h, layer));
      } else {
        parent.children.put(name, new Special());
      }
    }
  }

  private Node hardlink(LayerSummary.Hardlink link, LayerSummary layer) throws MoatException {
    Dir parent = directory(parentOf(link.target()), false, layer);
    Node target = parent == null ? null : parent.children.get(nameOf(link.target()));
    if (target == null || target instanceof Dir) {
      throw new MoatException(Failure.LAYER_REJECTED,
          "layer " + layer.digest() + " is rejected at entry '" + link.path() + "': a hard link to '" + link.target() + "', "
              + (target == null ? "which does not exist" : "a directory"),
          "the layer was built by a broken or hostile tool; do not run this image");
    }
    if (target instanceof File f) {
      String of = f.hardlinkOf != null ? f.hardlinkOf : "/" + realPath(parentOf(link.target())) + nameOf(link.target());
      return new File(f.mode, f.size, f.content, layer.digest(), of);
    }
    return target instanceof Link l ? new Link(l.target, layer.digest()) : new Special();
  }

  /** The real path (with a trailing slash, empty for the root) of a directory path whose symlinks resolve. */
  private String realPath(String path) {
    Walk walk = walk(path, true);
    return walk == null || walk.names.isEmpty() ? "" : String.join("/", walk.names) + "/";
  }

  /** Every candidate file and every symlink that resolves to one, as whitelist entries. */
  List<WhitelistEntry> entries() {
    List<WhitelistEntry> entries = new ArrayList<>();
    Map<String, String> interpreters = new HashMap<>();
    collect(root, "", entries, interpreters);
    return entries;
  }

  private void collect(Dir dir, String prefix, List<WhitelistEntry> entries, Map<String, String> interpreters) {
    for (Map.Entry<String, Node> child : dir.children.entrySet()) {
      String path = prefix + "/" + child.getKey();
      Node node = child.getValue();
      if (node instanceof Dir d) {
        collect(d, path, entries, interpreters);
      } else if (node instanceof File f && f.content != null) {
        LayerSummary.Content c = f.content;
        String resolved = c.interpreter() == null ? null : interpreters.computeIfAbsent(c.interpreter(), this::resolveFile);
        entries.add(new WhitelistEntry(path, c.kind(), c.sha256(), f.size, mode(f.mode), (f.mode & 04000) != 0,
            (f.mode & 02000) != 0, c.interpreter(), c.interpreterArgs(), resolved, null, f.hardlinkOf, f.layer));
      } else if (node instanceof Link l) {
        Walk walk = walk(path, true);
        if (walk != null && walk.node instanceof File f && f.content != null) {
          entries.add(new WhitelistEntry(path, EntryKind.SYMLINK, f.content.sha256(), f.size, mode(f.mode),
              (f.mode & 04000) != 0, (f.mode & 02000) != 0, null, null, null, "/" + String.join("/", walk.names), null,
              l.layer));
        }
      }
    }
  }

  /** The path a file path finally resolves to (a relative one from the root); null when it is no file. */
  String resolveFile(String path) {
    Walk walk = walk(path, true);
    return walk != null && walk.node instanceof File ? "/" + String.join("/", walk.names) : null;
  }

  private static String mode(int mode) {
    return String.format(Locale.ROOT, "%04o", mode & 07777);
  }

  /**
   * The directory at {@code path}, every symlink on the way followed; with {@code create}, missing parts and
   * parts that are not directories are made (replaced by) directories. Null when absent and not created.
   */
  private Dir directory(String path, boolean create, LayerSummary layer) throws MoatException {
    if (!create) {
      Walk walk = walk(path, true);
      return walk != null && walk.node instanceof Dir d ? d : null;
    }
    Deque<String> todo = parts(path);
    List<Dir> dirs = new ArrayList<>(List.of(root));
    int hops = 0;
    while (!todo.isEmpty()) {
      String part = todo.pollFirst();
      if (part.equals("..")) {
        if (dirs.size() > 1) {
          dirs.remove(dirs.size() - 1);
        }
        continue;
      }
      Dir dir = dirs.get(dirs.size() - 1);
      Node child = dir.children.get(part);
      if (child instanceof Link l) {
        if (++hops > MAX_HOPS) {
          throw new MoatException(Failure.LAYER_REJECTED,
              "layer " + layer.digest() + " is rejected at '" + path + "': its directories are a symlink loop",
              "the layer was built by a broken or hostile tool; do not run this image");
        }
        push(todo, l.target, dirs);
        continue;
      }
      if (!(child instanceof Dir)) {
        child = new Dir();
        dir.children.put(part, child);
      }
      dirs.add((Dir) child);
    }
    return dirs.get(dirs.size() - 1);
  }

  /**
   * Resolves {@code path} from the root, following symlinks in every part and, when {@code followLast}, in
   * the last one. Null on a loop; otherwise the real path and the node there (null when nothing is).
   */
  private Walk walk(String path, boolean followLast) {
    Deque<String> todo = parts(path);
    List<String> names = new ArrayList<>();
    List<Dir> dirs = new ArrayList<>(List.of(root));
    int hops = 0;
    Node node = root;
    while (!todo.isEmpty()) {
      String part = todo.pollFirst();
      if (part.equals("..")) {
        if (!names.isEmpty()) {
          names.remove(names.size() - 1);
          dirs.remove(dirs.size() - 1);
        }
        node = dirs.get(dirs.size() - 1);
        continue;
      }
      boolean last = todo.isEmpty();
      Node child = dirs.get(dirs.size() - 1).children.get(part);
      if (child instanceof Link l && (!last || followLast)) {
        if (++hops > MAX_HOPS) {
          return null;
        }
        if (l.target.startsWith("/")) {
          names.clear();
        }
        push(todo, l.target, dirs);
        node = dirs.get(dirs.size() - 1);
        continue;
      }
      names.add(part);
      if (child instanceof Dir d) {
        dirs.add(d);
        node = d;
      } else if (last) {
        node = child;
      } else {
        return new Walk(names, null); // a missing directory, or a file used as one
      }
    }
    return new Walk(names, node);
  }

  /** Puts a symlink's target in front of what is left to resolve; an absolute one restarts at the root. */
  private void push(Deque<String> todo, String target, List<Dir> dirs) {
    if (target.startsWith("/")) {
      dirs.subList(1, dirs.size()).clear();
    }
    Deque<String> parts = parts(target);
    while (!parts.isEmpty()) {
      todo.addFirst(parts.pollLast());
    }
  }

  private static Deque<String> parts(String path) {
    Deque<String> parts = new ArrayDeque<>();
    for (String part : path.split("/")) {
      if (!part.isEmpty() && !part.equals(".")) {
        parts.addLast(part);
      }
    }
    return parts;
  }

  private static String parentOf(String path) {
    int slash = path.lastIndexOf('/');
    return slash < 0 ? "" : path.substring(0, slash);
  }

  private static String nameOf(String path) {
    return path.substring(path.lastIndexOf('/') + 1);
  }

  private record Walk(List<String> names, Node node) {}

  private abstract static sealed class Node permits Dir, File, Link, Special {}

  private static final class Dir extends Node {
    final Map<String, Node> children = new TreeMap<>();
  }

  private static final class File extends Node {
    final int mode;
    final long size;
    final LayerSummary.Content content;
    final String layer;
    final String hardlinkOf;

    File(int mode, long size, LayerSummary.Content content, String layer, String hardlinkOf) {
      this.mode = mode;
      this.size = size;
      this.content = content;
      this.layer = layer;
      this.hardlinkOf = hardlinkOf;
    }
  }

  private static final class Link extends Node {
    final String target;
    final String layer;

    Link(String target, String layer) {
      this.target = target;
      this.layer = layer;
    }
  }

  private static final class Special extends Node {}
}
