package io.pgflex.e2e;

import static org.awaitility.Awaitility.await;

import io.pgflex.testkit.NodeAgentResource;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The backup benchmark (not part of the test suite: run by {@code bench/backup.sh}). A real server
 * (PostgreSQL 15) gets a pgbench database of scale {@code pgflex.bench.scale} (130: about 2 GB);
 * then, on the same data, side by side: pgflex's base backup (zstd + AES-256-GCM, 2 workers, into
 * the filesystem repository) and its restore (download, decrypt, decompress, check every file),
 * pgBackRest 2.45 (full, zst + aes-256-cbc, process-max 2, local posix repository) backup and restore,
 * {@code pg_basebackup -Ft -z}, and a plain tar of the data directory without pg_wal. Prints the
 * times, throughput, repository sizes, and one RESULT line with the ratios against pgBackRest.
 */
class BackupBench {
    static final String SUB = "sub-bench-backup";
    static final String PASSWORD = "B4ckup-bench-pass!";

    static RequestSpecification agent() {
        // as backup-service: base backups are its to start (the agents authorise by certificate)
        NodeAgentResource.shared();
        return NodeAgentResource.call("agent-1", "backup-service").contentType(ContentType.JSON);
    }

    @Test
    void backupAndRestoreSideBySide() throws Exception {
        int scale = Integer.getInteger("pgflex.bench.scale", 130);
        String name = "bench-backup";
        String base = Stack.servers(SUB, "rg-e2e") + "/" + name;
        int endpoint = Stack.readyServer(SUB, name, Stack.serverBody("15", "appadmin", PASSWORD, "1"));
        String serverId = Stack.api(SUB).get(base + "/endpoint").then().statusCode(200)
                .extract().path("properties.members[0].instanceId");
        // the first automatic backup (of an empty server) runs right after creation: let it finish first
        await("first automatic backup").atMost(Duration.ofSeconds(120)).until(() -> Stack.backupApi(SUB).get(base + "/backups")
                .then().extract().jsonPath().getList("value.findAll { it.properties.state == 'Completed' }").size() > 0);
        System.out.printf("loading pgbench scale %d through the endpoint (port %d)%n", scale, endpoint);
        new FailoverBench.Pgbench(endpoint, "appadmin", PASSWORD).init(scale);
        int port = agent().get("/agent/v1/instances/" + serverId).then().statusCode(200).extract().path("port");
        Path pgdata = NodeAgentResource.dataRoot("agent-1").resolve("instances").resolve(serverId).resolve("pgdata");
        Path sockets = NodeAgentResource.socketDir("agent-1");
        long dataBytes = Long.parseLong(sh("du -sb --exclude=pg_wal " + pgdata + " | cut -f1").trim());
        System.out.printf("data directory without pg_wal: %d MiB%n", dataBytes >> 20);
        Path work = Files.createTempDirectory("pgflex-bench-backup-");
        sh("chown postgres " + work + " && chmod 755 " + work);

        // pgflex: a base backup straight into the repository, then a restore of it (files only: the download and checks)
        sh("psql -h " + sockets + " -p " + port + " -U pgflex_agent -d postgres -Atc CHECKPOINT");
        String backupId = "bench-" + UUID.randomUUID().toString().substring(0, 8);
        agent().body("{\"backupId\":\"" + backupId + "\",\"kind\":\"OnDemand\"}").post("/agent/v1/instances/" + serverId + "/backups")
                .then().statusCode(200);
        JsonPath job = await("pgflex backup").atMost(Duration.ofMinutes(20)).pollInterval(Duration.ofMillis(100)).until(() ->
                agent().get("/agent/v1/instances/" + serverId + "/backups/" + backupId).then().extract().jsonPath(),
                j -> !"Running".equals(j.getString("state")));
        if (!"Completed".equals(job.getString("state"))) {
            throw new IllegalStateException("pgflex backup failed: " + job.prettify());
        }
        double pgflexBackup = (java.time.Instant.parse(job.getString("stoppedAt")).toEpochMilli()
                - java.time.Instant.parse(job.getString("startedAt")).toEpochMilli()) / 1000.0;
        long pgflexSize = job.getLong("storedBytes");
        String spec = """
                {"operationId":"bench","serverId":"%s","subscriptionId":"bench","serverName":"bench-restore",
                 "engineVersion":"15","skuName":"Standard_B2s","storageSizeGb":32,"adminLogin":"bench",
                 "parameters":{},"firewallRules":[],"publicNetworkAccess":false,"desiredState":"Running"}"""
                .formatted(UUID.randomUUID());
        // a scratch instance named as backup-service's restore drills are: the only restores the agent lets it make
        String scratch = "drill-" + UUID.randomUUID().toString().substring(0, 8);
        JsonPath restored = agent().body("{\"spec\":" + spec + ",\"sourceServerId\":\"" + serverId + "\",\"scratch\":true}")
                .put("/agent/v1/instances/" + scratch + "/restore").then().statusCode(200).extract().jsonPath();
        double pgflexRestore = restored.getLong("downloadMillis") / 1000.0;
        double pgflexRestoreTotal = restored.getLong("durationMillis") / 1000.0;
        agent().delete("/agent/v1/instances/" + scratch).then().statusCode(200);

        // pgBackRest, on the same data
        Path br = work.resolve("pgbackrest");
        Files.createDirectories(br);
        Files.writeString(br.resolve("pgbackrest.conf"), """
                [global]
                repo1-path=%s/repo
                repo1-cipher-type=aes-256-cbc
                repo1-cipher-pass=bench-%s
                compress-type=zst
                process-max=2
                start-fast=y
                archive-check=n
                log-level-console=warn
                log-level-file=off
                lock-path=%s/lock
                [bench]
                pg1-path=%s
                pg1-port=%d
                pg1-socket-path=%s
                pg1-user=pgflex_agent
                """.formatted(br, UUID.randomUUID(), br, pgdata, port, sockets));
        sh("chown -R postgres " + br);
        String pgbr = "su postgres -c 'pgbackrest --config=" + br.resolve("pgbackrest.conf") + " --stanza=bench ";
        sh(pgbr + "stanza-create'");
        double brBackup = timed(pgbr + "--type=full backup'");
        long brSize = Long.parseLong(sh("du -sb " + br.resolve("repo/backup") + " | cut -f1").trim());
        Path brRestoreDir = work.resolve("br-restore");
        sh("install -d -o postgres -m 700 " + brRestoreDir);
        double brRestore = timed(pgbr + "--pg1-path=" + brRestoreDir + " restore'");

        // pg_basebackup -Ft -z (replication over the local socket, for the agent's own role)
        sh("grep -q 'local replication pgflex_agent' " + pgdata.resolveSibling("conf").resolve("pg_hba.conf")
                + " || sed -i '1i local replication pgflex_agent trust' " + pgdata.resolveSibling("conf").resolve("pg_hba.conf"));
        sh("psql -h " + sockets + " -p " + port + " -U pgflex_agent -d postgres -Atc 'SELECT pg_reload_conf()'");
        Path bb = work.resolve("basebackup");
        double basebackup = timed("pg_basebackup -h " + sockets + " -p " + port + " -U pgflex_agent -Ft -z -c fast -D " + bb);
        long bbSize = Long.parseLong(sh("du -sb " + bb + " | cut -f1").trim());

        // tar of the data directory without pg_wal
        double tar = timed("tar -cf " + work.resolve("data.tar") + " --exclude=./pg_wal -C " + pgdata + " .");

        double mib = dataBytes / 1048576.0;
        System.out.printf("%-34s %8s %10s %12s%n", "", "seconds", "MiB/s", "stored MiB");
        row("pgflex backup (zstd+AES-GCM, 2 workers)", pgflexBackup, mib, pgflexSize);
        row("pgBackRest backup (zst+aes-256-cbc, 2)", brBackup, mib, brSize);
        row("pg_basebackup -Ft -z", basebackup, mib, bbSize);
        row("tar without pg_wal", tar, mib, dataBytes);
        row("pgflex restore (files, checked)", pgflexRestore, mib, -1);
        row("pgBackRest restore", brRestore, mib, -1);
        System.out.printf("pgflex restore including WAL replay and promotion: %.1f s%n", pgflexRestoreTotal);
        System.out.printf("RESULT data_mib=%.0f pgflex_backup_s=%.2f pgbackrest_backup_s=%.2f backup_ratio=%.2f"
                        + " pgflex_restore_s=%.2f pgbackrest_restore_s=%.2f restore_ratio=%.2f pgflex_mib=%.0f pgbackrest_mib=%.0f"
                        + " size_ratio=%.2f basebackup_s=%.2f tar_s=%.2f%n",
                mib, pgflexBackup, brBackup, pgflexBackup / brBackup, pgflexRestore, brRestore, pgflexRestore / brRestore,
                pgflexSize / 1048576.0, brSize / 1048576.0, (double) pgflexSize / brSize, basebackup, tar);
        sh("rm -rf " + work);
        Stack.expectSucceeded(SUB, Stack.api(SUB).delete(base));
    }

    static void row(String what, double seconds, double mib, long stored) {
        System.out.printf("%-40s %8.2f %10.0f %12s%n", what, seconds, mib / seconds, stored < 0 ? "" : Long.toString(stored >> 20));
    }

    static double timed(String command) throws Exception {
        long t0 = System.nanoTime();
        sh(command);
        return (System.nanoTime() - t0) / 1e9;
    }

    static String sh(String command) throws Exception {
        Process p = new ProcessBuilder("bash", "-c", command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IllegalStateException(command + " failed: " + out);
        }
        return out;
    }
}
