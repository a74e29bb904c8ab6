package io.foresight.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * Alternating rounds of the cases a benchmark compares: {@code warmUps} untimed rounds, then
 * {@code rounds} timed ones, each round measuring every case once, in the order the cases were added.
 * Alternating, rather than all rounds of one case and then all of the next, puts the noise of these
 * shared machines (another tenant, the JIT compiler, GC) on every case alike; warm-ups keep start-up
 * (class loading, compilation, first allocations) out of the figures. Each case reports the
 * {@link Medians median} of its timed rounds.
 *
 * <pre>{@code
 * Rounds rounds = new Rounds(1, 3);
 * Rounds.Case real = rounds.add(round -> realLoopRate());
 * Rounds.Case bare = rounds.add(round -> bareLoopRate());
 * rounds.run(round -> out.println(round.number() + ": " + real.latest() + " vs " + bare.latest()));
 * double ratio = real.median() / bare.median();
 * }</pre>
 *
 * <p>One instance runs once.
 */
public final class Rounds {

  /** One case's figure in one round: a rate, seconds, whatever the benchmark compares. */
  @FunctionalInterface
  public interface Measurement {
    double measure(Round round) throws Exception;
  }

  /** Called after every round, warm-ups included, once each case has its figure of that round. */
  @FunctionalInterface
  public interface AfterRound {
    void done(Round round) throws Exception;
  }

  /**
   * The round being run.
   *
   * @param index the round's place in the run, from 1, warm-ups included: distinct per round, for
   *     names of the round's scratch topics and directories
   * @param number 1 to {@code rounds} for a timed round; 0 or less for a warm-up
   */
  public record Round(int index, int number) {

    public boolean warmUp() {
      return number < 1;
    }
  }

  /** A compared case and the figures it has measured so far. */
  public static final class Case {

    private final Measurement measurement;
    private final List<Double> timed = new ArrayList<>();
    private double latest = Double.NaN;

    private Case(Measurement measurement) {
      this.measurement = measurement;
    }

    /** The figure of the round that ran last, a warm-up's included; NaN before the first. */
    public double latest() {
      return latest;
    }

    /** The figures of the timed rounds, in order. */
    public double[] rounds() {
      return timed.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /** The median of the timed rounds. */
    public double median() {
      return Medians.of(timed);
    }
  }

  private final int warmUps;
  private final int rounds;
  private final List<Case> cases = new ArrayList<>();
  private boolean ran;

  /**
   * @param warmUps untimed rounds first (0 for none)
   * @param rounds timed rounds, at least 1
   */
  public Rounds(int warmUps, int rounds) {
    if (warmUps < 0 || rounds < 1) {
      throw new IllegalArgumentException("need warm-ups >= 0 and rounds >= 1, not " + warmUps + " and " + rounds);
    }
    this.warmUps = warmUps;
    this.rounds = rounds;
  }

  /** Adds a case, measured after the ones added before it in every round. */
  public Case add(Measurement measurement) {
    if (ran) {
      throw new IllegalStateException("these rounds have run");
    }
    Case added = new Case(measurement);
    cases.add(added);
    return added;
  }

  /** Runs every round. */
  public void run() throws Exception {
    run(round -> {});
  }

  /** Runs every round, calling {@code afterRound} after each (to print the round's figures). */
  public void run(AfterRound afterRound) throws Exception {
    if (ran) {
      throw new IllegalStateException("these rounds have run");
    }
    ran = true;
    for (int index = 1; index <= warmUps + rounds; index++) {
      Round round = new Round(index, index - warmUps);
      for (Case c : cases) {
        c.latest = c.measurement.measure(round);
        if (!round.warmUp()) {
          c.timed.add(c.latest);
        }
      }
      afterRound.done(round);
    }
  }
}
