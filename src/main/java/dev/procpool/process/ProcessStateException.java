package dev.procpool.process;

/** The operation does not fit the process's state, e.g. starting it twice or deleting it while alive. */
public final class ProcessStateException extends RuntimeException {

    private final ProcessState state;

    public ProcessStateException(String message, ProcessState state) {
        super(message);
        this.state = state;
    }

    public ProcessState state() {
        return state;
    }
}
