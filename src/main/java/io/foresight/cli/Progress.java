package io.foresight.cli;

import io.foresight.learn.Pretrainer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** Progress bars on standard error for long work. */
final class Progress {

  private Progress() {}

  static ProgressBar bar(String task, long max, String unit) {
    return new ProgressBarBuilder()
        .setTaskName(task)
        .setInitialMax(max)
        .setUnit(" " + unit, 1)
        .setStyle(ProgressBarStyle.ASCII)
        .build();
  }

  /** A bar over a training budget in seconds, showing step and loss. */
  static Pretrainer.StepListener training(ProgressBar bar) {
    return (step, loss, elapsed) -> {
      bar.stepTo((long) elapsed);
      bar.setExtraMessage(String.format(java.util.Locale.ROOT, "step %d loss %.4f", step, loss));
    };
  }
}
