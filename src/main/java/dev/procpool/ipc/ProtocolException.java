package dev.procpool.ipc;

import java.io.IOException;

/** The peer sent something that is not a valid frame or message; the connection is closed. */
public final class ProtocolException extends IOException {

    public ProtocolException(String message) {
        super(message);
    }

    public ProtocolException(String message, Throwable cause) {
        super(message, cause);
    }
}
