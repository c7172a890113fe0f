package dev.procpool.worker;

import dev.procpool.ipc.FrameCodec;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThatCode;

class WarmupTests {

    @Test
    void theWarmUpWalksTheTaskAndTheChunkPathsWithoutFailing() {
        assertThatCode(() -> Warmup.exercise(new FrameCodec())).doesNotThrowAnyException();
    }
}
