package dev.procpool.process;

/** No process has that id (it never existed, or it was deleted). */
public final class ProcessNotFoundException extends RuntimeException {

    public ProcessNotFoundException(String id) {
        super("no process with id '" + id + "'");
    }
}
