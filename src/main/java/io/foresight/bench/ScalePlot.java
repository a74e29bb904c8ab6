package io.foresight.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.ToDoubleFunction;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The PNG of {@code bench scale}: four panels against the fleet size (log scale), one point per size. */
public final class ScalePlot {

  private ScalePlot() {}

  public static void write(ScaleRun.Result result, Path png) throws IOException {
    List<ScaleRun.Point> points = result.points();
    XYChart rate = chart("steady ingest, steps/s", "steps/s");
    add(rate, "steps/s", points, ScaleRun.Point::steadyStepsPerSecond);
    XYChart state = chart("state, bytes per entity", "bytes");
    add(state, "keys + values", points, ScaleRun.Point::stateBytesPerEntity);
    add(state, "RocksDB SST files", points, ScaleRun.Point::rocksDbBytesPerEntity);
    add(state, "changelog on the broker", points, ScaleRun.Point::changelogBytesPerEntity);
    XYChart memory = chart("ingest JVM memory, MiB", "MiB");
    add(memory, "resident set, peak", points, p -> p.peakRssBytes() / 1048576.0);
    add(memory, "heap used, peak (garbage included)", points, p -> p.peakHeapBytes() / 1048576.0);
    add(memory, "live heap after a full GC", points, p -> p.liveHeapBytes() / 1048576.0);
    XYChart restore = chart("restore after kill -9, s", "seconds");
    add(restore, "to ready", points, p -> p.restoreSeconds() == null ? Double.NaN : p.restoreSeconds());
    BitmapEncoder.saveBitmap(List.of(rate, state, memory, restore), 2, 2, png.toString(),
        BitmapEncoder.BitmapFormat.PNG);
  }

  private static XYChart chart(String title, String yAxis) {
    XYChart chart = new XYChartBuilder().width(560).height(380).title(title)
        .xAxisTitle("entities").yAxisTitle(yAxis).build();
    chart.getStyler().setXAxisLogarithmic(true);
    chart.getStyler().setYAxisMin(0.0);
    chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideSW);
    return chart;
  }

  private static void add(XYChart chart, String name, List<ScaleRun.Point> points,
      ToDoubleFunction<ScaleRun.Point> y) {
    chart.addSeries(name, points.stream().mapToDouble(ScaleRun.Point::entities).toArray(),
        points.stream().mapToDouble(y).toArray()).setMarker(SeriesMarkers.CIRCLE);
  }
}
