package dev.procpool.ipc;

/** An exception raised by a task in a worker: its class name, message and formatted stack trace. */
public record RemoteError(String type, String message, String trace) {
}
