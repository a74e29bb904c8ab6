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
    assertThat(r.kills()).allSatisfy(kill -> {
      assertThat(kill.exitValue()).as("SIGKILL").isEqualTo(ServiceProcess.SIGKILL_EXIT);
      assertThat(kill.restoreSeconds()).as("ready again after kill " + kill.index()).isNotNull();
    });
    assertThat(r.unplanned()).isEmpty();
    assertThat(r.settled()).isTrue();

    FaultReport.Outputs o = r.outputs();
    long expected = 8 * (1 + (3000 - 64) / 32);
    assertThat(o.expectedWindows()).isEqualTo(expected);
    assertThat(o.windows()).isEqualTo(new FaultReport.Count(expected, expected, 0, 0));
    assertThat(o.windowsWrong()).isZero();
    assertThat(o.embeddings()).isEqualTo(new FaultReport.Count(expected, expected, 0, 0));
    assertThat(o.embeddingsUnexpected()).isZero();
    FaultReport.Classifications c = o.classifications();
    assertThat(c.expected()).isPositive();
    assertThat(c.records()).isEqualTo(c.expected());
    assertThat(c.lost()).isZero();
    assertThat(c.duplicated()).isZero();
    assertThat(c.unexpected()).isZero();
    // Once classifications flow, restarts do not interrupt them: a restarted trainer holds back
    // versions without a classifier, a restarted scorer serves the latest version, not the first.
    assertThat(c.withoutClassifierAfterFirst()).as("windows scored unclassified after the first classifier").isZero();

    assertThat(r.models().rising()).as("versions " + r.models().versions()).isTrue();
    assertThat(r.models().firstWithClassifier()).isNotNull();
    assertThat(r.trainerStarts()).hasSizeGreaterThanOrEqualTo(2).allSatisfy(start -> {
      assertThat(start.resumedVersion()).as("trainer#" + start.incarnation() + " resumed").isNotNull();
      assertThat(start.resumedVersion()).isGreaterThanOrEqualTo(Math.max(1, start.publishedBefore()));
    });
    assertThat(r.failures()).isEmpty();
  }
}
