-- Where each server is (the location segment of its operation URLs).
ALTER TABLE backup_policies ADD COLUMN location TEXT;

-- A backup PUT or DELETE as ARM clients poll it (Azure-AsyncOperation): InProgress until the backup
-- has completed, failed or been removed. Its status outlives the backup row (a deleted backup has none).
CREATE TABLE backup_operations (
    id              UUID PRIMARY KEY,
    subscription_id TEXT        NOT NULL,
    server_id       UUID        NOT NULL,
    backup_id       UUID        NOT NULL,
    backup_name     TEXT        NOT NULL,
    kind            TEXT        NOT NULL,
    status          TEXT        NOT NULL,
    error_code      TEXT,
    error_message   TEXT,
    started_at      TIMESTAMPTZ NOT NULL,
    ended_at        TIMESTAMPTZ
);
CREATE INDEX backup_operations_by_backup ON backup_operations (backup_id, status);
