package io.pgflex.repository;

import java.io.IOException;

/**
 * An upload to an object store that buffers one part at a time: a small object goes up in one
 * request when closed; a large one as parts (multipart upload, staged blocks) committed on close.
 */
abstract class ChunkedUpload extends BackupRepository.Upload {
    static final int PART_SIZE = 8 << 20;

    private byte[] buffer = new byte[1 << 16];
    private int filled;
    private int parts;
    private boolean done;

    /** Sends one full part (numbered from 1). */
    protected abstract void part(int number, byte[] data, int length) throws IOException;

    /** Publishes an object small enough for one request (no part was sent). */
    protected abstract void single(byte[] data, int length) throws IOException;

    /** Publishes the parts sent so far. */
    protected abstract void commit(int partCount) throws IOException;

    /** Drops the parts sent so far. */
    protected abstract void discard(int partCount);

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        if (done) {
            throw new IOException("upload already closed");
        }
        while (len > 0) {
            if (filled == buffer.length && buffer.length < PART_SIZE) {
                buffer = java.util.Arrays.copyOf(buffer, Math.min(PART_SIZE, buffer.length * 4));
            }
            int n = Math.min(len, buffer.length - filled);
            System.arraycopy(b, off, buffer, filled, n);
            filled += n;
            off += n;
            len -= n;
            if (filled == PART_SIZE) {
                part(++parts, buffer, filled);
                filled = 0;
            }
        }
    }

    @Override
    public void close() throws IOException {
        if (done) {
            return;
        }
        done = true;
        try {
            if (parts == 0) {
                single(buffer, filled);
                return;
            }
            if (filled > 0) {
                part(++parts, buffer, filled);
            }
            commit(parts);
        } catch (IOException | RuntimeException e) {
            discard(parts);
            throw e;
        }
    }

    @Override
    public void abort() {
        if (!done) {
            done = true;
            discard(parts);
        }
    }
}
