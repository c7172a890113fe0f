package dev.procpool.queue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(30)
class QueuesTests {

    private final Queues queues = new Queues(new Queues.Limits(8, 100, 64, 1_000, 3));

    @AfterEach
    void close() {
        queues.close();
    }

    private static byte[] item(String json) {
        return json.getBytes(StandardCharsets.UTF_8);
    }

    private static List<String> text(List<byte[]> items) {
        return items.stream().map(b -> new String(b, StandardCharsets.UTF_8)).toList();
    }

    @Test
    void itemsGivenToAWorkerThatDiesBeforeConfirmingGoBackToTheHeadInOrder() throws Exception {
        queues.create("q", 0, false);
        queues.put("q", List.of(item("1"), item("2"), item("3")), 0, 0).get();
        assertThat(text(queues.get("q", 2, 0, 77, 5).get())).containsExactly("1", "2");
        assertThat(queues.info("q").size()).isEqualTo(1);
        queues.workerExited(77);
        assertThat(queues.info("q").size()).isEqualTo(3);
        assertThat(text(queues.drain("q", 10))).containsExactly("1", "2", "3");

        queues.put("q", List.of(item("4")), 0, 0).get();
        assertThat(text(queues.get("q", 1, 0, 78, 6).get())).containsExactly("4");
        queues.confirmed(78, 6);
        queues.workerExited(78);
        assertThat(queues.info("q").size()).isZero(); // confirmed: it has left for good
    }

    @Test
    void whatATaskTookOfAFetchIsItsForGoodAndOnlyTheRestGoesBack() throws Exception {
        queues.create("q", 0, false);
        queues.put("q", List.of(item("1"), item("2"), item("3"), item("4"), item("5")), 0, 0).get();
        assertThat(queues.get("q", 5, 0, 80, 9).get()).hasSize(5);
        queues.taken(80, 9, 3);
        queues.workerExited(80);
        assertThat(text(queues.drain("q", 10))).containsExactly("4", "5");

        queues.put("q", List.of(item("6"), item("7"), item("8")), 0, 0).get();
        assertThat(queues.get("q", 3, 0, 81, 10).get()).hasSize(3);
        queues.confirmed(81, 10, 1); // the task ended having taken one: the others go back, in order
        assertThat(text(queues.drain("q", 10))).containsExactly("7", "8");
    }

    @Test
    void aWaitingGetOfADeadWorkerTakesNothingAndAnotherGetterReceivesTheNextPut() throws Exception {
        queues.create("q", 0, false);
        var dead = queues.get("q", 1, TimeUnit.SECONDS.toNanos(10), 90, 1);
        var alive = queues.get("q", 1, TimeUnit.SECONDS.toNanos(10), 0, 0);
        queues.workerExited(90);
        assertThat(dead.get()).isEmpty();
        queues.put("q", List.of(item("\"x\"")), 0, 0).get();
        assertThat(text(alive.get())).containsExactly("\"x\"");
    }

    @Test
    void aFullQueueMakesPutsWaitOrFailAndAGetLetsTheWaitingOneIn() throws Exception {
        queues.create("small", 1, false);
        assertThat(queues.put("small", List.of(item("1")), 0, 0).get()).isTrue();
        assertThat(queues.put("small", List.of(item("2")), 0, 0).get()).isFalse(); // put_nowait: Full
        var waiting = queues.put("small", List.of(item("3")), TimeUnit.SECONDS.toNanos(10), 0);
        assertThat(waiting).isNotDone();
        assertThat(text(queues.get("small", 1, 0, 0, 0).get())).containsExactly("1");
        assertThat(waiting.get()).isTrue();
        assertThat(queues.info("small").size()).isEqualTo(1);
        assertThat(queues.put("small", List.of(item("4")), TimeUnit.MILLISECONDS.toNanos(50), 0).get()).isFalse();
        assertThat(text(queues.drain("small", 10))).containsExactly("3");
    }

    @Test
    void joinableQueuesCountUnfinishedItemsExactly() throws Exception {
        queues.create("j", 0, true);
        queues.put("j", List.of(item("1"), item("2")), 0, 0).get();
        var join = queues.join("j", TimeUnit.SECONDS.toNanos(10));
        assertThat(queues.info("j").unfinished()).isEqualTo(2);
        queues.drain("j", 10);
        queues.taskDone("j");
        assertThat(join).isNotDone();
        queues.taskDone("j");
        assertThat(join.get()).isTrue();
        assertThatThrownBy(() -> queues.taskDone("j")).isInstanceOf(QueueException.State.class).hasMessageContaining("too many");
        queues.create("plain", 0, false);
        assertThatThrownBy(() -> queues.taskDone("plain")).isInstanceOf(QueueException.State.class);
    }

    @Test
    void boundsAreChecked() throws Exception {
        queues.create("q", 0, false);
        assertThatThrownBy(() -> queues.put("q", List.of(item("\"" + "x".repeat(100) + "\"")), 0, 0))
                .isInstanceOf(QueueException.ItemTooLarge.class);
        assertThatThrownBy(() -> queues.create("q", 0, false)).isInstanceOf(QueueException.Exists.class);
        assertThatThrownBy(() -> queues.create("../q", 0, false)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> queues.create("big", 101, false)).isInstanceOf(IllegalArgumentException.class);
        for (int i = 0; i < 3; i++) {
            queues.get("q", 1, TimeUnit.SECONDS.toNanos(10), 0, 0);
        }
        assertThatThrownBy(() -> queues.get("q", 1, TimeUnit.SECONDS.toNanos(10), 0, 0))
                .isInstanceOf(QueueException.LimitReached.class).hasMessageContaining("max-waiters");
        // the byte budget (1,000) holds puts back as a full queue does
        queues.create("bytes", 0, false);
        var many = java.util.stream.IntStream.range(0, 40).mapToObj(i -> item("\"" + "y".repeat(40) + "\"")).toList();
        assertThat(queues.put("bytes", many, 0, 0).get()).isFalse();
        assertThat(queues.bytes()).isLessThanOrEqualTo(1_000);
        for (int i = queues.list().size(); i < 8; i++) {
            queues.create("q" + i, 0, false);
        }
        assertThatThrownBy(() -> queues.create("one-more", 0, false)).isInstanceOf(QueueException.LimitReached.class);
    }
}
