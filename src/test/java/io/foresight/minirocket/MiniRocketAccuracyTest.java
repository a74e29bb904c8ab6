package io.foresight.minirocket;

import static org.assertj.core.api.Assertions.assertThat;

import io.foresight.data.Dataset;
import io.foresight.data.DatasetReaders;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * MiniRocket as its authors run it (fitted and standardised on TRAIN, ridge with leave-one-out
 * regularisation) reaches its published TEST accuracy (MultiRocket's results, column
 * {@code PPV_base_10k}) within 0.03 on the bundled UCR datasets: the check that the implementation is
 * the published algorithm.
 */
class MiniRocketAccuracyTest {

  @ParameterizedTest
  @CsvSource({"GunPoint, 0.993", "ECG200, 0.910", "ItalyPowerDemand, 0.965", "Coffee, 1.000"})
  void reachesThePublishedAccuracy(String name, double published) throws Exception {
    Path dir = Path.of("src/test/resources/datasets", name);
    Dataset train = DatasetReaders.read(dir.resolve(name + "_TRAIN.tsv"));
    Dataset test = DatasetReaders.read(dir.resolve(name + "_TEST.tsv"));
    List<String> classes = train.classNames();
    MiniRocket rocket = MiniRocket.fit(train.values(), 0);
    float[][] trainFeatures = rocket.transform(train.values());
    float[][] testFeatures = rocket.transform(test.values());
    Standardizer standardizer = Standardizer.of(trainFeatures);
    double[][] x = new double[trainFeatures.length][];
    int[] labels = new int[x.length];
    for (int i = 0; i < x.length; i++) {
      x[i] = standardizer.apply(trainFeatures[i], 1);
      labels[i] = classes.indexOf(train.series().get(i).label());
    }
    FeatureClassifier.Fitted classifier = FeatureClassifier.fit(x, labels, classes.size(), 0);
    int correct = 0;
    for (int i = 0; i < testFeatures.length; i++) {
      int predicted = classifier.predict(standardizer.apply(testFeatures[i], 1));
      correct += predicted == classes.indexOf(test.series().get(i).label()) ? 1 : 0;
    }
    double accuracy = correct / (double) testFeatures.length;
    System.out.printf(Locale.ROOT, "MiniRocket %s: %.3f (published %.3f)%n", name, accuracy, published);
    assertThat(accuracy).isGreaterThanOrEqualTo(published - 0.03);
  }
}
