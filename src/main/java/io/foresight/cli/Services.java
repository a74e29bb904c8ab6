package io.foresight.cli;

import ai.djl.pytorch.jni.JniUtils;
import io.foresight.model.Devices;
import io.foresight.ops.TopicAdmin;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.clients.admin.Admin;

/** What the long-running service commands share: topic checks, thread settings, shutdown. */
final class Services {

  private Services() {}

  /** Fails with the names of missing topics and how to create them. */
  static void requireTopics(Map<String, Object> kafka, Collection<String> topics) throws Exception {
    try (Admin admin = Admin.create(kafka)) {
      TopicAdmin.requireTopics(admin, topics);
    }
  }

  /**
   * PyTorch intra-op threads for this process; 0 keeps PyTorch's default. On a small host shared by
   * trainer and scorer, one thread each avoids OpenMP threads waiting on each other.
   */
  static void torchThreads(int threads) {
    Devices.preferred();
    if (threads > 0) {
      JniUtils.setNumThreads(threads);
    }
  }

  /**
   * Blocks until the JVM is asked to stop (Ctrl-C, SIGTERM), then closes the given resources in
   * reverse order.
   */
  static void runUntilShutdown(String name, List<? extends AutoCloseable> resources) throws InterruptedException {
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  for (int i = resources.size() - 1; i >= 0; i--) {
                    try {
                      resources.get(i).close();
                    } catch (Exception e) {
                      System.err.println(name + ": closing " + resources.get(i) + " failed: " + e);
                    }
                  }
                  stopped.countDown();
                },
                name + "-shutdown"));
    stopped.await();
  }
}
