package io.foresight.ops;

import io.foresight.wire.DeadLetters;
import io.foresight.wire.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Kafka Streams processing-exception handler that turns a record whose processing threw an exception
 * the processor did not expect into a dead letter (reason {@code processing-failed}, counted in {@code
 * foresight.dlq.records{service, reason}}) instead of a stopped stream thread that every restart
 * stops again on the same record. Installed where skipping one record is right (ingest); the scorer
 * keeps Streams' default, so that a failing forward pass is retried rather than losing its batch.
 *
 * <p>Why no production handler: under exactly-once, a record the producer refuses (too large) puts the
 * transactional producer in an abortable error state whatever the handler answers; the transaction
 * aborts and the thread dies (tried against a real broker). Output records are therefore bounded
 * before they are sent: {@link io.foresight.ingest.IngestService} refuses to start when its largest
 * window would not fit the producer's {@code max.request.size}, and dead letters are cut to fit.
 */
public final class StreamsErrorHandlers {

  private static final Logger LOG = LoggerFactory.getLogger(StreamsErrorHandlers.class);

  /** Config keys the handlers read back from the Streams configuration. */
  static final String SERVICE_CONFIG = "foresight.dead-letter.service";
  static final String REGISTRY_CONFIG = "foresight.dead-letter.registry";

  /** Why the handler dead-lettered a record. */
  public enum Reason implements DeadLetters.Reason {
    /** Processing the record threw an exception the processor did not handle. */
    PROCESSING_FAILED("processing-failed");

    private final String code;

    Reason(String code) {
      this.code = code;
    }

    @Override
    public String code() {
      return code;
    }
  }

  private StreamsErrorHandlers() {}

  /**
   * Installs the processing handler.
   *
   * @param service the {@code service} tag and {@code foresight.service} header
   */
  public static void install(Properties props, String service, MeterRegistry registry) {
    props.put(SERVICE_CONFIG, service);
    props.put(REGISTRY_CONFIG, registry);
    props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, Processing.class);
  }

  private static DeadLetters deadLetters(Map<String, ?> configs) {
    Object registry = configs.get(REGISTRY_CONFIG);
    Object service = configs.get(SERVICE_CONFIG);
    return DeadLetters.register(
        registry instanceof MeterRegistry r ? r : new SimpleMeterRegistry(),
        service == null ? "streams" : service.toString(),
        Reason.values());
  }

  /** The DLQ record of the input record in {@code context}: its raw key, value and headers, and ours. */
  private static ProducerRecord<byte[], byte[]> deadLetter(
      DeadLetters letters, ErrorHandlerContext context, Record<?, ?> record, Reason reason, Exception error) {
    var headers = letters.headers(reason, error.toString(), context.headers(), context.topic(),
        context.partition(), context.offset());
    // Streams keeps the raw input only when its own DLQ setting is on; the record as processed
    // (ingest reads bytes) is the same bytes.
    byte[] key = context.sourceRawKey() != null ? context.sourceRawKey() : bytes(record.key());
    byte[] value = context.sourceRawValue() != null ? context.sourceRawValue() : bytes(record.value());
    return new ProducerRecord<>(Topics.DLQ, null, context.timestamp(), key, value, headers);
  }

  private static byte[] bytes(Object o) {
    return o instanceof byte[] b ? b : o == null ? null : o.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  /** Dead-letters a record whose processing threw. */
  public static final class Processing implements ProcessingExceptionHandler {
    private DeadLetters letters;

    @Override
    public void configure(Map<String, ?> configs) {
      letters = deadLetters(configs);
    }

    @Override
    public Response handleError(ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
      LOG.error("processing {}-{}@{} failed; the record goes to {}",
          context.topic(), context.partition(), context.offset(), Topics.DLQ, exception);
      return Response.resume(List.of(deadLetter(letters, context, record, Reason.PROCESSING_FAILED, exception)));
    }
  }
}
