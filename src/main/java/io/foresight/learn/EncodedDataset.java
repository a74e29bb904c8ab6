package io.foresight.learn;

import io.foresight.data.Dataset;
import io.foresight.data.Series;
import io.foresight.model.Tokenizer;
import io.foresight.model.Tokenizer.Tokens;
import java.util.ArrayList;
import java.util.List;

/**
 * A dataset tokenised for the model (a gap, NaN, which only a reader told to keep gaps yields, becomes
 * the mask id), with class indices into {@code classNames} (-1 for an unlabelled
 * series or a label the class list does not know).
 *
 * @param clamped steps clamped by the tokeniser across all series
 */
public record EncodedDataset(
    String name, List<Tokens> series, int[] labels, List<String> classNames, long clamped) {

  public static EncodedDataset of(
      Dataset dataset, Tokenizer tokenizer, List<String> classNames, Tokenizer.OutOfRange outOfRange) {
    List<Tokens> tokens = new ArrayList<>(dataset.size());
    int[] labels = new int[dataset.size()];
    long clamped = 0;
    for (int i = 0; i < dataset.size(); i++) {
      Series s = dataset.series().get(i);
      Tokens t;
      try {
        t = tokenizer.encode(s.values(), outOfRange, true);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            dataset.name() + " series " + (i + 1) + ": " + e.getMessage(), e);
      }
      tokens.add(t);
      clamped += t.clamped();
      labels[i] = s.label() == null ? -1 : classNames.indexOf(s.label());
    }
    return new EncodedDataset(dataset.name(), tokens, labels, classNames, clamped);
  }

  public int size() {
    return series.size();
  }

  public EncodedDataset subset(List<Integer> indices) {
    List<Tokens> chosen = new ArrayList<>(indices.size());
    int[] chosenLabels = new int[indices.size()];
    for (int i = 0; i < indices.size(); i++) {
      chosen.add(series.get(indices.get(i)));
      chosenLabels[i] = labels[indices.get(i)];
    }
    return new EncodedDataset(name, chosen, chosenLabels, classNames, 0);
  }

  /** Share of the series whose label is the most common one. */
  public double majorityRate() {
    int[] counts = new int[Math.max(1, classNames.size())];
    int labelled = 0;
    for (int label : labels) {
      if (label >= 0) {
        counts[label]++;
        labelled++;
      }
    }
    int max = 0;
    for (int c : counts) {
      max = Math.max(max, c);
    }
    return labelled == 0 ? 0 : max / (double) labelled;
  }

  /** Accuracy of predicted class indices against this dataset's labels. */
  public double accuracy(int[] predicted) {
    int correct = 0;
    for (int i = 0; i < labels.length; i++) {
      correct += predicted[i] == labels[i] ? 1 : 0;
    }
    return labels.length == 0 ? 0 : correct / (double) labels.length;
  }
}
