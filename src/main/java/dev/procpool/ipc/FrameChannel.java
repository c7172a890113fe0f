package dev.procpool.ipc;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One end of a worker connection: frames in, frames out. Sends may come from any thread;
 * receives come from one reader thread. Closing it closes the socket.
 */
public final class FrameChannel implements AutoCloseable {

    private final SocketChannel socket;
    private final FrameCodec codec;
    private final DataInputStream in;
    private final OutputStream out;
    private final ReentrantLock sendLock = new ReentrantLock();

    /** Socket buffers large enough for a pool chunk's frame, so neither side's write waits on the other's read. */
    static final int SOCKET_BUFFER_BYTES = 1024 * 1024;

    public FrameChannel(SocketChannel socket, FrameCodec codec) {
        try {
            socket.setOption(java.net.StandardSocketOptions.SO_SNDBUF, SOCKET_BUFFER_BYTES);
            socket.setOption(java.net.StandardSocketOptions.SO_RCVBUF, SOCKET_BUFFER_BYTES);
        } catch (IOException | UnsupportedOperationException e) {
            // the system's defaults still work, only with more waiting
        }
        this.socket = socket;
        this.codec = codec;
        this.in = new DataInputStream(new BufferedInputStream(Channels.newInputStream(socket), 64 * 1024));
        this.out = new BufferedOutputStream(Channels.newOutputStream(socket), 64 * 1024);
    }

    public void send(Command command) throws IOException {
        sendPayload(codec.encode(command));
    }

    public void send(Event event) throws IOException {
        sendPayload(codec.encode(event));
    }

    /** Sends a payload made by one of the codec's {@code encode} methods. */
    public void sendPayload(byte[] payload) throws IOException {
        sendLock.lock();
        try {
            FrameCodec.writeFrame(out, payload);
            out.flush();
        } finally {
            sendLock.unlock();
        }
    }

    public Command readCommand() throws IOException {
        return codec.decodeCommand(FrameCodec.readFrame(in));
    }

    public Event readEvent() throws IOException {
        return codec.decodeEvent(FrameCodec.readFrame(in));
    }

    public boolean isOpen() {
        return socket.isOpen();
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing is best effort; the peer sees end of stream either way
        }
    }
}
