package io.foresight.ingest;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The decoded {@link EntityBuffer}s of one task's most recently used entities, least recently used
 * evicted first once their steps exceed a byte budget, each marked dirty while it holds changes the
 * store has not got yet.
 *
 * <p>This is {@link BufferStore}'s write-behind cache: a dirty entry is handed to the {@link WriteBack}
 * when it is evicted or when the store flushes before a commit, never dropped unwritten except by
 * {@link #remove} and {@link #clear}, which the store uses only where Kafka Streams discards the
 * task's uncommitted work anyway.
 *
 * <p>Not thread-safe: one per task, as tasks are single-threaded.
 */
final class DecodedBuffers {

  /** Where dirty entries go: the store's encoded layer. */
  interface WriteBack {
    void write(String entity, EntityBuffer buffer);
  }

  /** Decoded steps kept per task: 16 MiB, about 7,500 sliding 512-step buffers. */
  static final long DEFAULT_BUDGET_BYTES = 16L << 20;

  private final long budgetBytes;
  private final WriteBack writeBack;
  private final LinkedHashMap<String, Slot> slots = new LinkedHashMap<>(64, 0.75f, true);
  /** The slots made dirty since the last flush (some since evicted or removed, and clean again). */
  private final ArrayList<Slot> changed = new ArrayList<>();
  private long bytes;

  DecodedBuffers(long budgetBytes, WriteBack writeBack) {
    this.budgetBytes = budgetBytes;
    this.writeBack = writeBack;
  }

  /** The entity's decoded state, or null when it is not cached. */
  EntityBuffer get(String entity) {
    Slot slot = slots.get(entity);
    return slot == null ? null : slot.buffer;
  }

  /** Whether the entity's cached state holds changes not yet written back. */
  boolean isDirty(String entity) {
    Slot slot = slots.get(entity);
    return slot != null && slot.dirty;
  }

  /**
   * Caches (or re-measures, after it changed) the entity's state, evicting the least recently used and
   * writing back those of them that are dirty.
   *
   * @param changes the state differs from what the store holds (it stays dirty until written back)
   */
  void put(String entity, EntityBuffer buffer, boolean changes) {
    long cost = cost(entity, buffer);
    Slot old = slots.get(entity); // also marks it the most recently used
    if (old != null && old.buffer == buffer && old.bytes == cost) {
      if (changes) {
        markDirty(old); // a sliding buffer after every record: nothing to re-measure
      }
      return;
    }
    Slot slot = new Slot(entity, buffer, cost);
    if (old != null && old.dirty) {
      old.dirty = false; // its changes are in the new slot's state
      markDirty(slot);
    } else if (changes) {
      markDirty(slot);
    }
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
      Slot evicted = entry.getValue();
      if (evicted.dirty) {
        writeBack.write(evicted.entity, evicted.buffer);
        evicted.dirty = false;
      }
      bytes -= evicted.bytes;
      eldest.remove();
    }
  }

  private void markDirty(Slot slot) {
    if (!slot.dirty) {
      slot.dirty = true;
      changed.add(slot);
    }
  }

  /**
   * Writes back every dirty entry, in the order they became dirty, and marks it clean; returns how
   * many there were. Visits only the entries changed since the last flush, not the whole cache.
   */
  int flush() {
    int written = 0;
    for (Slot slot : changed) {
      if (slot.dirty) {
        writeBack.write(slot.entity, slot.buffer);
        slot.dirty = false;
        written++;
      }
    }
    changed.clear();
    return written;
  }

  /** Forgets the entity, changes included. */
  void remove(String entity) {
    Slot old = slots.remove(entity);
    if (old != null) {
      bytes -= old.bytes;
      old.dirty = false;
    }
  }

  /** Forgets every entity, changes included. */
  void clear() {
    slots.clear();
    changed.clear();
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

  private static final class Slot {
    final String entity;
    final EntityBuffer buffer;
    final long bytes;
    boolean dirty;

    Slot(String entity, EntityBuffer buffer, long bytes) {
      this.entity = entity;
      this.buffer = buffer;
      this.bytes = bytes;
    }
  }
}
