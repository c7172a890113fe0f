package dev.procpool.process;

/** A process's life, as Python's {@code multiprocessing.Process}: created, then running, then exited. */
public enum ProcessState {
    CREATED, RUNNING, EXITED;

    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
