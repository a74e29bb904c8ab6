package io.foresight.model;

import java.util.Locale;
import java.util.Objects;

/**
 * Turns a window of raw steps into classes for the V-way next-step objective, and into the continuous
 * input the encoder reads beside them.
 *
 * <ul>
 *   <li>{@link Mode#INTEGER}: each value in {@code [0, V)} is its own class (counts in 0..40 give V =
 *       41). A value outside is an error, or is clamped to the nearest class when the caller asks.
 *   <li>{@link Mode#REAL}: after Chronos, the window is divided by the mean of its absolute values (1 when
 *       that is 0), then cut into {@code V} uniform bins over {@code [-limit, limit]}; values beyond the
 *       range fall into the end bins and are counted as clamped.
 * </ul>
 *
 * Two ids past the data classes are reserved: {@link #maskId()} hides a step for the masked objective and
 * {@link #padId()} fills the tail of shorter series in a batch.
 */
public record Tokenizer(Mode mode, int vocabulary, double limit) {

  /** How steps become classes. */
  public enum Mode {
    INTEGER,
    REAL
  }

  /** What to do with an integer value outside {@code [0, V)}. */
  public enum OutOfRange {
    ERROR,
    CLAMP
  }

  /** Default for integer data: counts 0..40. */
  public static final int DEFAULT_INTEGER_VOCABULARY = 41;

  /**
   * Default bins for real data, chosen by measurement ({@code bench tokenizer}, README "Tokeniser"): 64
   * bins over [-5, 5] keep the quantisation error of seven of the ten UCR training sets near 4 % of each
   * series' spread (the spiky three: 9 to 90 %) with under 1.5 % of steps clamped, the best mean of the
   * limits tried at this size, while the next-step head stays as small as the integer one.
   */
  public static final int DEFAULT_REAL_BINS = 64;

  public static final double DEFAULT_REAL_LIMIT = 5.0;

  /**
   * Most classes (integer values or real bins): far above what the data here needs (41, 64), and it
   * keeps a checkpoint's tokeniser from sizing the next-step heads and the encoder's input at will.
   */
  public static final int MAX_VOCABULARY = 65_536;

  public Tokenizer {
    Objects.requireNonNull(mode, "the tokenizer mode is missing");
    if (vocabulary < 2 || vocabulary > MAX_VOCABULARY) {
      throw new IllegalArgumentException(
          "vocabulary must be between 2 and " + MAX_VOCABULARY + ", got " + vocabulary);
    }
    if (mode == Mode.REAL && !(limit > 0 && Double.isFinite(limit))) {
      throw new IllegalArgumentException("real-mode limit must be positive and finite, got " + limit);
    }
  }

  public static Tokenizer integer(int vocabulary) {
    return new Tokenizer(Mode.INTEGER, vocabulary, 0);
  }

  public static Tokenizer real(int bins, double limit) {
    return new Tokenizer(Mode.REAL, bins, limit);
  }

  /**
   * Integer mode when every value is a whole number in {@code [0, 41)}; real mode otherwise. Gaps (NaN)
   * are ignored.
   */
  public static Tokenizer detect(Iterable<double[]> series) {
    for (double[] values : series) {
      for (double v : values) {
        if (Double.isNaN(v)) {
          continue;
        }
        if (v != Math.rint(v) || v < 0 || v >= DEFAULT_INTEGER_VOCABULARY) {
          return real(DEFAULT_REAL_BINS, DEFAULT_REAL_LIMIT);
        }
      }
    }
    return integer(DEFAULT_INTEGER_VOCABULARY);
  }

  public int maskId() {
    return vocabulary;
  }

  public int padId() {
    return vocabulary + 1;
  }

  /** Size of the encoder's input alphabet: data classes plus mask and pad. */
  public int inputVocabulary() {
    return vocabulary + 2;
  }

  /**
   * Tokenises one window.
   *
   * @throws IllegalArgumentException for a NaN or infinite step, or an integer value out of range under
   *     {@link OutOfRange#ERROR}
   */
  public Tokens encode(double[] values, OutOfRange outOfRange) {
    return encode(values, outOfRange, false);
  }

  /**
   * Tokenises one window; with {@code gapsAsMask} a NaN step is a gap and becomes {@link #maskId()}
   * with input 0, a step the encoder cannot see, never mistaken for a value.
   */
  public Tokens encode(double[] values, OutOfRange outOfRange, boolean gapsAsMask) {
    int n = values.length;
    int[] ids = new int[n];
    float[] inputs = new float[n];
    int clamped = 0;
    double scale = mode == Mode.REAL ? meanAbsScale(values) : vocabulary - 1;
    for (int t = 0; t < n; t++) {
      double v = values[t];
      if (gapsAsMask && Double.isNaN(v)) {
        ids[t] = maskId();
        continue;
      }
      if (!Double.isFinite(v)) {
        throw new IllegalArgumentException("step " + t + " is " + v + "; steps must be finite numbers");
      }
      if (mode == Mode.INTEGER) {
        long id = Math.round(v);
        if (id != v || id < 0 || id >= vocabulary) {
          if (outOfRange == OutOfRange.ERROR) {
            throw new IllegalArgumentException(
                String.format(
                    Locale.ROOT,
                    "step %d is %s, outside the integer classes [0, %d); pass --clamp to clamp it",
                    t,
                    v,
                    vocabulary));
          }
          id = Math.max(0, Math.min(vocabulary - 1, id));
          clamped++;
        }
        ids[t] = (int) id;
        inputs[t] = (float) (id / scale);
      } else {
        double z = v / scale;
        int bin = (int) Math.floor((z + limit) / (2 * limit) * vocabulary);
        if (bin < 0 || bin >= vocabulary) {
          bin = Math.max(0, Math.min(vocabulary - 1, bin));
          clamped++;
        }
        ids[t] = bin;
        // asinh keeps small values as they are and tames spikes hundreds of scales high (appliance
        // power, say) that would otherwise dominate the encoder's input.
        inputs[t] = (float) asinh(z);
      }
    }
    return new Tokens(ids, inputs, scale, clamped);
  }

  /** The value a class stands for: itself in integer mode, its bin centre times the scale in real mode. */
  public double decode(int id, double scale) {
    if (mode == Mode.INTEGER) {
      return id;
    }
    double width = 2 * limit / vocabulary;
    return (-limit + (id + 0.5) * width) * scale;
  }

  private static double asinh(double x) {
    // Written for |x| and given x's sign: log(x + sqrt(x^2 + 1)) cancels badly for large negative x.
    double a = Math.abs(x);
    return Math.signum(x) * Math.log(a + Math.sqrt(a * a + 1));
  }

  static double meanAbsScale(double[] values) {
    double sum = 0;
    int real = 0;
    for (double v : values) {
      if (!Double.isNaN(v)) {
        sum += Math.abs(v);
        real++;
      }
    }
    double mean = real == 0 ? 0 : sum / real;
    return mean > 0 && Double.isFinite(mean) ? mean : 1.0;
  }

  /**
   * One tokenised window.
   *
   * @param ids class per step
   * @param inputs the continuous value per step the encoder reads beside the class
   * @param scale divisor applied in real mode (V - 1 in integer mode)
   * @param clamped steps that fell outside the classes and were clamped
   */
  public record Tokens(int[] ids, float[] inputs, double scale, int clamped) {
    public int length() {
      return ids.length;
    }
  }
}
