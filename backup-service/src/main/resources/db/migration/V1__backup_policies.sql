-- How long a server's backups are kept; backup-service's own record of each server.
CREATE TABLE backup_policies (
    server_id       UUID PRIMARY KEY,
    subscription_id TEXT        NOT NULL,
    retention_days  INT         NOT NULL,
    geo_redundant   BOOLEAN     NOT NULL DEFAULT false,
    updated_at      TIMESTAMPTZ NOT NULL
);
