-- What backup-service knows of each server beyond its retention: where its primary runs, whether
-- it should run, when it was deleted (its backups stay restorable for the retention period after),
-- and the earliest point its backups restore to now.
ALTER TABLE backup_policies
    ADD COLUMN resource_group     TEXT,
    ADD COLUMN server_name        TEXT,
    ADD COLUMN primary_agent_id   TEXT,
    ADD COLUMN primary_instance   TEXT,
    ADD COLUMN ha_generation      BIGINT      NOT NULL DEFAULT 0,
    ADD COLUMN running            BOOLEAN     NOT NULL DEFAULT false,
    ADD COLUMN deleted_at         TIMESTAMPTZ,
    ADD COLUMN restorable_from    TIMESTAMPTZ,
    ADD COLUMN last_drill_at      TIMESTAMPTZ;

-- Every base backup: running, completed (restorable) or failed. Expired backups are deleted rows.
CREATE TABLE backups (
    id              UUID PRIMARY KEY,
    server_id       UUID        NOT NULL,
    subscription_id TEXT        NOT NULL,
    name            TEXT        NOT NULL,
    kind            TEXT        NOT NULL,
    state           TEXT        NOT NULL,
    agent_id        TEXT        NOT NULL,
    instance_id     TEXT        NOT NULL,
    started_at      TIMESTAMPTZ NOT NULL,
    completed_at    TIMESTAMPTZ,
    engine_version  TEXT,
    timeline        INT,
    start_lsn       TEXT,
    stop_lsn        TEXT,
    start_wal       TEXT,
    stop_wal        TEXT,
    size_bytes      BIGINT,
    stored_bytes    BIGINT,
    file_count      INT,
    error           TEXT,
    verify_state    TEXT,
    verified_at     TIMESTAMPTZ,
    verify_detail   TEXT,
    drill_state     TEXT,
    drill_at        TIMESTAMPTZ,
    drill_detail    TEXT,
    UNIQUE (server_id, name)
);
-- one base backup of a server at a time
CREATE UNIQUE INDEX backups_one_running ON backups (server_id) WHERE state = 'Running';
CREATE INDEX backups_by_server ON backups (server_id, started_at);
