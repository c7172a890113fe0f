package dev.procpool.task;

import java.util.List;

/** No task is registered under the requested target name. */
public final class UnknownTargetException extends RuntimeException {

    private final List<String> available;

    public UnknownTargetException(String target, List<String> available) {
        super("unknown target '" + target + "'");
        this.available = List.copyOf(available);
    }

    public List<String> available() {
        return available;
    }
}
