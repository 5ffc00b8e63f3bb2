-- Backups and point-in-time restore: the earliest point a server's backups restore to (from
-- backup-service's events), how a server was created, and the servers deleted within their
-- retention (restorable as new servers until it runs out).
ALTER TABLE servers
    ADD COLUMN restorable_from  TIMESTAMPTZ,
    ADD COLUMN create_mode      TEXT NOT NULL DEFAULT 'Default',
    ADD COLUMN source_server_id UUID,
    ADD COLUMN point_in_time    TIMESTAMPTZ,
    -- a stopped server: everything committed before this is in its WAL archive (the switch at the stop)
    ADD COLUMN archived_until   TIMESTAMPTZ;

CREATE TABLE deleted_servers (
    id                      UUID PRIMARY KEY,
    subscription_id         TEXT        NOT NULL,
    resource_group          TEXT        NOT NULL,
    name                    TEXT        NOT NULL,
    location                TEXT        NOT NULL,
    version                 TEXT        NOT NULL,
    sku_name                TEXT        NOT NULL,
    sku_tier                TEXT        NOT NULL,
    storage_gb              INT         NOT NULL,
    admin_login             TEXT        NOT NULL,
    admin_password_verifier TEXT        NOT NULL,
    backup_retention_days   INT         NOT NULL,
    restorable_from         TIMESTAMPTZ,
    restorable_until        TIMESTAMPTZ,
    deleted_at              TIMESTAMPTZ NOT NULL
);
CREATE INDEX deleted_servers_by_name ON deleted_servers (subscription_id, name, deleted_at);
