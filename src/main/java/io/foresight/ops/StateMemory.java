package io.foresight.ops;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Cache;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.WriteBufferManager;

/**
 * Bounds the off-heap memory of every RocksDB store in the process by one budget: one shared block
 * cache that also holds the stores' index and filter blocks, and the memtables of all stores charged
 * to that same cache through one {@link WriteBufferManager}.
 *
 * <p>Why: by default Kafka Streams gives each store its own 50 MB block cache and up to three 16 MB
 * memtables, and keeps index and filter blocks outside any cache, so memory grows with the number of
 * stores (one per partition) and, through the indexes, with the number of keys. With this setter it is
 * {@link #BUDGET_CONFIG} (plus RocksDB's small per-store overheads) whatever the partitions or the
 * fleet; reads that miss the cache go to the OS page cache and the disk instead.
 *
 * <p>The budget is a Streams property ({@value #BUDGET_CONFIG}, bytes; the {@code --state-memory}
 * option sets it), so it travels with the rest of the app's configuration. Stores of apps in one
 * process with the same budget (the demo's ingest and scorer) share one pool.
 */
public final class StateMemory implements RocksDBConfigSetter {

  /** Streams property naming the budget in bytes. */
  public static final String BUDGET_CONFIG = "foresight.state.memory.bytes";
  /** 256 MiB: the whole decoded fleet of 10^5 integer 512-step windows (about 60 MB) and its indexes. */
  public static final long DEFAULT_BUDGET_BYTES = 256L << 20;
  /** Share of the budget the memtables may take before RocksDB flushes them. */
  static final double MEMTABLE_SHARE = 0.25;
  /** Share of the cache kept for index and filter blocks, so data blocks cannot evict them. */
  static final double INDEX_AND_FILTER_SHARE = 0.1;

  private record Pool(Cache cache, WriteBufferManager writeBuffers) {}

  /** One pool per budget, for the life of the process: stores come and go with rebalances. */
  private static final Map<Long, Pool> POOLS = new HashMap<>();

  static synchronized Pool pool(long budgetBytes) {
    return POOLS.computeIfAbsent(budgetBytes, budget -> {
      Cache cache = new LRUCache(budget, -1, false, INDEX_AND_FILTER_SHARE);
      return new Pool(cache, new WriteBufferManager((long) (budget * MEMTABLE_SHARE), cache));
    });
  }

  /** The budget a Streams configuration names, or the default. */
  public static long budgetBytes(Map<String, Object> configs) {
    Object value = configs.get(BUDGET_CONFIG);
    if (value == null) {
      return DEFAULT_BUDGET_BYTES;
    }
    long budget = Long.parseLong(value.toString().trim());
    if (budget < (8L << 20)) {
      throw new IllegalArgumentException(
          BUDGET_CONFIG + " must be at least 8 MiB, got " + budget + " bytes");
    }
    return budget;
  }

  @Override
  public void setConfig(String storeName, Options options, Map<String, Object> configs) {
    long budget = budgetBytes(configs);
    Pool pool = pool(budget);
    BlockBasedTableConfig table = (BlockBasedTableConfig) options.tableFormatConfig();
    table.setBlockCache(pool.cache());
    table.setCacheIndexAndFilterBlocks(true);
    table.setCacheIndexAndFilterBlocksWithHighPriority(true);
    table.setPinTopLevelIndexAndFilter(true);
    options.setTableFormatConfig(table);
    options.setWriteBufferManager(pool.writeBuffers());
    // two memtables of at most 16 MiB each per store; the manager flushes earlier when all are full
    options.setMaxWriteBufferNumber(2);
    options.setWriteBufferSize(Math.min(16L << 20, (long) (budget * MEMTABLE_SHARE / 2)));
  }

  @Override
  public void close(String storeName, Options options) {
    // the cache and the write buffer manager are shared by every store of the process: never closed here
  }
}
