package io.foresight.model;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Chooses where models run: the first GPU DJL finds (a {@code -Pcuda} build on a GPU host), else CPU. */
public final class Devices {

  private static final Logger LOG = LoggerFactory.getLogger(Devices.class);
  private static final AtomicBoolean LOGGED = new AtomicBoolean();

  static {
    // Set here as well as by the launcher so no entry point ever lets DJL reach for the network.
    if (System.getProperty("ai.djl.offline") == null) {
      System.setProperty("ai.djl.offline", "true");
    }
  }

  private Devices() {}

  /**
   * Turns PyTorch's per-thread gradient recording off for the calling thread. Inference calls it first:
   * a thread DJL did not start records gradients by default, which costs memory and time for nothing.
   */
  public static void withoutGradients() {
    Engine.getEngine("PyTorch"); // loads the native library JniUtils needs
    JniUtils.setGradMode(false);
  }

  public static Device preferred() {
    Engine engine = Engine.getEngine("PyTorch");
    Device device = engine.getGpuCount() > 0 ? Device.gpu() : Device.cpu();
    if (LOGGED.compareAndSet(false, true)) {
      LOG.info(
          "DJL {} {} on {} ({} GPU(s) visible)",
          engine.getEngineName(),
          engine.getVersion(),
          device,
          engine.getGpuCount());
    }
    return device;
  }
}
