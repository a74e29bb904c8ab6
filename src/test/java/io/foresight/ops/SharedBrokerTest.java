package io.foresight.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.foresight.ops.SharedBroker.Choice;
import io.foresight.ops.SharedBroker.Kind;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

class SharedBrokerTest {

  private static final BooleanSupplier DOCKER = () -> true;
  private static final BooleanSupplier NO_DOCKER = () -> false;
  private static final BooleanSupplier NOT_ASKED = () -> {
    throw new AssertionError("Docker probed");
  };

  @Test
  void withoutThePropertyTheContainerRunsWhereDockerAnswers() {
    assertThat(SharedBroker.choose(null, DOCKER).kind()).isEqualTo(Kind.CONTAINER);
    assertThat(SharedBroker.choose(" ", DOCKER).reason()).contains(SharedBroker.IMAGE);
  }

  @Test
  void withoutThePropertyOrDockerTheInProcessBrokerRuns() {
    assertThat(SharedBroker.choose(null, NO_DOCKER))
        .isEqualTo(new Choice(Kind.EMBEDDED, "no Docker engine: in-process broker"));
  }

  @Test
  void embeddedForcedIsChosenWithoutAskingDocker() {
    assertThat(SharedBroker.choose("embedded", NOT_ASKED))
        .isEqualTo(new Choice(Kind.EMBEDDED, "-Dforesight.test.broker=embedded: in-process broker"));
  }

  @Test
  void containerForcedRunsWhereDockerAnswersAndFailsSayingWhyWhereItDoesNot() {
    assertThat(SharedBroker.choose("Container", DOCKER).kind()).isEqualTo(Kind.CONTAINER);
    assertThatThrownBy(() -> SharedBroker.choose("container", NO_DOCKER))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("-Dforesight.test.broker=container but no Docker engine answers: start one, or"
            + " leave the property out to run on the in-process broker");
  }

  @Test
  void anyOtherValueIsRefused() {
    assertThatThrownBy(() -> SharedBroker.choose("docker", NOT_ASKED))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("-Dforesight.test.broker=docker: expected container or embedded");
  }
}
