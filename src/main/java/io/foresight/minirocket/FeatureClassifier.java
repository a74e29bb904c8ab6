package io.foresight.minirocket;

/**
 * The classifier on standardised features that MiniRocket's authors recommend: ridge with
 * leave-one-out regularisation while labelled rows are at most {@link #RIDGE_MAX_ROWS}, logistic
 * regression beyond (the Gram matrix and its decomposition grow as n^2 and n^3).
 */
public final class FeatureClassifier {

  /** Above this many labelled rows, logistic regression replaces ridge. */
  public static final int RIDGE_MAX_ROWS = 3000;

  /** A fitted classifier. */
  public interface Fitted {
    /** One score per class; the largest wins. */
    double[] decision(double[] x);

    /** The same scores as a linear model over the rows it was fitted on. */
    LinearModel linear();

    /** Accuracy estimated on the labelled rows alone (leave-one-out or held-out). */
    double crossValidatedAccuracy();

    default int predict(double[] x) {
      return LinearModel.argmax(decision(x));
    }
  }

  private FeatureClassifier() {}

  /** Fits ridge or logistic regression, by the number of rows. */
  public static Fitted fit(double[][] x, int[] labels, int classes, long seed) {
    return x.length <= RIDGE_MAX_ROWS
        ? RidgeClassifier.fit(x, labels, classes)
        : LogisticClassifier.fit(x, labels, classes, seed);
  }
}
