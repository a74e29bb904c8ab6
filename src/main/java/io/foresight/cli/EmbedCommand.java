package io.foresight.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.foresight.data.Dataset;
import io.foresight.data.DatasetReaders;
import io.foresight.learn.EncodedDataset;
import io.foresight.learn.Inference;
import io.foresight.model.ForesightNet;
import io.foresight.model.Tokenizer;
import io.foresight.wire.Checkpoint;
import io.foresight.wire.CheckpointCodec;
import java.io.BufferedWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code embed}: one JSON line per series with its embedding, surprise and, when the checkpoint has a
 * classifier, the predicted label and class probabilities.
 */
@Command(name = "embed", mixinStandardHelpOptions = true,
    description = "Embed every series of a file with a checkpoint; writes JSON lines.")
final class EmbedCommand implements Callable<Integer> {

  @Option(names = "--checkpoint", required = true, description = "Checkpoint to embed with.")
  Path checkpoint;

  @Option(names = "--input", required = true, description = "Series to embed (.tsv, .ts, .csv).")
  Path input;

  @Mixin ClampOption clamp;

  @Option(names = "--out", required = true, description = "JSON lines file to write.")
  Path out;

  @Override
  public Integer call() throws Exception {
    Checkpoint model = CheckpointCodec.read(checkpoint);
    Dataset dataset = DatasetReaders.read(input);
    EncodedDataset data =
        EncodedDataset.of(
            dataset, model.tokenizer(), model.classNames(), clamp.outOfRange());
    Inference.Output output;
    try (ForesightNet net = model.toNet()) {
      output = Inference.run(net, data.series());
    }
    ObjectMapper json = new ObjectMapper();
    int[] predicted = output.probabilities() == null ? null : Inference.argmax(output.probabilities());
    try (BufferedWriter writer = Files.newBufferedWriter(out)) {
      for (int i = 0; i < data.size(); i++) {
        ObjectNode line = json.createObjectNode();
        line.put("index", i);
        line.put("label", dataset.series().get(i).label());
        line.put("length", data.series().get(i).length());
        line.put("surprise", output.surprise()[i]);
        if (predicted != null) {
          line.put("predicted", model.classNames().get(predicted[i]));
          ObjectNode probabilities = line.putObject("probabilities");
          for (int k = 0; k < model.classNames().size(); k++) {
            probabilities.put(model.classNames().get(k), output.probabilities()[i][k]);
          }
        }
        var vector = line.putArray("embedding");
        for (float v : output.embeddings()[i]) {
          vector.add(v);
        }
        writer.write(json.writeValueAsString(line));
        writer.newLine();
      }
    }
    System.out.printf("embedded %d series into %s%n", data.size(), out);
    return 0;
  }
}
