package io.foresight.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.foresight.bench.ServiceProcess.Role;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fault suite, small: broker, ingest, scorer and trainer as JVMs of their own, each killed with
 * SIGKILL twice while a 24,000-step replay flows, and every output counted afterwards: no window,
 * embedding or classification lost or duplicated, model versions only rising, every restarted trainer
 * resuming the latest checkpoint. About 2.5 minutes on 2 cores. Run alone with {@code mvn -B verify
 * -Dit.test=FaultRunIntegrationTest -Dtest=skip -Dsurefire.failIfNoSpecifiedTests=false}.
 *
 * <p>The services' consumers get a 10 s session timeout instead of 45 s: a consumer killed with
 * SIGKILL never leaves its group, so its partitions wait for that timeout before the restarted
 * instance gets them. It shortens the restores (and the test), not what is checked.
 */
class FaultRunIntegrationTest {

  @TempDir Path dir;

  @Test
  void nothingIsLostOrDuplicatedAcrossKillNinesOfEveryProcess() throws Exception {
    FaultRun.Settings settings =
        new FaultRun.Settings(8, 3000, 8, 7, dir, 64, 32, 16, 2000, 1, 180, 300,
            List.of("session.timeout.ms=10000"));
    FaultReport r = new FaultRun(settings, System.out).run();

    assertThat(r.kills()).hasSize(8).extracting(FaultReport.Kill::role).contains(Role.values());
    // What FaultRun checks on every run (bench faults exits 1 on any): nothing lost, duplicated or
    // wrong, no window unclassified once classifications began, versions only rising, every restarted
    // trainer resuming the latest, every kill a SIGKILL followed by a ready service.
    assertThat(r.failures()).isEmpty();
    // And what only this size makes exact.
    long expected = 8 * (1 + (3000 - 64) / 32);
    assertThat(r.outputs().expectedWindows()).isEqualTo(expected);
    assertThat(r.outputs().windows()).isEqualTo(new FaultReport.Count(expected, expected, 0, 0));
    assertThat(r.outputs().classifications().expected()).isPositive();
    assertThat(r.trainerStarts()).hasSizeGreaterThanOrEqualTo(2);
  }
}
