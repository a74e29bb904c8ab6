package io.foresight.learn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Each encoder, pretrained briefly on GunPoint TRAIN with an objective of its recipe, yields embeddings
 * an SVM classifies TEST with well above the majority rate.
 */
@ExtendWith(SingleCpuThread.class)
class EncoderGunPointTest {

  private static final Path DIR = Path.of("src/test/resources/datasets/GunPoint");

  @ParameterizedTest
  @CsvSource({"resnet, masked", "lstm, contrastive", "causal-cnn, masked", "causal-cnn, hierarchical"})
  void aShortPretrainingGivesAProbeThatBeatsTheMajorityRate(String encoder, String objective)
      throws Exception {
    Dataset trainSet = DatasetReaders.read(DIR.resolve("GunPoint_TRAIN.tsv"));
    Dataset testSet = DatasetReaders.read(DIR.resolve("GunPoint_TEST.tsv"));
    Tokenizer tokenizer = Tokenizer.detect(trainSet.values());
    List<String> classes = trainSet.classNames();
    EncodedDataset train = EncodedDataset.of(trainSet, tokenizer, classes, Tokenizer.OutOfRange.ERROR);
    EncodedDataset test = EncodedDataset.of(testSet, tokenizer, classes, Tokenizer.OutOfRange.CLAMP);
    ModelConfig config =
        ModelConfig.defaults(Encoder.parse(encoder)).withSize(32, encoder.equals("lstm") ? 1 : 3);
    try (ForesightNet net = ForesightNet.create(config, tokenizer)) {
      Pretrainer.Result result =
          Pretrainer.pretrain(
              net, train.series(), Objective.parse(objective),
              TrainingOptions.defaults().withBudget(10, 150), Pretrainer.StepListener.NONE);
      float[][] trainEmbeddings = Inference.run(net, train.series()).embeddings();
      float[][] testEmbeddings = Inference.run(net, test.series()).embeddings();
      SvmProbe probe =
          SvmProbe.fit(trainEmbeddings, train.labels(), classes.size(), trainEmbeddings, 0);
      int[] predicted = new int[test.size()];
      for (int i = 0; i < predicted.length; i++) {
        predicted[i] = probe.predict(testEmbeddings[i]);
      }
      double accuracy = test.accuracy(predicted);
      System.out.printf(Locale.ROOT, "GunPoint %s %s: %d steps, loss %.3f -> %.3f, probe %.3f%n",
          encoder, objective, result.steps(), result.firstLoss(5), result.lastLoss(5), accuracy);
      assertThat(result.lastLoss(5)).isLessThan(result.firstLoss(5));
      assertThat(accuracy).isGreaterThanOrEqualTo(test.majorityRate() + 0.15);
    }
  }

  @Test
  void theResNetRefusesNextStepPretrainingWithAClearMessage() {
    Tokenizer tokenizer = Tokenizer.integer(41);
    try (ForesightNet net = ForesightNet.create(ModelConfig.defaults(Encoder.RESNET), tokenizer)) {
      List<Tokenizer.Tokens> series =
          List.of(tokenizer.encode(new double[] {1, 2, 3, 4}, Tokenizer.OutOfRange.ERROR));
      for (Objective objective : List.of(Objective.NEXT_STEP, Objective.ALL)) {
        assertThatThrownBy(
                () -> Pretrainer.pretrain(net, series, objective, TrainingOptions.defaults(),
                    Pretrainer.StepListener.NONE))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("not causal")
            .hasMessageContaining("masked or contrastive");
      }
    }
  }
}
