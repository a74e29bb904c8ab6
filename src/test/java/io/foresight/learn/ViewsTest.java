package io.foresight.learn;

import static org.assertj.core.api.Assertions.assertThat;

import io.foresight.model.Tokenizer.Tokens;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/** Crops, masks and length buckets: the Java-side preparation of batches. */
class ViewsTest {

  private static final int MASK_ID = 41;

  // ---- mask ----

  @Test
  void maskAlwaysHidesAtLeastOneStep() {
    // With a tiny ratio the span process alone would usually hide nothing.
    for (int seed = 0; seed < 200; seed++) {
      Views.Masked masked = Views.mask(series(1 + seed % 9), 1e-6, 3, MASK_ID, new Random(seed));
      assertThat(count(masked.hidden())).as("seed %d", seed).isGreaterThanOrEqualTo(1);
    }
  }

  @Test
  void hiddenStepsBecomeMaskIdWithInputZeroAndTheRestIsUntouched() {
    Tokens original = series(300);
    int[] idsBefore = original.ids().clone();
    float[] inputsBefore = original.inputs().clone();
    Views.Masked masked = Views.mask(original, 0.3, 5, MASK_ID, new Random(1));
    Tokens view = masked.view();
    assertThat(view.length()).isEqualTo(300);
    assertThat(masked.originalIds()).containsExactly(idsBefore);
    for (int t = 0; t < 300; t++) {
      if (masked.hidden()[t]) {
        assertThat(view.ids()[t]).isEqualTo(MASK_ID);
        assertThat(view.inputs()[t]).isZero();
      } else {
        assertThat(view.ids()[t]).isEqualTo(idsBefore[t]);
        assertThat(view.inputs()[t]).isEqualTo(inputsBefore[t]);
      }
    }
    // The series the view came from is not modified.
    assertThat(original.ids()).containsExactly(idsBefore);
    assertThat(original.inputs()).containsExactly(inputsBefore);
  }

  @Test
  void maskHidesRoughlyTheRatioInSpansOfTheMeanLength() {
    int n = 50_000;
    Views.Masked masked = Views.mask(series(n), 0.3, 5, MASK_ID, new Random(2));
    double share = count(masked.hidden()) / (double) n;
    // Loose band: see maskHidesTheRatioOfSteps for the exact share the doc promises.
    assertThat(share).isBetween(0.2, 0.4);
    int spans = 0;
    for (int t = 0; t < n; t++) {
      if (masked.hidden()[t] && (t == 0 || !masked.hidden()[t - 1])) {
        spans++;
      }
    }
    assertThat(count(masked.hidden()) / (double) spans).isBetween(4.5, 5.5);
  }

  @Test
  void maskHidesTheRatioOfSteps() {
    // "Hides about ratio of the steps": over 50,000 steps the share is within a few points of it.
    int n = 50_000;
    for (double ratio : new double[] {0.15, 0.3, 0.5}) {
      Views.Masked masked = Views.mask(series(n), ratio, 5, MASK_ID, new Random(3));
      assertThat(count(masked.hidden()) / (double) n).as("ratio %s", ratio)
          .isBetween(ratio - 0.03, ratio + 0.03);
    }
  }

  @Property(tries = 200)
  void maskedViewsKeepLengthAndHideOnlyWhatTheyMark(
      @ForAll @IntRange(min = 1, max = 400) int length,
      @ForAll @DoubleRange(min = 0.01, max = 0.9) double ratio,
      @ForAll @IntRange(min = 1, max = 10) int span,
      @ForAll long seed) {
    Views.Masked masked = Views.mask(series(length), ratio, span, MASK_ID, new Random(seed));
    assertThat(masked.view().length()).isEqualTo(length);
    assertThat(count(masked.hidden())).isBetween(1, length);
    for (int t = 0; t < length; t++) {
      assertThat(masked.view().ids()[t] == MASK_ID).isEqualTo(masked.hidden()[t]);
    }
  }

  // ---- buckets ----

