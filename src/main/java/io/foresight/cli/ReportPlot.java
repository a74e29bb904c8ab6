package io.foresight.cli;

import io.foresight.learn.EvaluationReport;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The PNG of {@code evaluate --plot}: test accuracy against label fraction, one line per method. */
final class ReportPlot {

  private ReportPlot() {}

  static void write(EvaluationReport report, Path png) throws IOException {
    XYChart chart =
        new XYChartBuilder()
            .width(900)
            .height(600)
            .title(report.dataset() + ": test accuracy against labelled share of TRAIN")
            .xAxisTitle("label fraction")
            .yAxisTitle("test accuracy (mean of seeds)")
            .build();
    chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.OutsideE);
    Map<String, List<double[]>> lines = new LinkedHashMap<>();
    double fullPretrain =
        report.results().stream()
            .filter(r -> r.pretrainFraction() != null)
            .mapToDouble(EvaluationReport.Result::pretrainFraction)
            .max()
            .orElse(1);
    for (EvaluationReport.Result r : report.results()) {
      if (r.pretrainFraction() != null && r.pretrainFraction() != fullPretrain) {
        continue;
      }
      String name = r.objective() == null ? r.method() : r.method() + " (" + r.objective() + ")";
      lines.computeIfAbsent(name, k -> new ArrayList<>())
          .add(new double[] {r.labelFraction(), r.accuracy().mean()});
    }
    for (Map.Entry<String, List<double[]>> line : lines.entrySet()) {
      List<double[]> points = line.getValue();
      points.sort((a, b) -> Double.compare(a[0], b[0]));
      chart
          .addSeries(
              line.getKey(),
              points.stream().mapToDouble(p -> p[0]).toArray(),
              points.stream().mapToDouble(p -> p[1]).toArray())
          .setMarker(SeriesMarkers.CIRCLE);
    }
    BitmapEncoder.saveBitmap(chart, png.toString(), BitmapEncoder.BitmapFormat.PNG);
  }
}
