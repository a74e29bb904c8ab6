package io.foresight.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.Test;

class SimulatedFleetTest {

  private static final int STEPS = 512;

  @Test
  void sameSeedGivesSameClassesAndSequencesWhateverTheCallOrder() {
    SimulatedFleet a = new SimulatedFleet(30, 3, 42);
    SimulatedFleet b = new SimulatedFleet(30, 3, 42);
    for (String d : a.devices()) {
      assertThat(b.classOf(d)).isEqualTo(a.classOf(d));
    }
    // a advances device by device, b interleaves one step of every device at a time.
    Map<String, int[]> fromA = new HashMap<>();
    for (String d : a.devices()) {
      fromA.put(d, a.next(d, 100));
    }
    Map<String, int[]> fromB = new HashMap<>();
    b.devices().forEach(d -> fromB.put(d, new int[100]));
    for (int t = 0; t < 100; t++) {
      for (String d : b.devices()) {
        fromB.get(d)[t] = b.next(d);
      }
    }
    for (String d : a.devices()) {
      assertThat(fromB.get(d)).as(d).containsExactly(fromA.get(d));
    }
    assertThat(a.position("device-0003")).isEqualTo(100);
  }

  @Test
  void anotherSeedGivesOtherSequences() {
    SimulatedFleet a = new SimulatedFleet(10, 3, 1);
    SimulatedFleet b = new SimulatedFleet(10, 3, 2);
    int same = 0;
    for (String d : a.devices()) {
      same += Arrays.equals(a.next(d, 50), b.next(d, 50)) ? 1 : 0;
    }
    assertThat(same).isZero();
  }

