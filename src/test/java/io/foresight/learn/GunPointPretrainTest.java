package io.foresight.learn;

import static org.assertj.core.api.Assertions.assertThat;

import io.foresight.data.Dataset;
import io.foresight.data.DatasetReaders;
import io.foresight.model.ForesightNet;
import io.foresight.model.Encoder;
import io.foresight.model.ModelConfig;
import io.foresight.model.SingleCpuThread;
import io.foresight.model.Tokenizer;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * End to end on real data: next-step pretraining on GunPoint TRAIN learns (the loss halves) and learns
 * something useful (an SVM on the frozen embeddings beats the majority class on TEST by a wide margin).
 */
@ExtendWith(SingleCpuThread.class)
class GunPointPretrainTest {

  private static final Path DIR = Path.of("src/test/resources/datasets/GunPoint");

  @Test
  void nextStepPretrainingHalvesTheLossAndYieldsEmbeddingsAnSvmClassifiesWell() throws Exception {
    Dataset trainSet = DatasetReaders.read(DIR.resolve("GunPoint_TRAIN.tsv"));
    Dataset testSet = DatasetReaders.read(DIR.resolve("GunPoint_TEST.tsv"));
    Tokenizer tokenizer = Tokenizer.detect(trainSet.values());
    assertThat(tokenizer.mode()).isEqualTo(Tokenizer.Mode.REAL);
    List<String> classes = trainSet.classNames();
    EncodedDataset train = EncodedDataset.of(trainSet, tokenizer, classes, Tokenizer.OutOfRange.ERROR);
    EncodedDataset test = EncodedDataset.of(testSet, tokenizer, classes, Tokenizer.OutOfRange.CLAMP);

    ModelConfig config = new ModelConfig(Encoder.CAUSAL_CNN, 32, 4, 3, 64, 0);
    try (ForesightNet net = ForesightNet.create(config, tokenizer)) {
      Pretrainer.Result result =
          Pretrainer.pretrain(
              net, train.series(), Objective.NEXT_STEP,
              TrainingOptions.defaults().withBudget(20, 400), Pretrainer.StepListener.NONE);
      System.out.printf(
          Locale.ROOT, "GunPoint next-step: %d steps in %.1f s, loss %.3f -> %.3f%n",
          result.steps(), result.seconds(), result.firstLoss(10), result.lastLoss(10));
      assertThat(result.steps()).isGreaterThanOrEqualTo(20);
      assertThat(result.losses()).hasSize(result.steps()).allSatisfy(l -> assertThat(l).isFinite());
      assertThat(result.lastLoss(10)).isLessThan(0.5 * result.firstLoss(10));

      Inference.Output trainOut = Inference.run(net, train.series());
      Inference.Output testOut = Inference.run(net, test.series());
      assertThat(trainOut.embeddings().length).isEqualTo(50);
      assertThat(trainOut.embeddings()[0]).hasSize(config.embeddingDim());
      assertThat(testOut.embeddings().length).isEqualTo(150);
      assertThat(testOut.probabilities()).isNull(); // no classifier head was asked for

      SvmProbe probe =
          SvmProbe.fit(
              trainOut.embeddings(), train.labels(), classes.size(), trainOut.embeddings(), 0);
      int[] predicted = new int[test.size()];
      for (int i = 0; i < predicted.length; i++) {
        predicted[i] = probe.predict(testOut.embeddings()[i]);
      }
      double accuracy = test.accuracy(predicted);
      double majority = test.majorityRate();
      System.out.printf(
          Locale.ROOT, "GunPoint SVM probe: test accuracy %.3f (majority %.3f, C %.0e)%n",
          accuracy, majority, probe.chosenC());
      assertThat(majority).isBetween(0.49, 0.52);
      assertThat(accuracy).isGreaterThanOrEqualTo(majority + 0.2);
    }
  }
}
