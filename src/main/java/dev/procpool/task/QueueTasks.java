package dev.procpool.task;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import tools.jackson.databind.JsonNode;

/** Built-in targets that use queues and pipes: the seed example, benchmarks and fault tests. */
public final class QueueTasks {

    private QueueTasks() {
    }

    @Task(value = "demo.square_numbers", description = "Puts n*n of each number on the queue")
    public static void squareNumbers(List<Long> numbers, QueueHandle queue) {
        for (long n : numbers) {
            queue.put(Math.multiplyExact(n, n));
        }
    }

    @Task(value = "demo.cube_numbers", description = "Puts n*n*n of each number on the queue")
    public static void cubeNumbers(List<Long> numbers, QueueHandle queue) {
        for (long n : numbers) {
            queue.put(Math.multiplyExact(Math.multiplyExact(n, n), n));
        }
    }

    @Task(value = "queue.produce", description = "Puts 0 .. n-1 on the queue; returns {items, seconds}")
    public static Map<String, Object> produce(QueueHandle queue, int n) {
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            queue.put(i);
        }
        return Map.of("items", n, "seconds", (System.nanoTime() - t0) / 1e9);
    }

    @Task(value = "queue.consume", description = "Gets n items; returns {items, sum, seconds}")
    public static Map<String, Object> consume(QueueHandle queue, int n) {
        long t0 = System.nanoTime();
        long sum = 0;
        for (int i = 0; i < n; i++) {
            sum += queue.get().asLong();
        }
        var out = new LinkedHashMap<String, Object>();
        out.put("items", n);
        out.put("sum", sum);
        out.put("seconds", (System.nanoTime() - t0) / 1e9);
        return out;
    }

    @Task(value = "queue.work", description = "Takes items until the queue stays empty for 1 s, spending that many seconds on each; returns them")
    public static List<JsonNode> work(QueueHandle queue, double seconds) throws InterruptedException {
        var taken = new java.util.ArrayList<JsonNode>();
        while (true) {
            JsonNode item;
            try {
                item = queue.get(1.0);
            } catch (QueueEmptyException e) {
                return taken;
            }
            taken.add(item);
            Thread.sleep((long) (seconds * 1000));
        }
    }

    @Task(value = "queue.get", description = "queue.get(timeout): the item")
    public static JsonNode get(QueueHandle queue, double timeout) {
        return queue.get(timeout);
    }

    @Task(value = "pipe.echo", description = "Receives on its end and sends each message back, until it receives null")
    public static int echo(PipeHandle conn) {
        int n = 0;
        while (true) {
            JsonNode m = conn.recv();
            if (m.isNull()) {
                return n;
            }
            conn.send(m);
            n++;
        }
    }

    @Task(value = "pipe.pingpong", description = "rounds × (send a number, receive it back) after 200 warm-up rounds, then sends null; "
            + "returns the round trip's p50/p99 in µs")
    public static Map<String, Object> pingpong(PipeHandle conn, int rounds) {
        for (int i = 0; i < 200; i++) {
            conn.send(i);
            conn.recv();
        }
        long[] ns = new long[rounds];
        for (int i = 0; i < rounds; i++) {
            long t0 = System.nanoTime();
            conn.send(12345);
            conn.recv();
            ns[i] = System.nanoTime() - t0;
        }
        conn.send(null);
        Arrays.sort(ns);
        var out = new LinkedHashMap<String, Object>();
        out.put("rounds", rounds);
        out.put("p50_us", ns[(int) Math.ceil(0.50 * rounds) - 1] / 1e3);
        out.put("p99_us", ns[(int) Math.ceil(0.99 * rounds) - 1] / 1e3);
        return out;
    }
}
