-- A flexible server as the control plane records it: the desired state, and where it runs.
CREATE TABLE servers (
    id                      UUID PRIMARY KEY,
    subscription_id         TEXT        NOT NULL,
    resource_group          TEXT        NOT NULL,
    name                    TEXT        NOT NULL,
    location                TEXT        NOT NULL,
    tags                    TEXT        NOT NULL DEFAULT '{}',
    sku_name                TEXT        NOT NULL,
    sku_tier                TEXT        NOT NULL,
    version                 TEXT        NOT NULL,
    minor_version           TEXT,
    admin_login             TEXT        NOT NULL,
    admin_password_verifier TEXT        NOT NULL,      -- SCRAM-SHA-256 verifier, never the password
    storage_gb              INT         NOT NULL,
    storage_auto_grow       BOOLEAN     NOT NULL DEFAULT false,
    backup_retention_days   INT         NOT NULL DEFAULT 7,
    geo_redundant_backup    BOOLEAN     NOT NULL DEFAULT false,
    ha_mode                 TEXT        NOT NULL DEFAULT 'Disabled',
    availability_zone       TEXT,
    maintenance_custom      BOOLEAN     NOT NULL DEFAULT false,
    maintenance_day         INT         NOT NULL DEFAULT 0,
    maintenance_hour        INT         NOT NULL DEFAULT 0,
    maintenance_minute      INT         NOT NULL DEFAULT 0,
    public_network_access   BOOLEAN     NOT NULL DEFAULT true,
    parameters              TEXT        NOT NULL DEFAULT '{}',   -- user-set server parameters (JSON)
    state                   TEXT        NOT NULL,
    agent_id                TEXT,
    instance_id             TEXT,
    host                    TEXT,
    port                    INT,
    resource_limits         TEXT,
    stopped_at              TIMESTAMPTZ,
    created_at              TIMESTAMPTZ NOT NULL,
    updated_at              TIMESTAMPTZ NOT NULL
);
-- server names make host names: unique in a deployment, as Azure's are across the region
CREATE UNIQUE INDEX servers_name ON servers (name);
CREATE INDEX servers_by_group ON servers (subscription_id, lower(resource_group));

CREATE TABLE firewall_rules (
    server_id   UUID NOT NULL REFERENCES servers (id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    start_ip    TEXT NOT NULL,
    end_ip      TEXT NOT NULL,
    PRIMARY KEY (server_id, name)
);

-- Long-running operations: the intent, persisted before it is carried out, so a crash resumes it.
CREATE TABLE operations (
    id              UUID PRIMARY KEY,
    subscription_id TEXT        NOT NULL,
    location        TEXT        NOT NULL,
    server_id       UUID        NOT NULL,
    server_name     TEXT        NOT NULL,
    kind            TEXT        NOT NULL,
    detail          TEXT        NOT NULL DEFAULT '{}',
    status          TEXT        NOT NULL,
    step            TEXT,
    percent_complete INT        NOT NULL DEFAULT 0,
    attempts        INT         NOT NULL DEFAULT 0,
    error_code      TEXT,
    error_message   TEXT,
    lease_until     TIMESTAMPTZ,
    started_at      TIMESTAMPTZ NOT NULL,
    ended_at        TIMESTAMPTZ
);
CREATE INDEX operations_pending ON operations (started_at) WHERE status = 'InProgress';
CREATE INDEX operations_by_server ON operations (server_id, started_at);
