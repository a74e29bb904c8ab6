package io.foresight.ops;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waiting in integration tests for something a real broker and real services make true. */
public final class Await {

  private Await() {}

  /** Polls {@code condition} every 100 ms; fails with {@code what} when it is not true within {@code timeout}. */
  public static void until(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(100);
    }
  }
}
