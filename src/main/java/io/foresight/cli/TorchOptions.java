package io.foresight.cli;

import picocli.CommandLine.Option;

/**
 * {@code --torch-threads}: PyTorch's intra-op threads for every command that runs DJL models. The
 * default is each command's own: a service alone on its host keeps PyTorch's (one thread per core);
 * the demo and the benchmarks, whose trainer, scorer and measurements share these 2 cores, ask for 1,
 * because two OpenMP threads per forward pass stall each other here.
 */
final class TorchOptions {

  @Option(names = "--torch-threads", paramLabel = "<torchThreads>",
      description = "PyTorch intra-op threads; 0 keeps PyTorch's default (default: ${DEFAULT-VALUE}).")
  int threads;

  /** Defaults to 0, PyTorch's own choice: for a service alone on its host. */
  TorchOptions() {
    this(0);
  }

  /** Defaults to {@code defaultThreads}; picocli shows and keeps it when the flag is not given. */
  TorchOptions(int defaultThreads) {
    this.threads = defaultThreads;
  }

  /** Chooses DJL's device and sets PyTorch's threads; call before the first model is built. */
  void apply() {
    Services.torchThreads(threads);
  }
}
