package io.foresight.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.foresight.learn.EvaluationReport;
import io.foresight.model.Encoder;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code table}: turns {@code evaluate} reports into the markdown tables of RESULTS.md, one per label
 * fraction, with the published TS2Vec, MiniRocket and ResNet figures beside ours and the mean of every
 * column. The summary lines name the one method whose mean over the datasets is highest, among all
 * methods, among those that use pretraining and among those that use no MiniRocket features: choosing
 * per dataset would pick by TEST accuracy.
 */
@Command(name = "table", mixinStandardHelpOptions = true,
    description = "Markdown tables from evaluate reports, next to published accuracies.")
final class TableCommand implements Callable<Integer> {

  @Parameters(arity = "1..*", description = "report.json files written by evaluate.")
  List<Path> reports;

  @Override
  public Integer call() throws IOException {
    ObjectMapper json = new ObjectMapper();
    List<EvaluationReport> all = new ArrayList<>();
    for (Path report : reports) {
      all.add(json.readValue(report.toFile(), EvaluationReport.class));
    }
    Map<String, double[]> published = published();
    List<Double> fractions =
        all.stream().flatMap(r -> r.results().stream()).map(EvaluationReport.Result::labelFraction)
            .distinct().sorted().toList();
    for (double fraction : fractions) {
      // Columns: every (method, objective) seen at this fraction, at the largest pretraining share.
      Map<String, Map<String, EvaluationReport.Result>> byColumn = new LinkedHashMap<>();
      for (EvaluationReport report : all) {
        double fullPretrain = report.results().stream().filter(r -> r.pretrainFraction() != null)
            .mapToDouble(EvaluationReport.Result::pretrainFraction).max().orElse(1);
        for (EvaluationReport.Result r : report.results()) {
          if (r.labelFraction() == fraction
              && (r.pretrainFraction() == null || r.pretrainFraction() == fullPretrain)) {
            byColumn.computeIfAbsent(column(report, r), k -> new HashMap<>()).put(report.dataset(), r);
          }
        }
      }
      List<String> columns = new ArrayList<>(byColumn.keySet());
      StringBuilder out = new StringBuilder();
      out.append(String.format(Locale.ROOT, "%n### Test accuracy, %.0f %% of TRAIN labelled (mean ± std over seeds)%n%n", 100 * fraction));
      out.append("| dataset | ").append(String.join(" | ", columns)).append(" | TS2Vec | MiniRocket (published) | ResNet | time (s) |\n");
      out.append("|---".repeat(columns.size() + 5)).append("|\n");
      Map<String, List<Double>> columnMeans = new LinkedHashMap<>();
      Map<String, Double> secondsByDataset = new LinkedHashMap<>();
      for (EvaluationReport report : all) {
        secondsByDataset.merge(report.dataset(), report.totalSeconds(), Double::sum);
      }
      for (String dataset : secondsByDataset.keySet()) {
        out.append("| ").append(dataset);
        for (String c : columns) {
          EvaluationReport.Result r = byColumn.get(c).get(dataset);
          if (r == null) {
            out.append(" | –");
          } else {
            out.append(String.format(Locale.ROOT, " | %.3f ± %.3f", r.accuracy().mean(), r.accuracy().std()));
            columnMeans.computeIfAbsent(c, k -> new ArrayList<>()).add(r.accuracy().mean());
          }
        }
        double[] p = published.get(dataset);
        out.append(p == null ? " | – | – | –"
            : String.format(Locale.ROOT, " | %.3f | %.3f | %.3f", p[0], p[4], p[3]));
        out.append(String.format(Locale.ROOT, " | %.0f |%n", secondsByDataset.get(dataset)));
      }
      out.append("| **mean**");
      Map<String, Double> means = new LinkedHashMap<>();
      for (String c : columns) {
        double mean = mean(columnMeans.getOrDefault(c, List.of()));
        means.put(c, mean);
        out.append(String.format(Locale.ROOT, " | **%.3f**", mean));
      }
      List<Double> ts2vec = new ArrayList<>();
      List<Double> minirocket = new ArrayList<>();
      List<Double> resnet = new ArrayList<>();
      for (String dataset : secondsByDataset.keySet()) {
        double[] p = published.get(dataset);
        if (p != null) {
          ts2vec.add(p[0]);
          minirocket.add(p[4]);
          resnet.add(p[3]);
        }
      }
      out.append(String.format(Locale.ROOT, " | %.3f | %.3f | %.3f | %.0f |%n", mean(ts2vec),
          mean(minirocket), mean(resnet),
          all.stream().mapToDouble(EvaluationReport::totalSeconds).sum()));
      double supervised = means.getOrDefault("supervised", Double.NaN);
      double ours = means.getOrDefault("minirocket", Double.NaN);
      out.append(String.format(Locale.ROOT,
          "%nsupervised %.3f, minirocket (ours) %.3f; published TS2Vec %.3f, MiniRocket %.3f.%n",
          supervised, ours, mean(ts2vec), mean(minirocket)));
      summary(out, "Best method", means, c -> !c.startsWith("supervised"), supervised, ours);
      summary(out, "Best method with pretraining", means, c -> c.contains("ssl"), supervised, ours);
      summary(out, "Best method without MiniRocket features", means,
          c -> c.contains("ssl") && !c.contains("minirocket"), supervised, ours);
      System.out.print(out);
    }
    return 0;
  }

  /** One line: the column with the highest mean among those {@code eligible} admits. */
  private static void summary(
      StringBuilder out, String title, Map<String, Double> means, Predicate<String> eligible,
      double supervised, double minirocket) {
    String best = null;
    double bestMean = Double.NEGATIVE_INFINITY;
    for (Map.Entry<String, Double> e : means.entrySet()) {
      if (eligible.test(e.getKey()) && e.getValue() > bestMean) {
        best = e.getKey();
        bestMean = e.getValue();
      }
    }
    if (best != null) {
      out.append(String.format(Locale.ROOT,
          "%s by mean: %s, %.3f (against supervised %+.3f, against minirocket %+.3f).%n",
          title, best, bestMean, bestMean - supervised, bestMean - minirocket));
    }
  }

  /** Method and objective; prefixed by the encoder when it is not the default causal CNN. */
  private static String column(EvaluationReport report, EvaluationReport.Result r) {
    String name = r.objective() == null ? r.method() : r.method() + " " + r.objective();
    return Encoder.CAUSAL_CNN.cliName().equals(report.encoder())
        ? name
        : report.encoder() + " " + name;
  }

  private static double mean(List<Double> values) {
    return values.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
  }

  /** dataset → {TS2Vec, T-Loss, TS-TCC, ResNet, MiniRocket, MultiRocket} from the bundled CSV. */
  static Map<String, double[]> published() throws IOException {
    Map<String, double[]> out = new HashMap<>();
    try (InputStream in = TableCommand.class.getResourceAsStream("/published-ucr.csv");
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        if (line.startsWith("#") || line.startsWith("dataset,")) {
          continue;
        }
        String[] f = line.split(",");
        out.put(f[0], new double[] {
          Double.parseDouble(f[1]), Double.parseDouble(f[2]), Double.parseDouble(f[3]),
          Double.parseDouble(f[4]), Double.parseDouble(f[5]), Double.parseDouble(f[6])
        });
      }
    }
    return out;
  }
}
