package io.foresight.data;

import java.util.List;

/**
 * Where a {@link StreamProducer} gets its devices' steps and labels: a {@link SimulatedFleet} (endless
 * sequences) or a {@link DatasetReplay} (one finite sequence per series).
 *
 * <p>The producer works in rounds. Each round it asks for {@link #activeDevices()}, sends whatever
 * {@link #takeLabels()} returns, then visits every active device once: it {@link #read}s up to a
 * chunk of steps and, when {@link #ended} says the device's sequence is complete, sends its end
 * marker. A device whose sequence ended must not be active again. Sources are used from the
 * producer's thread only and need not be thread-safe.
 */
public interface TimestepSource {

  /** The devices to advance in the next round, in round-robin order; empty once exhausted. */
  List<String> activeDevices();

  /**
   * Labels due now, to be sent before the steps of the round (e.g. at the start, or when a replay
   * pass begins); each label is returned once.
   */
  List<DeviceLabel> takeLabels();

  /**
   * Writes up to {@code max} next steps of {@code device} into {@code out[0..)} and returns how many;
   * fewer than {@code max} only when the device's sequence has ended.
   */
  int read(String device, double[] out, int max);

  /** Whether {@code device}'s sequence is complete: all its steps have been read. */
  boolean ended(String device);
}