  @Property(tries = 300)
  void bucketsCoverEveryIndexOnceWithinBatchSizeAndStepCap(
      @ForAll @Size(max = 120) List<@IntRange(min = 1, max = 400) Integer> lengthList,
      @ForAll @IntRange(min = 1, max = 40) int batchSize,
      @ForAll @IntRange(min = 1, max = 5000) int maxSteps,
      @ForAll long seed) {
    int[] lengths = lengthList.stream().mapToInt(Integer::intValue).toArray();
    List<int[]> batches = Views.buckets(lengths, batchSize, maxSteps, new Random(seed));

    int[] seen = new int[lengths.length];
    for (int[] batch : batches) {
      assertThat(batch.length).isBetween(1, batchSize);
      int longest = 0;
      for (int index : batch) {
        seen[index]++;
        longest = Math.max(longest, lengths[index]);
      }
      // A single series longer than the cap still has to go somewhere: alone.
      if (batch.length > 1) {
        assertThat((long) batch.length * longest).isLessThanOrEqualTo(maxSteps);
      }
    }
    for (int i = 0; i < lengths.length; i++) {
      assertThat(seen[i]).as("index %d", i).isEqualTo(1);
    }
  }

  @Test
  void bucketsGroupSimilarLengths() {
    // Two clearly separated length groups never share a batch when batches are no bigger than a group.
    int[] lengths = new int[40];
    for (int i = 0; i < 40; i++) {
      lengths[i] = i % 2 == 0 ? 10 + i % 3 : 500 + i % 5;
    }
    for (int[] batch : Views.buckets(lengths, 10, 1_000_000, new Random(4))) {
      long longOnes = Arrays.stream(batch).filter(i -> lengths[i] >= 500).count();
      assertThat(longOnes).isIn(0L, (long) batch.length);
    }
  }

  // ---- crops ----

  @Property(tries = 300)
  void cropIsAContiguousSliceOfAtMostMaxLength(
      @ForAll @IntRange(min = 1, max = 300) int length,
      @ForAll @IntRange(min = 1, max = 350) int maxLength,
      @ForAll long seed) {
    Tokens original = series(length);
    Tokens crop = Views.crop(original, maxLength, new Random(seed));
    assertThat(crop.length()).isEqualTo(Math.min(length, maxLength));
    assertContiguousSlice(original, crop);
  }

  @Property(tries = 300)
  void subCropCoversAtLeastSixtyPercentAsAContiguousSlice(
      @ForAll @IntRange(min = 1, max = 300) int length, @ForAll long seed) {
    Tokens original = series(length);
    Tokens crop = Views.subCrop(original, new Random(seed));
    assertThat(crop.length()).isBetween(Math.min(length, (int) Math.ceil(0.6 * length)), length);
    assertContiguousSlice(original, crop);
  }

  @Test
  void cropsStartAnywhere() {
    // A crop that always took the first steps would be contiguous but would never train on the end.
    Tokens original = series(100);
    Random random = new Random(5);
    boolean sawStart = false;
    boolean sawEnd = false;
    for (int i = 0; i < 500; i++) {
      Tokens crop = Views.crop(original, 20, random);
      sawStart |= crop.inputs()[0] == 0;
      sawEnd |= crop.inputs()[19] == 99;
    }
    assertThat(sawStart).isTrue();
    assertThat(sawEnd).isTrue();
  }

  // ---- helpers ----

  /** A series whose input at step t is t, so any slice reveals where it came from. */
  private static Tokens series(int length) {
    int[] ids = new int[length];
    float[] inputs = new float[length];
    for (int t = 0; t < length; t++) {
      ids[t] = (t * 7) % 41;
      inputs[t] = t;
    }
    return new Tokens(ids, inputs, 3.5, 0);
  }

  private static void assertContiguousSlice(Tokens original, Tokens crop) {
    int start = (int) crop.inputs()[0];
    assertThat(start + crop.length()).isLessThanOrEqualTo(original.length());
    assertThat(crop.ids())
        .containsExactly(Arrays.copyOfRange(original.ids(), start, start + crop.length()));
    assertThat(crop.inputs())
        .containsExactly(Arrays.copyOfRange(original.inputs(), start, start + crop.length()));
    assertThat(crop.scale()).isEqualTo(original.scale());
  }

  private static int count(boolean[] flags) {
    int n = 0;
    for (boolean f : flags) {
      n += f ? 1 : 0;
    }
    return n;
  }
}
