package io.pgflex.repository;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;

/**
 * The backup master key rotation's last step, as a command: re-wraps every server's data key in the
 * repository under the current master key. Reads a component's configuration file (the repository
 * settings and {@link MasterKeys}, with the previous key still listed).
 *
 * <pre>java -cp … io.pgflex.repository.RewrapTool CONFIG.properties</pre>
 */
public final class RewrapTool {
    private RewrapTool() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: RewrapTool CONFIG.properties (pgflex.backup.repository.*, pgflex.backup.master-key-file,"
                    + " pgflex.backup.previous-master-key-files)");
            System.exit(2);
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(Path.of(args[0]))) {
            p.load(r);
        }
        try (BackupStore store = new BackupStore(k -> Optional.ofNullable(p.getProperty(k)), Path.of("backup-repository"))) {
            KeyRing.Rewrapped done = store.rewrap();
            System.out.println("data keys re-wrapped under the current master key: " + done.rewrapped() + " (already current: "
                    + done.alreadyCurrent() + ") in " + store.repository().describe());
        }
    }
}
