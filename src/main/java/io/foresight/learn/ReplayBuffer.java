package io.foresight.learn;

import io.foresight.model.Tokenizer.Tokens;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;

/**
 * The recent windows the continuous trainer samples from, tokenised once on arrival, oldest evicted
 * first once the buffer holds more than {@code capacitySteps} steps.
 *
 * <p>Memory: 8 bytes per step (an int class id and a float input) plus about 100 bytes per window, so
 * the default 2,000,000 steps cost about 16 MiB plus the bookkeeping of the windows that hold them.
 */
public final class ReplayBuffer {

  /** One buffered window. */
  public static final class Entry {
    final String entity;
    final long startTs;
    final long endTs;
    final Tokens tokens;

    Entry(String entity, long startTs, long endTs, Tokens tokens) {
      this.entity = entity;
      this.startTs = startTs;
      this.endTs = endTs;
      this.tokens = tokens;
    }
  }

  private final long capacitySteps;
  // Live entries are entries[head..]; evicted ones are dropped in bulk once they are half the list, so
  // sampling indexes directly and eviction costs O(1) amortised.
  private final ArrayList<Entry> entries = new ArrayList<>();
  private int head;
  private long steps;
  private long evicted;

  public ReplayBuffer(long capacitySteps) {
    if (capacitySteps < 1) {
      throw new IllegalArgumentException("the replay buffer needs room for at least one step");
    }
    this.capacitySteps = capacitySteps;
  }

  /** Adds a window, evicting the oldest until the steps fit again (the newest is always kept). */
  Entry add(String entity, long startTs, long endTs, Tokens tokens) {
    Entry entry = new Entry(entity, startTs, endTs, tokens);
    entries.add(entry);
    steps += tokens.length();
    while (steps > capacitySteps && windows() > 1) {
      Entry oldest = entries.set(head++, null);
      steps -= oldest.tokens.length();
      evicted++;
    }
    if (head > entries.size() / 2) {
      entries.subList(0, head).clear();
      head = 0;
    }
    return entry;
  }

  /** Up to {@code n} distinct windows drawn uniformly at random. */
  List<Entry> sample(int n, Random random) {
    List<Entry> all = entries.subList(head, entries.size());
    if (all.size() <= n) {
      return new ArrayList<>(all);
    }
    List<Entry> chosen = new ArrayList<>(n);
    java.util.Set<Integer> taken = new java.util.HashSet<>();
    while (chosen.size() < n) {
      int index = random.nextInt(all.size());
      if (taken.add(index)) {
        chosen.add(all.get(index));
      }
    }
    return chosen;
  }

  Iterator<Entry> iterator() {
    return entries.subList(head, entries.size()).iterator();
  }

  public int windows() {
    return entries.size() - head;
  }

  public long steps() {
    return steps;
  }

  /** Windows dropped to make room since the buffer was made. */
  public long evicted() {
    return evicted;
  }

  public long capacitySteps() {
    return capacitySteps;
  }
}
