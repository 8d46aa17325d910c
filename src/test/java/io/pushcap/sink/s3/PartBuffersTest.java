package io.pushcap.sink.s3;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Part buffers are reused only at their own size, and only as many as a target can hold at once. */
class PartBuffersTest {
    @Test
    void shouldReuseAGivenBackBufferWhenTheSizeMatches() {
        PartBuffers p = new PartBuffers(2);
        byte[] a = p.take(1024);
        p.give(a);
        assertThat(p.take(1024)).isSameAs(a);
        assertThat(p.kept()).isZero();
    }

    @Test
    void shouldDropBuffersOfAnotherSizeWhenPartsGrow() {
        PartBuffers p = new PartBuffers(2);
        p.give(new byte[1024]);
        byte[] b = p.take(2048);
        assertThat(b).hasSize(2048);
        assertThat(p.kept()).as("the small one is dropped, not kept forever").isZero();
    }

    @Test
    void shouldKeepAtMostTheBoundWhenMoreAreGivenBack() {
        PartBuffers p = new PartBuffers(2);
        p.give(new byte[16]);
        p.give(new byte[16]);
        p.give(new byte[16]);
        assertThat(p.kept()).isEqualTo(2);
    }
}
