package dev.procpool.task;

/** The call's {@code args}/{@code kwargs} do not fit the task's signature. */
public final class TaskArgumentException extends RuntimeException {

    private final String field;

    public TaskArgumentException(String field, String message) {
        super(message);
        this.field = field;
    }

    /** The offending parameter, {@code "args"} or {@code "kwargs"} when it is the whole list. */
    public String field() {
        return field;
    }
}
