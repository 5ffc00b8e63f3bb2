package io.pgflex.backup.backup;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgflex.backup.config.Repository;
import io.pgflex.backup.policy.BackupPolicy;
import io.pgflex.repository.RepositoryLayout;
import io.pgflex.testkit.KafkaResource;
import io.pgflex.testkit.PostgresResource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * On-demand backups as long-running operations, against the real database, repository and the
 * service's scheduler: one asked for while a backup runs is queued (not refused) and starts when
 * that one has ended; a delete is an operation that ends when the files and the row are gone; a
 * queued backup deleted before it starts is canceled. The servers' agent is one that is not
 * configured here, so a started backup is not taken: it is queued again and tried until the backup
 * timeout (5 s here) has passed since it was asked for, then fails with the reason, on its operation too.
 */
@QuarkusTest
@io.quarkus.test.junit.TestProfile(OnDemandBackupTest.ShortTimeout.class)
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(PostgresResource.class)
class OnDemandBackupTest {
    /** A backup the agent does not take is tried again for 5 s, not 6 h. */
    public static class ShortTimeout implements io.quarkus.test.junit.QuarkusTestProfile {
        @Override
        public java.util.Map<String, String> getConfigOverrides() {
            return java.util.Map.of("pgflex.backup-service.backup-timeout", "5s");
        }
    }

    @Inject
    BackupService service;
    @Inject
    Repository repository;

    static final String SUB = "sub-ondemand";

    /** A running server whose primary runs on an agent this service has no address of, with a backup in state {@code running}. */
    private static UUID server(String name, BackupEntity.State running) {
        UUID id = UUID.randomUUID();
        QuarkusTransaction.requiringNew().run(() -> {
            BackupPolicy p = new BackupPolicy();
            p.serverId = id;
            p.subscriptionId = SUB;
            p.retentionDays = 7;
            p.serverName = name;
            p.resourceGroup = "rg";
            p.location = "westeurope";
            p.running = true;
            p.primaryAgentId = "agent-not-configured";
            p.primaryInstance = id.toString();
            p.updatedAt = Instant.now();
            p.persist();
            BackupEntity b = new BackupEntity();
            b.id = UUID.randomUUID();
            b.serverId = id;
            b.subscriptionId = SUB;
            b.name = "auto_first";
            b.kind = BackupEntity.Kind.Automatic;
            b.state = running;
            b.agentId = p.primaryAgentId;
            b.instanceId = p.primaryInstance;
            b.startedAt = Instant.now();
            b.completedAt = running == BackupEntity.State.Completed ? Instant.now() : null;
            b.persist();
        });
        return id;
    }

    private static BackupOperation operation(UUID id) {
        return QuarkusTransaction.requiringNew().call(() -> BackupOperation.findById(id));
    }

    private static BackupEntity row(UUID server, String name) {
        return QuarkusTransaction.requiringNew().call(() -> BackupEntity.byName(server, name).orElse(null));
    }

    @Test
    void anOnDemandBackupAskedForWhileOneRunsIsQueuedAndStartsWhenThatOneHasEnded() {
        UUID server = server("queued", BackupEntity.State.Running);
        BackupService.Outcome asked = service.onDemand(SUB, "rg", "queued", "mine");
        assertTrue(asked.isNew());
        assertEquals(BackupEntity.State.Queued, row(server, "mine").state, "waits for the running backup");
        assertEquals(BackupOperation.Status.InProgress, operation(asked.operation().id).status);

        QuarkusTransaction.requiringNew().run(() -> {
            BackupEntity first = BackupEntity.byName(server, "auto_first").orElseThrow();
            first.state = BackupEntity.State.Completed;
            first.completedAt = Instant.now();
        });
        BackupOperation ended = await("the queued backup started, was tried again and ended").atMost(Duration.ofSeconds(30))
                .until(() -> operation(asked.operation().id), op -> op.status != BackupOperation.Status.InProgress);
        assertEquals(BackupOperation.Status.Failed, ended.status);
        assertTrue(ended.errorMessage.contains("agent-not-configured") && ended.errorMessage.contains("tried for PT5S"),
                ended.errorMessage);
        assertEquals(BackupEntity.State.Failed, row(server, "mine").state);
    }

    @Test
    void aRepeatedPutOfAQueuedBackupAnswersTheSameOperation() {
        UUID server = server("repeat", BackupEntity.State.Running);
        BackupService.Outcome first = service.onDemand(SUB, "rg", "repeat", "again");
        BackupService.Outcome second = service.onDemand(SUB, "rg", "repeat", "again");
        assertFalse(second.isNew());
        assertEquals(first.operation().id, second.operation().id);
        assertEquals(2L, (long) QuarkusTransaction.requiringNew().call(() -> BackupEntity.count("serverId", server)),
                "the running backup and the one queued once");
    }

    @Test
    void aQueuedBackupDeletedBeforeItStartsIsCanceled() {
        UUID server = server("cancel", BackupEntity.State.Running);
        BackupService.Outcome asked = service.onDemand(SUB, "rg", "cancel", "never");
        BackupService.Outcome deleted = service.delete(SUB, "rg", "cancel", "never");
        assertNull(deleted.operation(), "nothing to wait for");
        assertNull(row(server, "never"));
        BackupOperation op = operation(asked.operation().id);
        assertEquals(BackupOperation.Status.Canceled, op.status);
        assertEquals("BackupCanceled", op.errorCode);
    }

    @Test
    void aDeletedBackupIsNoLongerRestorableAndItsOperationEndsWhenItsFilesAreGone() throws Exception {
        UUID server = server("delete", BackupEntity.State.Completed);
        UUID id = QuarkusTransaction.requiringNew().call(() -> {
            BackupEntity b = new BackupEntity();
            b.id = UUID.randomUUID();
            b.serverId = server;
            b.subscriptionId = SUB;
            b.name = "kept-by-me";
            b.kind = BackupEntity.Kind.OnDemand;
            b.state = BackupEntity.State.Completed;
            b.agentId = "agent-not-configured";
            b.instanceId = server.toString();
            b.startedAt = Instant.now();
            b.completedAt = Instant.now();
            b.persist();
            return b.id;
        });
        var repo = repository.store().repository();
        repo.put(RepositoryLayout.manifest(server.toString(), id.toString()), new byte[] {1});
        repo.put(RepositoryLayout.dataFile(server.toString(), id.toString(), "base/1/1"), new byte[] {1});

        BackupService.Outcome deleted = service.delete(SUB, "rg", "delete", "kept-by-me");
        assertTrue(QuarkusTransaction.requiringNew().call(() -> BackupEntity.completed(server)).stream()
                .noneMatch(b -> b.id.equals(id)), "no restore chooses a backup being deleted");

        BackupOperation op = await("the deletion ended").atMost(Duration.ofSeconds(20))
                .until(() -> operation(deleted.operation().id), o -> o.status != BackupOperation.Status.InProgress);
        assertEquals(BackupOperation.Status.Succeeded, op.status);
        assertNull(row(server, "kept-by-me"));
        assertTrue(repo.list(RepositoryLayout.backup(server.toString(), id.toString())).isEmpty(), "its files are gone");
        assertTrue(repo.size(RepositoryLayout.manifest(server.toString(), id.toString())).isEmpty());
    }
}
