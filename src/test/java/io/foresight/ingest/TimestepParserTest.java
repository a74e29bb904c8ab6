package io.foresight.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.foresight.model.Tokenizer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The plain-record scanner against Jackson: on every input, {@code parse} (scanner first) must leave
 * exactly what {@code parseJson} (Jackson only) leaves, accepted or rejected, and the common record
 * shapes must take the scanner's path.
 */
class TimestepParserTest {

  private static final int MAX_CHUNK = 16;

  private static final List<String> EXAMPLES = List.of(
      "{\"ts\":1700000000000,\"value\":3}",
      "{\"ts\": 5, \"intervalMs\": 10, \"values\": [3, 4, 5]}",
      " {\n\t\"values\" : [ 0 , 40 ] ,\"intervalMs\":1,\"ts\":0 }\r\n",
      "{\"ts\":7,\"end\":true}",
      "{\"ts\":7,\"values\":[],\"end\":true}",
      "{\"ts\":7,\"values\":[1,2],\"intervalMs\":3,\"end\":true}",
      "{\"ts\":7,\"value\":2,\"end\":false}",
      "{\"ts\":7,\"value\":2,\"intervalMs\":9}",
      "{\"ts\":7,\"value\":2.0}",
      "{\"ts\":7,\"value\":-0}",
      "{\"ts\":7,\"value\":-0.0}",
      "{\"ts\":7,\"value\":2.5}",
      "{\"ts\":7,\"value\":4e1}",
      "{\"ts\":7,\"value\":41}",
      "{\"ts\":7,\"value\":-1}",
      "{\"ts\":7,\"value\":1e400}",
      "{\"ts\":7,\"value\":NaN}",
      "{\"ts\":7,\"value\":\"NaN\"}",
      "{\"ts\":7,\"value\":01}",
      "{\"ts\":7,\"value\":1.}",
      "{\"ts\":7,\"value\":.5}",
      "{\"ts\":7,\"value\":+1}",
      "{\"ts\":7,\"value\":true}",
      "{\"ts\":7,\"value\":null}",
      "{\"ts\":7,\"value\":[1]}",
      "{\"ts\":-7,\"value\":1}",
      "{\"ts\":7.0,\"value\":1}",
      "{\"ts\":12345678901234567890,\"value\":1}",
      "{\"ts\":1234567890123456789,\"value\":1}",
      "{\"ts\":7,\"intervalMs\":0,\"values\":[1,2]}",
      "{\"ts\":7,\"values\":[1,2]}",
      "{\"ts\":9223372036854775000,\"intervalMs\":1000,\"values\":[1,2]}",
      "{\"ts\":7,\"values\":[]}",
      "{\"ts\":7,\"values\":[1,,2],\"intervalMs\":1}",
      "{\"ts\":7,\"values\":[1,2,],\"intervalMs\":1}",
      "{\"ts\":7,\"values\":[1 2],\"intervalMs\":1}",
      "{\"ts\":7,\"values\":[1,2],\"intervalMs\":1,\"values\":[3]}",
      "{\"ts\":7,\"ts\":8,\"value\":1}",
      "{\"ts\":7,\"end\":true,\"end\":false}",
      "{\"ts\":7,\"value\":1,\"values\":[1]}",
      "{\"ts\":7}",
      "{\"value\":1}",
      "{}",
      "{\"ts\":7,\"value\":1,\"note\":\"hi\"}",
      "{\"t\\u0073\":7,\"value\":1}",
      "{\"ts\":7,\"value\":1,}",
      "{\"ts\":7,\"value\":1}x",
      "{\"ts\":7,\"value\":1}{}",
      "{\"ts\":7,\"value\":1",
      "[1,2]",
      "",
      "   ",
      "{\"ts\":7,\"end\":tru}",
      "{\"ts\":7,\"values\":[0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15],\"intervalMs\":1}",
      "{\"ts\":7,\"values\":[0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16],\"intervalMs\":1}");

  @Test
  void theScannerAndJacksonAgreeOnHandPickedRecords() {
    for (Tokenizer tokenizer : List.of(Tokenizer.integer(41), Tokenizer.real(64, 10))) {
      for (String example : EXAMPLES) {
        assertAgree(tokenizer, example.getBytes(StandardCharsets.UTF_8));
      }
    }
  }

  @Test
  void theScannerAndJacksonAgreeOnRandomRecordsAndTheirCorruptions() {
    Random random = new Random(42);
    for (Tokenizer tokenizer : List.of(Tokenizer.integer(41), Tokenizer.real(64, 10))) {
      for (int i = 0; i < 20_000; i++) {
        byte[] record = randomRecord(random).getBytes(StandardCharsets.UTF_8);
        if (random.nextInt(4) == 0) {
          record = corrupt(record, random);
        }
        assertAgree(tokenizer, record);
      }
    }
  }

