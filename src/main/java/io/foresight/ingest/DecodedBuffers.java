package io.foresight.ingest;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The decoded {@link EntityBuffer}s of one task's most recently seen entities, least recently used
 * evicted first once their steps exceed a byte budget.
 *
 * <p>A read-through cache, never a second copy of the state: the processor still writes every change
 * to the store (which Kafka Streams commits with the offsets), and only skips the store read and the
 * decode for an entity it has in here. That keeps exactly-once intact without hooks into the commit:
 * whatever is in here equals what the store holds. The processor clears it when Streams (re)initialises
 * or closes the task, since a task's store may then be rolled back to its changelog, and drops an
 * entity whose record failed half-way.
 *
 * <p>Not thread-safe: one per processor instance, as tasks are single-threaded.
 */
final class DecodedBuffers {

  /** Decoded steps kept per task: 16 MiB, about 7,500 sliding 512-step buffers. */
  static final long DEFAULT_BUDGET_BYTES = 16L << 20;

  private final long budgetBytes;
  private final LinkedHashMap<String, Slot> slots = new LinkedHashMap<>(64, 0.75f, true);
  private long bytes;

  DecodedBuffers(long budgetBytes) {
    this.budgetBytes = budgetBytes;
  }

  /** The entity's decoded state, or null when it is not cached. */
  EntityBuffer get(String entity) {
    Slot slot = slots.get(entity);
    return slot == null ? null : slot.buffer;
  }

  /** Caches (or re-measures, after it changed) the entity's state, evicting the least recently used. */
  void put(String entity, EntityBuffer buffer) {
    long cost = cost(entity, buffer);
    Slot old = slots.get(entity); // also marks it the most recently used
    if (old != null && old.buffer == buffer && old.bytes == cost) {
      return; // a sliding buffer after every record: nothing to re-measure
    }
    Slot slot = new Slot(buffer, cost);
    slots.put(entity, slot);
    bytes += slot.bytes - (old == null ? 0 : old.bytes);
    if (bytes <= budgetBytes) {
      return; // the common case: no iterator on the per-record path
    }
    Iterator<Map.Entry<String, Slot>> eldest = slots.entrySet().iterator();
    while (bytes > budgetBytes && eldest.hasNext()) {
      Map.Entry<String, Slot> entry = eldest.next();
      if (entry.getKey().equals(entity)) {
        break; // the one just used stays, even alone over budget
      }
      bytes -= entry.getValue().bytes;
      eldest.remove();
    }
  }

  void remove(String entity) {
    Slot old = slots.remove(entity);
    if (old != null) {
      bytes -= old.bytes;
    }
  }

  void clear() {
    slots.clear();
    bytes = 0;
  }

  int size() {
    return slots.size();
  }

  long bytes() {
    return bytes;
  }

  /**
   * What an entry holds, roughly: the entity's steps and pending window starts, its key (a String of
   * up to 4 KiB: a budget that left keys out could be exceeded many times over by long keys), and the
   * map entry and object headers.
   */
  static long cost(String entity, EntityBuffer buffer) {
    return 4L * buffer.values.length + 8L * buffer.startsCapacity() + 2L * entity.length() + 128;
  }

  private record Slot(EntityBuffer buffer, long bytes) {}
}