  @Test
  void devicesAreNamedAndClassesBalanced() {
    SimulatedFleet fleet = new SimulatedFleet(100, 4, 7);
    assertThat(fleet.devices()).hasSize(100).startsWith("device-0000", "device-0001").endsWith("device-0099");
    assertThat(fleet.classNames()).containsExactly("steady", "bursty", "periodic", "sawtooth");
    Map<String, Integer> sizes = new HashMap<>();
    fleet.devices().forEach(d -> sizes.merge(fleet.classOf(d), 1, Integer::sum));
    assertThat(sizes).containsOnlyKeys(fleet.classNames()).allSatisfy((c, n) -> assertThat(n).isEqualTo(25));
    assertThat(new SimulatedFleet(5, 7).classNames()).containsExactly("steady", "bursty", "periodic");
    assertThatThrownBy(() -> new SimulatedFleet(5, 5, 7)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> fleet.classOf("device-0100")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void valuesStayWithinTheVocabulary() {
    SimulatedFleet fleet = new SimulatedFleet(40, 4, 3);
    double[] chunk = new double[2000];
    for (String d : fleet.devices()) {
      fleet.fill(d, chunk, 0, chunk.length);
      for (double v : chunk) {
        assertThat(v).isBetween(0.0, 40.0).isEqualTo(Math.rint(v));
      }
    }
  }

  @Test
  void aDevicesMeanDoesNotTellItsClass() {
    Map<String, List<Double>> means = statistic(new SimulatedFleet(80, 4, 11), SimulatedFleetTest::mean);
    List<String> classes = new ArrayList<>(means.keySet());
    for (int i = 0; i < classes.size(); i++) {
      for (int j = i + 1; j < classes.size(); j++) {
        List<Double> a = means.get(classes.get(i));
        List<Double> b = means.get(classes.get(j));
        assertThat(bestThresholdAccuracy(a, b))
            .as("telling %s from %s by the mean of %d steps", classes.get(i), classes.get(j), STEPS)
            .isLessThan(0.8);
      }
    }
  }

  @Test
  void classesDifferInTheirTemporalPattern() {
    SimulatedFleet fleet = new SimulatedFleet(80, 4, 11);
    Map<String, List<double[]>> stats = new HashMap<>();
    for (String d : fleet.devices()) {
      int[] x = fleet.next(d, STEPS);
      stats.computeIfAbsent(fleet.classOf(d), c -> new ArrayList<>())
          .add(new double[] {acf(x, 1), rebound(x), asymmetry(x)});
    }
    // Consecutive steady counts are nearly independent; every other pattern carries over.
    assertThat(stats.get("steady")).allSatisfy(s -> assertThat(s[0]).isLessThan(0.3));
    for (String c : List.of("bursty", "periodic", "sawtooth")) {
      assertThat(stats.get(c)).as(c).allSatisfy(s -> assertThat(s[0]).isGreaterThan(0.35));
    }
    // Bursts decay without coming back; cycles bring the autocorrelation back up after a dip.
    assertThat(stats.get("bursty")).allSatisfy(s -> assertThat(s[1]).isLessThan(0.7));
    for (String c : List.of("periodic", "sawtooth")) {
      assertThat(stats.get(c)).as(c).allSatisfy(s -> assertThat(s[1]).isGreaterThan(0.7));
    }
    // A sawtooth rises slowly and falls at once; a sine is symmetric in time.
    assertThat(stats.get("sawtooth")).allSatisfy(s -> assertThat(s[2]).isLessThan(-0.5));
    assertThat(stats.get("periodic")).allSatisfy(s -> assertThat(s[2]).isGreaterThan(-0.5));
  }

  @Test
  void labelledDevicesAreAStratifiedFraction() {
    SimulatedFleet fleet = new SimulatedFleet(300, 3, 5);
    List<String> tenth = fleet.labelledDevices(0.1);
    assertThat(tenth).hasSize(30);
    Map<String, Integer> perClass = new HashMap<>();
    tenth.forEach(d -> perClass.merge(fleet.classOf(d), 1, Integer::sum));
    assertThat(perClass).containsOnlyKeys(fleet.classNames()).allSatisfy((c, n) -> assertThat(n).isEqualTo(10));
    assertThat(fleet.labelledDevices(0.3)).hasSize(90).containsAll(tenth);
    assertThat(fleet.labelledDevices(0)).isEmpty();
    assertThat(fleet.labelledDevices(1)).isEqualTo(fleet.devices());
    // A tiny fraction still labels one device of every class.
    assertThat(fleet.labelledDevices(0.001)).hasSize(3);
    // Deterministic, and not simply the first devices.
    assertThat(new SimulatedFleet(300, 3, 5).labelledDevices(0.1)).isEqualTo(tenth);
    assertThat(tenth).isNotEqualTo(fleet.devices().subList(0, 30));
    assertThatThrownBy(() -> fleet.labelled("device-0000", 1.5)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void asASourceItRevealsTheLabelledDevicesOnceAndNeverEnds() {
    SimulatedFleet fleet = new SimulatedFleet(30, 3, 9);
    TimestepSource source = fleet.asSource(0.2);
    assertThat(source.activeDevices()).isEqualTo(fleet.devices());
    List<DeviceLabel> labels = source.takeLabels();
    assertThat(labels).hasSize(6).allSatisfy(l -> assertThat(l.label()).isEqualTo(fleet.classOf(l.device())));
    assertThat(source.takeLabels()).isEmpty();
    double[] out = new double[16];
    assertThat(source.read("device-0001", out, 16)).isEqualTo(16);
    assertThat(source.ended("device-0001")).isFalse();
  }

  @Test
  void devicesComeOnlineSpreadOverTheJoinRoundsSoTheirWindowsDoNotCompleteTogether() {
    SimulatedFleet fleet = new SimulatedFleet(100, 3, 9);
    TimestepSource source = fleet.asSource(0, 16);
    List<Integer> online = new ArrayList<>();
    for (int round = 0; round < 20; round++) {
      online.add(source.activeDevices().size());
    }
    // One more device group each round, all of them from round 16 on, never fewer than before.
    assertThat(online.get(0)).isBetween(1, 100 / 16 + 1);
    assertThat(online).isSorted();
    assertThat(online.subList(16, 20)).containsOnly(100);
    assertThat(online.stream().distinct().count()).isEqualTo(17);
    // Each device's steps are its own whenever it joins.
    assertThat(fleet.asSource(0).activeDevices()).isEqualTo(fleet.devices());
    assertThatThrownBy(() -> fleet.asSource(0, -1)).isInstanceOf(IllegalArgumentException.class);
  }

  private static Map<String, List<Double>> statistic(SimulatedFleet fleet, ToDoubleFunction<int[]> f) {
    Map<String, List<Double>> out = new HashMap<>();
    for (String d : fleet.devices()) {
      out.computeIfAbsent(fleet.classOf(d), c -> new ArrayList<>()).add(f.applyAsDouble(fleet.next(d, STEPS)));
    }
    return out;
  }

  /** The accuracy of the best rule "class a iff x &lt; t" or "class a iff x &gt; t" on balanced-ish sets. */
  private static double bestThresholdAccuracy(List<Double> a, List<Double> b) {
    List<Double> cuts = new ArrayList<>(a);
    cuts.addAll(b);
    double best = 0;
    for (double t : cuts) {
      long aBelow = a.stream().filter(x -> x <= t).count();
      long bAbove = b.stream().filter(x -> x > t).count();
      double acc = (double) (aBelow + bAbove) / (a.size() + b.size());
      best = Math.max(best, Math.max(acc, 1 - acc));
    }
    return best;
  }

  // ---- pattern statistics ----

  static double mean(int[] x) {
    return Arrays.stream(x).average().orElse(0);
  }

  static double var(int[] x) {
    double m = mean(x);
    return Arrays.stream(x).mapToDouble(v -> (v - m) * (v - m)).sum() / x.length;
  }

  static double acf(int[] x, int lag) {
    double m = mean(x);
    double v = var(x) * x.length;
    double c = 0;
    for (int t = lag; t < x.length; t++) {
      c += (x[t] - m) * (x[t - lag] - m);
    }
    return v == 0 ? 0 : c / v;
  }

  /** How far the autocorrelation comes back up after a dip, over lags up to 100: large for cycles. */
  static double rebound(int[] x) {
    double lowest = Double.MAX_VALUE;
    double best = 0;
    for (int lag = 1; lag <= 100; lag++) {
      double r = acf(x, lag);
      lowest = Math.min(lowest, r);
      best = Math.max(best, r - lowest);
    }
    return best;
  }

  /** Skewness of the change between consecutive 6-step sums: strongly negative for slow rises and sudden falls. */
  static double asymmetry(int[] x) {
    int w = 6;
    double[] d = new double[x.length - 2 * w + 1];
    for (int t = 0; t < d.length; t++) {
      double before = 0;
      double after = 0;
      for (int i = 0; i < w; i++) {
        before += x[t + i];
        after += x[t + w + i];
      }
      d[t] = after - before;
    }
    return skew(d);
  }

  private static double skew(double[] d) {
    double m = Arrays.stream(d).average().orElse(0);
    double m2 = Arrays.stream(d).map(v -> (v - m) * (v - m)).average().orElse(0);
    double m3 = Arrays.stream(d).map(v -> (v - m) * (v - m) * (v - m)).average().orElse(0);
    return m2 == 0 ? 0 : m3 / Math.pow(m2, 1.5);
  }
}
