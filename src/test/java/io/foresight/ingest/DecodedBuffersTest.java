package io.foresight.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DecodedBuffersTest {

  private static final WindowSpec SPEC = WindowSpec.sliding(512, 128);
  private static final DecodedBuffers.WriteBack NO_WRITE_BACK = (entity, buffer) -> {
    throw new AssertionError("nothing here is dirty, yet " + entity + " was written back");
  };

  @Test
  void evictsTheLeastRecentlyUsedEntitiesOnceOverBudget() {
    long one = cost();
    DecodedBuffers cache = new DecodedBuffers(3 * one, NO_WRITE_BACK);
    EntityBuffer a = EntityBuffer.empty(SPEC);
    cache.put("a", a, false);
    cache.put("b", EntityBuffer.empty(SPEC), false);
    cache.put("c", EntityBuffer.empty(SPEC), false);
    assertThat(cache.get("a")).isSameAs(a); // a is now the most recently used

    cache.put("d", EntityBuffer.empty(SPEC), false);

    assertThat(cache.get("b")).isNull();
    assertThat(cache.get("a")).isSameAs(a);
    assertThat(cache.get("c")).isNotNull();
    assertThat(cache.get("d")).isNotNull();
    assertThat(cache.bytes()).isEqualTo(3 * one);
  }

  @Test
  void reMeasuresAGrownSequenceAndKeepsTheEntityJustUsedEvenAloneOverBudget() {
    WindowSpec sequence = WindowSpec.sequence(30_000, 100_000);
    DecodedBuffers cache = new DecodedBuffers(64 * 1024, NO_WRITE_BACK);
    EntityBuffer small = EntityBuffer.empty(sequence);
    cache.put("small", small, false);
    EntityBuffer growing = EntityBuffer.empty(sequence);
    cache.put("growing", growing, false);

    growing.sequenceAppend(new float[50_000], 0, 50_000); // 200 KB of steps: over the budget alone
    cache.put("growing", growing, false);

    assertThat(cache.get("small")).isNull();
    assertThat(cache.get("growing")).isSameAs(growing);
    assertThat(cache.size()).isEqualTo(1);
    assertThat(cache.bytes()).isGreaterThan(200_000);
  }

  @Test
  void removeAndClearForgetEntitiesAndTheirBytes() {
    DecodedBuffers cache = new DecodedBuffers(DecodedBuffers.DEFAULT_BUDGET_BYTES, NO_WRITE_BACK);
    cache.put("a", EntityBuffer.empty(SPEC), false);
    cache.put("b", EntityBuffer.empty(SPEC), false);

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
    DecodedBuffers cache = new DecodedBuffers(10 * one, NO_WRITE_BACK);
    String longKey = "k".repeat(WindowSpec.MAX_KEY_BYTES);
    for (int i = 0; i < 10; i++) {
      cache.put(longKey + i, EntityBuffer.empty(SPEC), false);
    }
    // Ten 4 KiB keys beside ten 2 KiB buffers do not fit a budget of ten short-keyed entries.
    assertThat(cache.size()).isLessThan(10);
    assertThat(cache.bytes()).isLessThanOrEqualTo(10 * one);
  }

  @Test
  void aDirtyEntryIsWrittenBackWhenEvictedAndEveryDirtyOneOnFlushOnce() {
    long one = cost();
    Map<String, EntityBuffer> written = new LinkedHashMap<>();
    DecodedBuffers cache = new DecodedBuffers(2 * one, written::put);
    EntityBuffer a = EntityBuffer.empty(SPEC);
    cache.put("a", a, true);
    cache.put("a", a, true); // changed again before any write-back: still one dirty entry
    cache.put("b", EntityBuffer.empty(SPEC), false);
    assertThat(cache.isDirty("a")).isTrue();
    assertThat(cache.isDirty("b")).isFalse();
    assertThat(written).isEmpty();

    cache.put("c", EntityBuffer.empty(SPEC), true); // evicts a, the least recently used, dirty

    assertThat(written).containsOnlyKeys("a");
    assertThat(written.get("a")).isSameAs(a);
    assertThat(cache.get("a")).isNull();
    written.clear();
    cache.put("b", cache.get("b"), true);
    assertThat(cache.flush()).isEqualTo(2);
    assertThat(written).containsOnlyKeys("b", "c");
    assertThat(cache.isDirty("b")).isFalse();
    written.clear();
    assertThat(cache.flush()).as("nothing changed since").isZero();
    assertThat(written).isEmpty();
  }

  @Test
  void removeAndClearDropChangesUnwritten() {
    Map<String, EntityBuffer> written = new LinkedHashMap<>();
    DecodedBuffers cache = new DecodedBuffers(DecodedBuffers.DEFAULT_BUDGET_BYTES, written::put);
    cache.put("a", EntityBuffer.empty(SPEC), true);
    cache.put("b", EntityBuffer.empty(SPEC), true);
    cache.remove("a");
    assertThat(cache.isDirty("a")).isFalse();
    assertThat(cache.isDirty("b")).isTrue();
    cache.clear();
    assertThat(cache.flush()).isZero();
    assertThat(written).isEmpty();
  }

  private static long cost() {
    DecodedBuffers probe = new DecodedBuffers(Long.MAX_VALUE, NO_WRITE_BACK);
    probe.put("x", EntityBuffer.empty(SPEC), false);
    return probe.bytes();
  }
}