  @Test
  void plainStepsChunksAndEndMarkersTakeTheScannersPath() {
    TimestepParser parser = new TimestepParser(Tokenizer.integer(41), MAX_CHUNK);
    List<String> plain = List.of(EXAMPLES.get(0), EXAMPLES.get(1), EXAMPLES.get(2), EXAMPLES.get(3),
        EXAMPLES.get(5), "{\"ts\":7,\"value\":3.0}");
    for (String record : plain) {
      assertThat(parser.parse(record.getBytes(StandardCharsets.UTF_8))).as(record).isTrue();
    }
    assertThat(parser.plainRecords).isEqualTo(plain.size());
  }

  private static void assertAgree(Tokenizer tokenizer, byte[] record) {
    TimestepParser fast = new TimestepParser(tokenizer, MAX_CHUNK);
    TimestepParser jackson = new TimestepParser(tokenizer, MAX_CHUNK);
    String what = new String(record, StandardCharsets.UTF_8) + " (" + tokenizer.mode() + ")";
    boolean accepted = fast.parse(record);
    assertThat(accepted).as(what).isEqualTo(jackson.parseJson(record));
    assertThat(fast.reason).as(what).isEqualTo(jackson.reason);
    assertThat(fast.error).as(what).isEqualTo(jackson.error);
    assertThat(fast.count).as(what).isEqualTo(jackson.count);
    if (accepted) {
      assertThat(fast.ts).as(what).isEqualTo(jackson.ts);
      assertThat(fast.intervalMs).as(what).isEqualTo(jackson.intervalMs);
      assertThat(fast.end).as(what).isEqualTo(jackson.end);
      assertThat(Arrays.copyOf(fast.values, fast.count)).as(what)
          .isEqualTo(Arrays.copyOf(jackson.values, jackson.count));
    }
  }

  private static final String[] SPACE = {"", "", "", " ", "\n", "\t ", "\r\n"};

  private static String randomRecord(Random random) {
    StringBuilder out = new StringBuilder(space(random)).append('{');
    int fields = random.nextInt(5);
    for (int f = 0; f <= fields; f++) {
      if (f > 0) {
        out.append(space(random)).append(',');
      }
      String field = switch (random.nextInt(8)) {
        case 0, 1 -> "\"ts\":" + space(random) + randomLong(random);
        case 2 -> "\"intervalMs\":" + space(random) + randomLong(random);
        case 3 -> "\"value\":" + space(random) + randomNumber(random);
        case 4, 5 -> "\"values\":" + space(random) + randomArray(random);
        case 6 -> "\"end\":" + space(random) + (random.nextBoolean() ? "true" : "false");
        default -> "\"other\":" + space(random) + randomNumber(random);
      };
      out.append(space(random)).append(field);
    }
    return out.append(space(random)).append('}').append(space(random)).toString();
  }

  private static String randomArray(Random random) {
    StringBuilder out = new StringBuilder("[");
    int n = random.nextInt(20);
    for (int i = 0; i < n; i++) {
      out.append(i > 0 ? "," + space(random) : "").append(randomNumber(random));
    }
    return out.append(space(random)).append(']').toString();
  }

  private static String randomLong(Random random) {
    return switch (random.nextInt(6)) {
      case 0 -> "0";
      case 1 -> Long.toString(-random.nextInt(100));
      case 2 -> Long.toString(Math.abs(random.nextLong()));
      case 3 -> "1" + "0".repeat(random.nextInt(22));
      default -> Long.toString(random.nextInt(1_000_000));
    };
  }

  private static String randomNumber(Random random) {
    return switch (random.nextInt(10)) {
      case 0 -> random.nextInt(50) + ".0";
      case 1 -> String.format(java.util.Locale.ROOT, "%.3f", random.nextDouble() * 50 - 5);
      case 2 -> random.nextInt(9) + "e" + (random.nextInt(5) - 2);
      case 3 -> "-" + random.nextInt(3);
      case 4 -> "1" + "0".repeat(random.nextInt(25));
      case 5 -> random.nextBoolean() ? "NaN" : "\"Infinity\"";
      case 6 -> "1e" + (300 + random.nextInt(20));
      default -> Integer.toString(random.nextInt(45));
    };
  }

  private static String space(Random random) {
    return SPACE[random.nextInt(SPACE.length)];
  }

  /** Truncates, deletes, duplicates or changes a byte. */
  private static byte[] corrupt(byte[] record, Random random) {
    if (record.length == 0) {
      return record;
    }
    int i = random.nextInt(record.length);
    return switch (random.nextInt(4)) {
      case 0 -> Arrays.copyOf(record, i);
      case 1 -> concat(Arrays.copyOf(record, i), Arrays.copyOfRange(record, i + 1, record.length));
      case 2 -> concat(Arrays.copyOf(record, i + 1), Arrays.copyOfRange(record, i, record.length));
      default -> {
        byte[] changed = record.clone();
        changed[i] = (byte) "{}[],:\"-.0e1 xtn".charAt(random.nextInt(16));
        yield changed;
      }
    };
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
