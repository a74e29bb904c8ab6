package io.foresight.cli;

import java.time.Duration;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;

/** Durations as people write them: {@code 180s}, {@code 5m}, {@code 2h}, {@code 7d}, {@code 500ms}, or ISO {@code PT3M}. */
final class DurationConverter implements ITypeConverter<Duration> {

  @Override
  public Duration convert(String text) {
    String value = text.trim().toLowerCase(Locale.ROOT);
    if (value.startsWith("pt") || value.startsWith("p")) {
      return Duration.parse(text.trim().toUpperCase(Locale.ROOT));
    }
    var match = java.util.regex.Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h|d)?").matcher(value);
    if (!match.matches()) {
      throw new IllegalArgumentException("'" + text + "' is not a duration such as 180s, 5m, 2h or 7d");
    }
    double amount = Double.parseDouble(match.group(1));
    String unit = match.group(2) == null ? "s" : match.group(2);
    long millis =
        switch (unit) {
          case "ms" -> (long) amount;
          case "m" -> (long) (amount * 60_000);
          case "h" -> (long) (amount * 3_600_000);
          case "d" -> (long) (amount * 86_400_000);
          default -> (long) (amount * 1000);
        };
    return Duration.ofMillis(millis);
  }
}
