package io.foresight.ops;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Background work at a lower scheduling priority. Java cannot set a thread's OS priority without
 * privileges, but Linux schedules threads one by one, so the calling thread can be reniced by its own
 * thread id ({@code /proc/thread-self}) with the {@code renice} command every Debian base system has.
 * Threads the caller starts afterwards inherit its niceness.
 */
public final class ThreadPriority {

  private static final Logger LOG = LoggerFactory.getLogger(ThreadPriority.class);

  private ThreadPriority() {}

  /**
   * Sets the calling thread's niceness to {@code niceness} (higher runs later), best effort.
   *
   * @return whether it took effect; false off Linux or without {@code renice}
   */
  public static boolean lowerCurrentThread(int niceness) {
    try {
      String threadId = Files.readSymbolicLink(Path.of("/proc/thread-self")).getFileName().toString();
      Process renice =
          new ProcessBuilder("renice", "-n", String.valueOf(niceness), "-p", threadId)
              .redirectErrorStream(true)
              .start();
      renice.getInputStream().readAllBytes();
      if (renice.waitFor(5, TimeUnit.SECONDS) && renice.exitValue() == 0) {
        return true;
      }
      LOG.info("renice of thread {} failed (exit {})", threadId, renice.exitValue());
    } catch (IOException | UnsupportedOperationException e) {
      LOG.info("could not lower the priority of thread {}: {}", Thread.currentThread().getName(), e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return false;
  }
}
