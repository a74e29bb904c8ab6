package io.foresight.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Replays a labelled dataset split (say a UCR archive's TRAIN and TEST files) as a fleet of devices
 * with finite sequences.
 *
 * <p>Each series is one device: {@code train-0001}, {@code train-0002}, ... for TRAIN series and
 * {@code test-0001}, ... for TEST series (1-based, in file order). A device's steps are its series'
 * values in order, after which the producer sends its end marker. TRAIN devices' labels are revealed
 * (sent to {@code foresight.labels} as the pass begins); TEST devices stay unlabelled on the wire,
 * their true labels kept in {@link #heldOutLabels()} so live classifications of them can be scored.
 *
 * <p>With {@code repeat} &gt; 1 the dataset is played that many times, one pass after the other, each
 * pass with fresh device ids ({@code train-0001-r2}, {@code test-0042-r3}, ...), so the stream lasts
 * longer and entities never reopen a sequence they ended. Within a pass every TRAIN and TEST device
 * advances together; the next pass starts once every device of the current one has ended.
 */
public final class DatasetReplay implements TimestepSource {

  private final Dataset train;
  private final Dataset test;
  private final int repeat;
  private final List<List<String>> passes = new ArrayList<>();
  private final Map<String, double[]> values = new HashMap<>();
  private final Map<String, String> trainLabels = new LinkedHashMap<>();
  private final Map<String, String> heldOut = new LinkedHashMap<>();
  private final Map<String, Integer> position = new HashMap<>();

  private int pass = -1;
  private List<String> active = List.of();
  private List<DeviceLabel> pendingLabels = List.of();

  /**
   * A replay of {@code train} (labels revealed) and {@code test} (labels held out), {@code repeat}
   * times. Every series must have a label.
   */
  public DatasetReplay(Dataset train, Dataset test, int repeat) {
    if (repeat < 1) {
      throw new IllegalArgumentException("repeat must be at least 1, not " + repeat);
    }
    this.train = train;
    this.test = test;
    this.repeat = repeat;
    for (int p = 1; p <= repeat; p++) {
      String suffix = p == 1 ? "" : "-r" + p;
      List<String> ids = new ArrayList<>(train.size() + test.size());
      add(train, "train", suffix, trainLabels, ids);
      add(test, "test", suffix, heldOut, ids);
      passes.add(List.copyOf(ids));
    }
  }

  /** Reads both files with {@link DatasetReaders} and replays them {@code repeat} times. */
  public static DatasetReplay read(Path trainFile, Path testFile, int repeat) throws IOException {
    return new DatasetReplay(DatasetReaders.read(trainFile), DatasetReaders.read(testFile), repeat);
  }

  private void add(Dataset data, String prefix, String suffix, Map<String, String> labels, List<String> ids) {
    int width = Math.max(4, String.valueOf(data.size()).length());
    for (int i = 0; i < data.size(); i++) {
      Series s = data.series().get(i);
      if (s.label() == null) {
        throw new IllegalArgumentException(
            data.name() + " " + prefix + " series " + (i + 1) + " has no label; a replay needs labels");
      }
      String id = prefix + "-" + String.format("%0" + width + "d", i + 1) + suffix;
      ids.add(id);
      values.put(id, s.values());
      labels.put(id, s.label());
    }
  }

  public Dataset train() {
    return train;
  }

  public Dataset test() {
    return test;
  }

  public int repeat() {
    return repeat;
  }

  /** Every device of every pass, in the order they are played. */
  public List<String> devices() {
    List<String> all = new ArrayList<>();
    passes.forEach(all::addAll);
    return all;
  }

  /** Labels of the TRAIN devices of every pass: what the replay sends to {@code foresight.labels}. */
  public Map<String, String> trainLabels() {
    return Collections.unmodifiableMap(trainLabels);
  }

  /** True labels of the TEST devices of every pass, which the replay does not send. */
  public Map<String, String> heldOutLabels() {
    return Collections.unmodifiableMap(heldOut);
  }

  /** A device's steps, in order; shared, not copied. */
  public double[] valuesOf(String device) {
    double[] v = values.get(device);
    if (v == null) {
      throw new IllegalArgumentException("no device '" + device + "' in this replay");
    }
    return v;
  }

  /** Total steps over all passes. */
  public long totalSteps() {
    long perPass = 0;
    for (Series s : train.series()) {
      perPass += s.length();
    }
    for (Series s : test.series()) {
      perPass += s.length();
    }
    return perPass * repeat;
  }

  @Override
  public List<String> activeDevices() {
    List<String> still = new ArrayList<>(active.size());
    for (String d : active) {
      if (!ended(d)) {
        still.add(d);
      }
    }
    while (still.isEmpty() && pass + 1 < passes.size()) {
      pass++;
      List<DeviceLabel> labels = new ArrayList<>(pendingLabels);
      for (String d : passes.get(pass)) {
        position.put(d, 0);
        String label = trainLabels.get(d);
        if (label != null) {
          labels.add(new DeviceLabel(d, label));
        }
        still.add(d);
      }
      pendingLabels = labels;
    }
    active = still;
    return Collections.unmodifiableList(still);
  }

  @Override
  public List<DeviceLabel> takeLabels() {
    List<DeviceLabel> out = pendingLabels;
    pendingLabels = List.of();
    return out;
  }

  @Override
  public int read(String device, double[] out, int max) {
    double[] v = valuesOf(device);
    int from = position.getOrDefault(device, 0);
    int n = Math.min(max, v.length - from);
    System.arraycopy(v, from, out, 0, n);
    position.put(device, from + n);
    return n;
  }

  @Override
  public boolean ended(String device) {
    Integer at = position.get(device);
    return at != null && at >= valuesOf(device).length;
  }
}
