package io.foresight.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A temporary directory for one benchmark run's state (Streams state stores, a demo's broker), deleted
 * with everything in it on close, so that runs leave nothing behind in {@code java.io.tmpdir}.
 */
final class ScratchDirectory implements AutoCloseable {

  private final Path path;

  private ScratchDirectory(Path path) {
    this.path = path;
  }

  static ScratchDirectory create(String prefix) throws IOException {
    return new ScratchDirectory(Files.createTempDirectory(prefix));
  }

  /** {@code path} (created if missing) as a directory deleted on close. */
  static ScratchDirectory at(Path path) throws IOException {
    return new ScratchDirectory(Files.createDirectories(path));
  }

  Path path() {
    return path;
  }

  Path resolve(String name) {
    return path.resolve(name);
  }

  /** Deletes the directory; a failure is reported on stderr, never thrown over the run's own outcome. */
  @Override
  public void close() {
    try (Stream<Path> paths = Files.walk(path)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      System.err.println("could not delete " + path + ": " + e);
    }
  }
}
