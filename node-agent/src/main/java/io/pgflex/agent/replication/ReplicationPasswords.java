package io.pgflex.agent.replication;

import io.pgflex.agent.instances.ReplicationState;
import java.security.SecureRandom;
import java.util.HexFormat;

/** The replication role's password of a server: kept once an instance has one, else a new random one. */
final class ReplicationPasswords {
    private static final SecureRandom RANDOM = new SecureRandom();

    private ReplicationPasswords() {
    }

    /** The server's replication password the instance already has, or a new one. */
    static String of(ReplicationState current) {
        return current != null && current.password() != null ? current.password() : fresh();
    }

    static String fresh() {
        byte[] b = new byte[24];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
