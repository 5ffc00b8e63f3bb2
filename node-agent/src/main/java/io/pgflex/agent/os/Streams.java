package io.pgflex.agent.os;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** Copying a stream in large pieces (base backups and WAL files go through a compressing, encrypting writer). */
public final class Streams {
    private Streams() {
    }

    /** Copies with a large buffer: the compressor and cipher behind {@code out} work best on big writes. */
    public static void copy(InputStream in, OutputStream out) throws IOException {
        byte[] buf = new byte[256 << 10];
        for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
            out.write(buf, 0, n);
        }
    }
}
