package dev.procpool.task;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import tools.jackson.databind.JsonNode;

/** The targets that ship with procpool; their names are part of the REST contract. */
public final class BuiltinTasks {

    private BuiltinTasks() {
    }

    @Task(value = "demo.worker", description = "Prints 'Worker {num} started', sleeps 2 s, prints 'Worker {num} finished'")
    public static void demoWorker(long num, TaskContext context) throws InterruptedException {
        context.out().println("Worker " + num + " started");
        Thread.sleep(2000);
        context.out().println("Worker " + num + " finished");
    }

    @Task(value = "demo.square", description = "Sleeps 0.5 s, returns x*x")
    public static long demoSquare(long x) throws InterruptedException {
        Thread.sleep(500);
        return Math.multiplyExact(x, x);
    }

    @Task(value = "square", description = "Returns x*x")
    public static long square(long x) {
        return Math.multiplyExact(x, x);
    }

    @Task(value = "cube", description = "Returns x*x*x")
    public static long cube(long x) {
        return Math.multiplyExact(Math.multiplyExact(x, x), x);
    }

    @Task(value = "sleep", description = "Sleeps that many seconds, returns them")
    public static double sleep(double seconds) throws InterruptedException {
        if (!(seconds >= 0) || Double.isInfinite(seconds)) {
            throw new IllegalArgumentException("sleep length must be a non-negative number, got " + seconds);
        }
        Thread.sleep((long) (seconds * 1000), (int) Math.round((seconds * 1e9) % 1_000_000));
        return seconds;
    }

    @Task(value = "echo", description = "Returns its argument")
    public static JsonNode echo(JsonNode value) {
        return value;
    }

    @Task(value = "count_primes", description = "CPU-bound: the number of primes in [start, stop) by trial division")
    public static long countPrimes(long start, long stop) {
        long count = 0;
        for (long n = Math.max(start, 2); n < stop; n++) {
            if (n < 4) {
                count++;
                continue;
            }
            if (n % 2 == 0) {
                continue;
            }
            boolean prime = true;
            for (long d = 3; d * d <= n; d += 2) {
                if (n % d == 0) {
                    prime = false;
                    break;
                }
            }
            if (prime) {
                count++;
            }
        }
        return count;
    }

    @Task(value = "sha256", description = "Hex SHA-256 digest of text, re-hashed rounds times in all")
    public static String sha256(String text, int rounds) throws NoSuchAlgorithmException {
        if (rounds < 1) {
            throw new IllegalArgumentException("rounds must be at least 1, got " + rounds);
        }
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        byte[] value = digest.digest(text.getBytes(StandardCharsets.UTF_8));
        for (int i = 1; i < rounds; i++) {
            value = digest.digest(value);
        }
        return HexFormat.of().formatHex(value);
    }

    @Task(value = "fault.allocate", description = "Allocates that many MiB and keeps them (past the worker's heap: an OutOfMemoryError)")
    public static int allocate(int mebibytes) {
        var kept = new java.util.ArrayList<byte[]>();
        for (int i = 0; i < mebibytes; i++) {
            kept.add(new byte[1 << 20]);
        }
        return kept.size();
    }

    @Task(value = "fault.spin", description = "Loops on the CPU forever (for timeouts)")
    public static long spin() {
        long n = 0;
        while (!Thread.currentThread().isInterrupted() || n >= 0) {
            n++;
        }
        return n;
    }

    @Task(value = "fail", description = "Raises an exception with that message")
    public static Void fail(String message) {
        throw new RuntimeException(message);
    }

    @Task(value = "exit", description = "Ends the worker JVM at once with that exit code (simulates a crash)")
    public static Void exit(int code, TaskContext context) {
        context.exit(code);
        return null;
    }
}
