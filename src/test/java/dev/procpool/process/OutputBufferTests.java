package dev.procpool.process;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class OutputBufferTests {

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static String text(OutputBuffer.Chunk c) {
        return new String(c.bytes(), StandardCharsets.US_ASCII);
    }

    @Test
    void keepsEverythingWithinTheCap() {
        var b = new OutputBuffer(16);
        b.append(bytes("hello\n"), 0, 6);
        b.append(bytes("world\n"), 0, 6);
        assertThat(text(b.snapshot())).isEqualTo("hello\nworld\n");
        assertThat(b.dropped()).isZero();
        assertThat(b.total()).isEqualTo(12);
    }

    @Test
    void dropsTheOldestBytesAndCountsThem() {
        var b = new OutputBuffer(8);
        b.append(bytes("0123456789"), 0, 10);
        assertThat(text(b.snapshot())).isEqualTo("23456789");
        b.append(bytes("abc"), 0, 3);
        OutputBuffer.Chunk c = b.snapshot();
        assertThat(text(c)).isEqualTo("56789abc");
        assertThat(c.start()).isEqualTo(5);
        assertThat(b.dropped()).isEqualTo(5);
        assertThat(b.total()).isEqualTo(13);
    }

    @Test
    void aReaderResumesFromItsOffsetAndSkipsWhatWasDropped() throws InterruptedException {
        var b = new OutputBuffer(4);
        b.append(bytes("ab"), 0, 2);
        OutputBuffer.Chunk first = b.readFrom(0, Duration.ZERO);
        assertThat(text(first)).isEqualTo("ab");
        b.append(bytes("cdefg"), 0, 5);
        OutputBuffer.Chunk next = b.readFrom(first.end(), Duration.ZERO);
        assertThat(next.start()).isEqualTo(3);
        assertThat(text(next)).isEqualTo("defg");
    }

    @Test
    void aWaitingReaderWakesForNewBytesAndForTheEnd() throws Exception {
        var b = new OutputBuffer(64);
        Thread writer = Thread.ofVirtual().start(() -> {
            try {
                Thread.sleep(100);
                b.append(bytes("x"), 0, 1);
                Thread.sleep(100);
                b.close();
            } catch (InterruptedException ignored) {
                // test ends
            }
        });
        assertThat(text(b.readFrom(0, Duration.ofSeconds(10)))).isEqualTo("x");
        OutputBuffer.Chunk end = b.readFrom(1, Duration.ofSeconds(10));
        assertThat(end.bytes()).isEmpty();
        assertThat(end.closed()).isTrue();
        writer.join();
    }

    @Test
    void growsFromSmallToTheCapAndThenKeepsTheNewestBytes() {
        var b = new OutputBuffer(10_000);
        var all = new java.io.ByteArrayOutputStream();
        var random = new java.util.Random(7);
        while (all.size() < 25_000) {
            byte[] piece = new byte[1 + random.nextInt(1500)];
            random.nextBytes(piece);
            b.append(piece, 0, piece.length);
            all.writeBytes(piece);
            byte[] expected = all.toByteArray();
            int keep = Math.min(expected.length, 10_000);
            assertThat(b.snapshot().bytes()).isEqualTo(java.util.Arrays.copyOfRange(expected, expected.length - keep, expected.length));
            assertThat(b.dropped()).isEqualTo(expected.length - keep);
        }
    }
}
