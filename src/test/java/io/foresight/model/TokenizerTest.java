package io.foresight.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.foresight.model.Tokenizer.OutOfRange;
import io.foresight.model.Tokenizer.Tokens;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class TokenizerTest {

  private static final Tokenizer INTEGER = Tokenizer.integer(41);
  private static final Tokenizer REAL = Tokenizer.real(64, 5.0);

  /** Reference asinh, accurate for either sign. */
  private static double asinh(double x) {
    return Math.signum(x) * Math.log(Math.abs(x) + Math.sqrt(x * x + 1));
  }

  // ---- integer mode ----

  @Test
  void aGapBecomesTheMaskIdOnlyWhenGapsAreAskedForAndDoesNotMoveTheScale() {
    Tokenizer integer = Tokenizer.integer(41);
    Tokens tokens = integer.encode(new double[] {3, Double.NaN, 5}, OutOfRange.ERROR, true);
    assertThat(tokens.ids()).containsExactly(3, integer.maskId(), 5);
    assertThat(tokens.inputs()[1]).isZero();
    Tokenizer real = Tokenizer.real(64, 5);
    assertThat(real.encode(new double[] {2, Double.NaN, -2}, OutOfRange.CLAMP, true).scale())
        .isEqualTo(2.0);
    assertThatThrownBy(() -> integer.encode(new double[] {Double.NaN}, OutOfRange.ERROR))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(Tokenizer.detect(List.of(new double[] {1, Double.NaN, 2})).mode())
        .isEqualTo(Tokenizer.Mode.INTEGER);
  }

  @Test
  void integerModeMapsEveryValueInRangeToItself() {
    double[] values = new double[41];
    for (int v = 0; v < 41; v++) {
      values[v] = v;
    }
    Tokens tokens = INTEGER.encode(values, OutOfRange.ERROR);
    for (int v = 0; v < 41; v++) {
      assertThat(tokens.ids()[v]).isEqualTo(v);
      assertThat(INTEGER.decode(tokens.ids()[v], tokens.scale())).isEqualTo(v);
    }
    assertThat(tokens.clamped()).isZero();
    // The continuous input is the value scaled into [0, 1] by V - 1.
    assertThat(tokens.scale()).isEqualTo(40.0);
    assertThat(tokens.inputs()[0]).isEqualTo(0f);
    assertThat(tokens.inputs()[40]).isEqualTo(1f);
    assertThat(tokens.inputs()[20]).isEqualTo(0.5f);
  }

  @ParameterizedTest
  @ValueSource(doubles = {41, -1, 2.5})
  void integerModeRejectsAValueOutsideTheClassesNamingItsStep(double bad) {
    double[] values = {3, 4, bad, 5};
    assertThatThrownBy(() -> INTEGER.encode(values, OutOfRange.ERROR))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("step 2")
        .hasMessageContaining("[0, 41)");
  }

  @Test
  void integerModeClampsOutOfRangeValuesWhenAskedAndCountsThem() {
    Tokens tokens = INTEGER.encode(new double[] {41, -1, 7, 1000, 2.5, 40, 0}, OutOfRange.CLAMP);
    // 41 and 1000 go to the top class, -1 to the bottom; 2.5 is not a class and rounds to 3.
    assertThat(tokens.ids()).containsExactly(40, 0, 7, 40, 3, 40, 0);
    assertThat(tokens.clamped()).isEqualTo(4);
  }

  @ParameterizedTest
  @EnumSource(Tokenizer.Mode.class)
  void nonFiniteStepsAreRejectedInBothModesEvenWhenClamping(Tokenizer.Mode mode) {
    Tokenizer tokenizer = mode == Tokenizer.Mode.INTEGER ? INTEGER : REAL;
    for (double bad : new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}) {
      for (OutOfRange policy : OutOfRange.values()) {
        assertThatThrownBy(() -> tokenizer.encode(new double[] {1, bad, 2}, policy))
            .as("%s under %s", bad, policy)
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("step 1");
      }
    }
  }

  // ---- real mode ----

  @Property(tries = 300)
  void realModeIdsStayInTheVocabularyAndDecodeWithinHalfABinOfTheValue(
      @ForAll("windows") double[] values) {
    Tokens tokens = REAL.encode(values, OutOfRange.ERROR);
    double scale = tokens.scale();
    double halfBin = 5.0 / 64; // (2 * limit / V) / 2
    int certainlyOutside = 0;
    int nearOrOutside = 0;
    for (int t = 0; t < values.length; t++) {
      int id = tokens.ids()[t];
      assertThat(id).isBetween(0, 63);
      double z = values[t] / scale;
      // The encoder reads asinh of the scaled value: spikes are tamed, small values kept.
      assertThat((double) tokens.inputs()[t]).isCloseTo(asinh(z), within(1e-5 * Math.max(1, Math.abs(z))));
      if (Math.abs(z) < 5.0 - 1e-9) {
        // Inside the limit, the bin centre is never more than half a bin (times the scale) away.
        assertThat(Math.abs(REAL.decode(id, scale) - values[t]))
            .isLessThanOrEqualTo(halfBin * scale * (1 + 1e-9));
      } else {
        nearOrOutside++;
      }
      if (Math.abs(z) > 5.0 + 1e-9) {
        certainlyOutside++;
        assertThat(id).isEqualTo(z > 0 ? 63 : 0);
      }
    }
    // Steps beyond the limit are counted; steps well inside never are.
    assertThat(tokens.clamped()).isBetween(certainlyOutside, nearOrOutside);
  }

  @Provide
  Arbitrary<double[]> windows() {
    return Arbitraries.oneOf(
            Arbitraries.doubles().between(-1e4, 1e4).ofScale(4),
            // Mostly small values with rare spikes: the spikes land beyond the limit.
            Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(9, Arbitraries.doubles().between(-1, 1)),
                net.jqwik.api.Tuple.of(1, Arbitraries.doubles().between(-500, 500))))
        .array(double[].class)
        .ofMinSize(1)
        .ofMaxSize(120);
  }

  @Test
  void realModeClampsValuesBeyondTheLimitIntoTheEndBinsAndCountsThem() {
    // 20 zeros and two spikes: mean |x| is 1, so the spikes sit at +-11 after scaling.
    double[] values = new double[22];
    values[5] = 11;
    values[17] = -11;
    Tokens tokens = REAL.encode(values, OutOfRange.ERROR);
    assertThat(tokens.scale()).isEqualTo(1.0);
    assertThat(tokens.ids()[5]).isEqualTo(63);
    assertThat(tokens.ids()[17]).isZero();
    assertThat(tokens.clamped()).isEqualTo(2);
    // Zero lies on the boundary between the two middle bins and goes up.
    assertThat(tokens.ids()[0]).isEqualTo(32);
  }

  @Test
  void realModeDividesByTheMeanAbsoluteValue() {
    Tokens tokens = REAL.encode(new double[] {2, -4, 6, 0}, OutOfRange.ERROR);
    assertThat(tokens.scale()).isEqualTo(3.0);
    assertThat(tokens.inputs())
        .containsExactly(
            new float[] {(float) asinh(2 / 3.0), (float) asinh(-4 / 3.0), (float) asinh(2), 0f},
            within(1e-6f));
    // Bins follow the scaled value: 2/3 -> bin 36, -4/3 -> bin 23, 2 -> bin 44 of 64 over [-5, 5].
    assertThat(tokens.ids()).containsExactly(36, 23, 44, 32);
  }

  @Test
  void realModeInputIsOddAndGrowsOnlyLogarithmicallyForSpikes() {
    // Two spikes among 98 zeros sit at z = +-50 after scaling; their inputs stay near +-log(100).
    double[] values = new double[100];
    values[0] = 50;
    values[1] = -50;
    Tokens tokens = REAL.encode(values, OutOfRange.ERROR);
    assertThat(tokens.scale()).isEqualTo(1.0);
    assertThat(tokens.inputs()[0]).isCloseTo((float) Math.log(50 + Math.sqrt(2501)), within(1e-4f));
    assertThat(tokens.inputs()[1]).isCloseTo(-tokens.inputs()[0], within(1e-4f));
    assertThat(tokens.clamped()).isEqualTo(2);
  }

  @Test
  void meanAbsScaleOfAnAllZeroWindowIsOne() {
    // Dividing by 0 would turn every step into NaN.
    assertThat(Tokenizer.meanAbsScale(new double[] {0, 0, 0})).isEqualTo(1.0);
    assertThat(Tokenizer.meanAbsScale(new double[0])).isEqualTo(1.0);
    Tokens tokens = REAL.encode(new double[] {0, 0, 0, 0}, OutOfRange.ERROR);
    assertThat(tokens.scale()).isEqualTo(1.0);
    assertThat(tokens.inputs()).containsOnly(0f);
    assertThat(tokens.clamped()).isZero();
  }

  // ---- detection and reserved ids ----

  @Test
  void detectPicksIntegerModeForWholeNumbersFrom0To40() {
    Tokenizer detected = Tokenizer.detect(List.of(new double[] {0, 1, 2, 40}, new double[] {7, 7}));
    assertThat(detected.mode()).isEqualTo(Tokenizer.Mode.INTEGER);
    assertThat(detected.vocabulary()).isEqualTo(41);
  }

  @Test
  void detectPicksRealModeForAnythingElse() {
    for (double[] other :
        List.of(new double[] {0, 1, 41}, new double[] {0, -1}, new double[] {0, 0.5}, new double[] {-0.64})) {
      Tokenizer detected = Tokenizer.detect(List.of(new double[] {1, 2}, other));
      assertThat(detected.mode()).as("%s", java.util.Arrays.toString(other)).isEqualTo(Tokenizer.Mode.REAL);
      assertThat(detected.vocabulary()).isEqualTo(Tokenizer.DEFAULT_REAL_BINS);
      assertThat(detected.limit()).isEqualTo(Tokenizer.DEFAULT_REAL_LIMIT);
    }
  }

  @Test
  void maskAndPadIdsFollowTheDataClasses() {
    for (Tokenizer tokenizer : List.of(INTEGER, REAL, Tokenizer.integer(5))) {
      int v = tokenizer.vocabulary();
      assertThat(tokenizer.maskId()).isEqualTo(v);
      assertThat(tokenizer.padId()).isEqualTo(v + 1);
      assertThat(tokenizer.inputVocabulary()).isEqualTo(v + 2);
    }
  }

  @Test
  void constructorRejectsDegenerateSettings() {
    assertThatThrownBy(() -> Tokenizer.integer(1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Tokenizer.real(64, 0)).isInstanceOf(IllegalArgumentException.class);
  }
}
