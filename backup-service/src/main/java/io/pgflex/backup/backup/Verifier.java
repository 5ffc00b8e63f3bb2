package io.pgflex.backup.backup;

import io.pgflex.backup.config.Repository;
import io.pgflex.repository.BackupManifest;
import io.pgflex.repository.BackupRepository;
import io.pgflex.repository.RepositoryLayout;
import io.pgflex.repository.Sealed;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.crypto.SecretKey;
import org.jboss.logging.Logger;

/**
 * Reads a backup back from the repository and checks it: the manifest opens, every file opens
 * (each chunk authenticates) and matches its recorded SHA-256, and every WAL segment from the
 * backup's start to its end is archived and opens. Records Passed or Failed (with what failed) on the backup.
 */
@ApplicationScoped
public class Verifier {
    private static final Logger LOG = Logger.getLogger(Verifier.class);

    private final Repository repository;
    private final Clock clock;

    public Verifier(Repository repository, Clock clock) {
        this.repository = repository;
        this.clock = clock;
    }

    public record Result(boolean passed, String detail) {
    }

    public Result verify(UUID backupId) {
        BackupEntity b = QuarkusTransaction.requiringNew().call(() -> BackupEntity.<BackupEntity>findById(backupId));
        long t0 = System.nanoTime();
        List<String> problems = new ArrayList<>();
        long bytes = 0;
        int files = 0;
        try {
            BackupRepository repo = repository.store().repository();
            SecretKey key = repository.store().existingDataKey(b.serverId.toString());
            BackupManifest m = BackupManifest.read(repo, key, b.serverId.toString(), b.id.toString());
            for (BackupManifest.FileEntry f : m.files()) {
                try (InputStream in = repo.open(RepositoryLayout.dataFile(m.serverId(), m.backupId(), f.path()))) {
                    bytes += Sealed.verify(in, key, f.sha256());
                    files++;
                } catch (IOException e) {
                    problems.add(f.path() + ": " + e.getMessage());
                }
                if (problems.size() >= 10) {
                    break;
                }
            }
            for (String wal : io.pgflex.backup.wal.WalNames.segments(m.startWal(), m.stopWal())) {
                try (InputStream in = repo.open(RepositoryLayout.wal(m.serverId(), wal))) {
                    Sealed.verify(in, key, null);
                } catch (IOException e) {
                    problems.add("WAL " + wal + ": " + e.getMessage());
                }
            }
        } catch (IOException | RuntimeException e) {
            problems.add("manifest: " + e.getMessage());
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        Result result = problems.isEmpty()
                ? new Result(true, files + " files (" + (bytes >> 20) + " MiB) and WAL " + b.startWal + ".." + b.stopWal
                + " read back and matched in " + ms + " ms")
                : new Result(false, String.join("; ", problems));
        QuarkusTransaction.requiringNew().run(() -> {
            BackupEntity row = BackupEntity.findById(backupId);
            if (row != null) {
                row.verifyState = result.passed() ? "Passed" : "Failed";
                row.verifiedAt = clock.instant();
                row.verifyDetail = result.detail();
            }
        });
        if (result.passed()) {
            LOG.infof("backup %s of server %s verified: %s", b.name, b.serverId, result.detail());
        } else {
            LOG.errorf("backup %s of server %s FAILED verification: %s", b.name, b.serverId, result.detail());
        }
        return result;
    }
}
