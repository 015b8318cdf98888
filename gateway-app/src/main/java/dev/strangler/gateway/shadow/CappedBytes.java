package dev.strangler.gateway.shadow;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;

import org.springframework.core.io.buffer.DataBuffer;

/**
 * Copies bytes passing through up to a limit, without touching the buffers they came in. Past the limit it
 * keeps nothing more and remembers that it overflowed. Synchronized because the
 * last chunk and the read of the whole may happen on different threads.
 */
final class CappedBytes {

    private final int limit;
    private ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private boolean overflowed;

    CappedBytes(int limit) {
        this.limit = limit;
    }

    synchronized void append(DataBuffer buffer) {
        if (overflowed) {
            return;
        }
        if (bytes.size() + buffer.readableByteCount() > limit) {
            overflow();
            return;
        }
        try (DataBuffer.ByteBufferIterator views = buffer.readableByteBuffers()) {
            while (views.hasNext()) {
                copy(views.next());
            }
        }
    }

    /** Appends the bytes {@code view} has left, without moving its position. */
    synchronized void append(ByteBuffer view) {
        if (overflowed) {
            return;
        }
        if (bytes.size() + view.remaining() > limit) {
            overflow();
            return;
        }
        copy(view.duplicate());
    }

    private void copy(ByteBuffer view) {
        byte[] chunk = new byte[view.remaining()];
        view.get(chunk);
        bytes.write(chunk, 0, chunk.length);
    }

    synchronized void append(byte[] chunk) {
        if (overflowed) {
            return;
        }
        if (bytes.size() + chunk.length > limit) {
            overflow();
            return;
        }
        bytes.write(chunk, 0, chunk.length);
    }

    private void overflow() {
        overflowed = true;
        bytes = null;
    }

    synchronized boolean overflowed() {
        return overflowed;
    }

    synchronized byte[] toByteArray() {
        if (overflowed) {
            throw new IllegalStateException("body exceeded " + limit + " bytes");
        }
        return bytes.toByteArray();
    }
}
