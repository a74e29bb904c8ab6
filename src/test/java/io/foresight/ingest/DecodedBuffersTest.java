package io.foresight.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DecodedBuffersTest {

  private static final WindowSpec SPEC = WindowSpec.sliding(512, 128);

  @Test
  void evictsTheLeastRecentlyUsedEntitiesOnceOverBudget() {
    long one = cost();
    DecodedBuffers cache = new DecodedBuffers(3 * one);
    EntityBuffer a = EntityBuffer.empty(SPEC);
    cache.put("a", a);
    cache.put("b", EntityBuffer.empty(SPEC));
    cache.put("c", EntityBuffer.empty(SPEC));
    assertThat(cache.get("a")).isSameAs(a); // a is now the most recently used

    cache.put("d", EntityBuffer.empty(SPEC));

    assertThat(cache.get("b")).isNull();
    assertThat(cache.get("a")).isSameAs(a);
    assertThat(cache.get("c")).isNotNull();
    assertThat(cache.get("d")).isNotNull();
    assertThat(cache.bytes()).isEqualTo(3 * one);
  }

  @Test
  void reMeasuresAGrownSequenceAndKeepsTheEntityJustUsedEvenAloneOverBudget() {
    WindowSpec sequence = WindowSpec.sequence(30_000, 100_000);
    DecodedBuffers cache = new DecodedBuffers(64 * 1024);
    EntityBuffer small = EntityBuffer.empty(sequence);
    cache.put("small", small);
    EntityBuffer growing = EntityBuffer.empty(sequence);
    cache.put("growing", growing);

    growing.sequenceAppend(new float[50_000], 0, 50_000); // 200 KB of steps: over the budget alone
    cache.put("growing", growing);

    assertThat(cache.get("small")).isNull();
    assertThat(cache.get("growing")).isSameAs(growing);
    assertThat(cache.size()).isEqualTo(1);
    assertThat(cache.bytes()).isGreaterThan(200_000);
  }

  @Test
  void removeAndClearForgetEntitiesAndTheirBytes() {
    DecodedBuffers cache = new DecodedBuffers(DecodedBuffers.DEFAULT_BUDGET_BYTES);
    cache.put("a", EntityBuffer.empty(SPEC));
    cache.put("b", EntityBuffer.empty(SPEC));

    cache.remove("a");
    assertThat(cache.get("a")).isNull();
    assertThat(cache.bytes()).isEqualTo(cost());

    cache.clear();
    assertThat(cache.size()).isZero();
    assertThat(cache.bytes()).isZero();
  }

  @Test
  void longKeysCountAgainstTheBudget() {
    long one = cost();
    DecodedBuffers cache = new DecodedBuffers(10 * one);
    String longKey = "k".repeat(WindowSpec.MAX_KEY_BYTES);
    for (int i = 0; i < 10; i++) {
      cache.put(longKey + i, EntityBuffer.empty(SPEC));
    }
    // Ten 4 KiB keys beside ten 2 KiB buffers do not fit a budget of ten short-keyed entries.
    assertThat(cache.size()).isLessThan(10);
    assertThat(cache.bytes()).isLessThanOrEqualTo(10 * one);
  }

  private static long cost() {
    DecodedBuffers probe = new DecodedBuffers(Long.MAX_VALUE);
    probe.put("x", EntityBuffer.empty(SPEC));
    return probe.bytes();
  }
}
