package io.foresight.model;

import ai.djl.pytorch.jni.JniUtils;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Runs a test class with one PyTorch intra-op thread, then restores the previous count.
 *
 * <p>Why: on the 2-core build machine, shared with other work, PyTorch's two OpenMP threads wait on each
 * other at every parallel region; measured there, a forward pass of 8 GunPoint series took 0.5 s with
 * two threads against 0.01 s with one. Tests measure behaviour, not speed, so one thread is enough.
 * Also loads the engine and turns gradient recording off for the test thread (training turns it back on
 * inside its gradient collector).
 */
public final class SingleCpuThread implements BeforeAllCallback, AfterAllCallback {

  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(SingleCpuThread.class);

  @Override
  public void beforeAll(ExtensionContext context) {
    // preferred() loads the engine; withoutGradients() and JniUtils need its native library.
    Devices.preferred();
    Devices.withoutGradients();
    context.getStore(NAMESPACE).put("threads", JniUtils.getNumThreads());
    JniUtils.setNumThreads(1);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    Integer previous = context.getStore(NAMESPACE).remove("threads", Integer.class);
    if (previous != null) {
      JniUtils.setNumThreads(previous);
    }
  }
}
