package io.foresight.ingest;

import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.internals.CacheFlushListener;
import org.apache.kafka.streams.state.internals.WrappedStateStore;

/**
 * Ingest's state store: each entity's {@link EntityBuffer}, kept decoded in a bounded write-behind cache
 * ({@link DecodedBuffers}) in front of a logged RocksDB store of their encodings, which Kafka Streams'
 * own record cache no longer sits in front of.
 *
 * <p>Why: with a state read, re-encoded and written through Streams' record cache for every record, a
 * 10^6-entity fleet spent about 29 % of the stream thread in that cache (a TreeMap of byte-array keys,
 * an eviction per put) and 6 % re-encoding states; a small fleet re-encoded every state hundreds of
 * times between commits for the one write the cache kept. Here a record changes the decoded state in
 * place and marks it dirty; a dirty state is encoded and written (RocksDB and changelog) once, when it
 * is evicted or when the store is flushed.
 *
 * <p>Exactly-once: Kafka Streams flushes every cached store ({@code flushCache}) before it flushes the
 * producer and commits the transaction, so every dirty state's changelog record is in the same
 * transaction as the input offsets it reflects. Should a commit ever come without that flush, {@link
 * #commit} writes what is left and counts it in {@link #lateWrites()}, which tests hold at 0. A task
 * closed without a commit (a crash, or a dirty close under exactly-once) loses its dirty states with
 * its transaction, and Streams restores its store from the changelog: {@link #init} starts with an
 * empty cache. This hooks into Streams' internal caching interfaces ({@link WrappedStateStore}, as its
 * own store layers do); {@code WindowingTopologyTest} (Streams' own commit path under
 * TopologyTestDriver: {@link #lateWrites()} stays 0), {@code WindowCommitTest} and the fault tests on
 * a broker hold it to Kafka Streams 4.3.
 *
 * <p>Not thread-safe: one per task.
 */
final class BufferStore extends WrappedStateStore<KeyValueStore<String, byte[]>, String, byte[]> {

  private final WindowSpec spec;
  private final DecodedBuffers decoded;
  private long lateWrites;

  BufferStore(KeyValueStore<String, byte[]> encoded, WindowSpec spec, long cacheBytes) {
    super(encoded);
    this.spec = spec;
    this.decoded = new DecodedBuffers(cacheBytes, (entity, buffer) -> encoded.put(entity, buffer.encode()));
  }

  /** The entity's state, or null when the store holds none: decoded from the cache, else from the store. */
  EntityBuffer get(String entity) {
    EntityBuffer buffer = decoded.get(entity);
    if (buffer == null) {
      byte[] stored = wrapped().get(entity);
      if (stored == null) {
        return null;
      }
      buffer = EntityBuffer.decode(stored, spec);
      decoded.put(entity, buffer, false);
    }
    return buffer;
  }

  /** Records that the entity's state is {@code buffer} (changed in place or new); written behind. */
  void put(String entity, EntityBuffer buffer) {
    decoded.put(entity, buffer, true);
  }

  /** Whether the entity's state holds changes not yet written to the encoded store. */
  boolean isDirty(String entity) {
    return decoded.isDirty(entity);
  }

  /**
   * Undoes the changes a failed record made: the entity's state becomes {@code before}, or, when it
   * had no changes pending before that record ({@code before} null), whatever the encoded store holds.
   */
  void revert(String entity, EntityBuffer before) {
    if (before == null) {
      decoded.remove(entity);
    } else {
      decoded.put(entity, before, true);
    }
  }

  /** Deletes the entity's state (a tombstone in the changelog). */
  void delete(String entity) {
    decoded.remove(entity);
    wrapped().delete(entity);
  }

  /** Every encoded state, the changed ones written back first; the caller closes the iterator. */
  KeyValueIterator<String, byte[]> all() {
    decoded.flush();
    return wrapped().all();
  }

  /** Dirty states written only at the commit itself, after the transaction's flush: 0 unless Streams' flush skipped this store. */
  long lateWrites() {
    return lateWrites;
  }

  @Override
  public void init(StateStoreContext context, StateStore root) {
    decoded.clear(); // the store may have been restored from the changelog
    super.init(context, root);
  }

  @Override
  public boolean setFlushListener(CacheFlushListener<String, byte[]> listener, boolean sendOldValues) {
    return false; // nothing downstream is fed from this store's evictions
  }

  @Override
  public void flushCache() {
    decoded.flush();
    super.flushCache();
  }

  @Override
  public void clearCache() {
    decoded.clear();
    super.clearCache();
  }

  @Override
  public void commit(Map<TopicPartition, Long> changelogOffsets) {
    lateWrites += decoded.flush();
    super.commit(changelogOffsets);
  }

  @Override
  public void close() {
    decoded.clear();
    super.close();
  }

  /** Builds a {@link BufferStore} around the encoded store {@code encoded} builds, with Streams' caching off. */
  static final class Builder implements StoreBuilder<BufferStore> {
    private final StoreBuilder<KeyValueStore<String, byte[]>> encoded;
    private final WindowSpec spec;
    private final long cacheBytes;

    Builder(StoreBuilder<KeyValueStore<String, byte[]>> encoded, WindowSpec spec, long cacheBytes) {
      this.encoded = encoded.withCachingDisabled();
      this.spec = spec;
      this.cacheBytes = cacheBytes;
    }

    /** Unsupported: the store is its own cache. */
    @Override
    public StoreBuilder<BufferStore> withCachingEnabled() {
      throw new UnsupportedOperationException("the ingest buffer store is its own write-behind cache");
    }

    @Override
    public StoreBuilder<BufferStore> withCachingDisabled() {
      return this;
    }

    @Override
    public StoreBuilder<BufferStore> withLoggingEnabled(Map<String, String> config) {
      encoded.withLoggingEnabled(config);
      return this;
    }

    @Override
    public StoreBuilder<BufferStore> withLoggingDisabled() {
      encoded.withLoggingDisabled();
      return this;
    }

    @Override
    public BufferStore build() {
      return new BufferStore(encoded.build(), spec, cacheBytes);
    }

    @Override
    public Map<String, String> logConfig() {
      return encoded.logConfig();
    }

    @Override
    public boolean loggingEnabled() {
      return encoded.loggingEnabled();
    }

    @Override
    public String name() {
      return encoded.name();
    }
  }
}
