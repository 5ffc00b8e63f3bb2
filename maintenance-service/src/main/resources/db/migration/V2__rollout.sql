-- What maintenance-service knows of each server (from pgflex.servers and pgflex.ha): where its instances run
CREATE TABLE servers (
    server_id        UUID PRIMARY KEY,
    subscription_id  TEXT        NOT NULL,
    resource_group   TEXT        NOT NULL,
    name             TEXT        NOT NULL,
    engine_major     TEXT        NOT NULL,
    minor_version    TEXT,
    ha_mode          TEXT        NOT NULL DEFAULT 'Disabled',
    ha_state         TEXT,
    ha_reason        TEXT,
    running          BOOLEAN     NOT NULL DEFAULT TRUE,
    ha_generation    BIGINT      NOT NULL DEFAULT 0,
    primary_agent    TEXT,
    primary_instance TEXT,
    standby_agent    TEXT,
    standby_instance TEXT,
    updated_at       TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX servers_by_name ON servers (subscription_id, lower(resource_group), lower(name));

-- The engine catalogue: the minor a platform operator published as current for its major
CREATE TABLE engine_versions (
    version       TEXT PRIMARY KEY,
    major         INT         NOT NULL,
    minor         INT         NOT NULL,
    current       BOOLEAN     NOT NULL,
    release_notes TEXT,
    published_at  TIMESTAMPTZ NOT NULL,
    published_by  TEXT        NOT NULL
);
CREATE UNIQUE INDEX engine_versions_current ON engine_versions (major) WHERE current;

-- Each planned, running or past maintenance of a server
CREATE TABLE maintenances (
    id               UUID PRIMARY KEY,
    server_id        UUID        NOT NULL,
    subscription_id  TEXT        NOT NULL,
    kind             TEXT        NOT NULL,
    from_version     TEXT        NOT NULL,
    target_version   TEXT        NOT NULL,
    state            TEXT        NOT NULL,
    scheduled_start  TIMESTAMPTZ NOT NULL,
    scheduled_end    TIMESTAMPTZ NOT NULL,
    first_start      TIMESTAMPTZ NOT NULL,
    published_at     TIMESTAMPTZ NOT NULL,
    schedule_reason  TEXT        NOT NULL,
    apply_now        BOOLEAN     NOT NULL DEFAULT FALSE,
    step             TEXT,
    step_reason      TEXT,
    step_since       TIMESTAMPTZ,
    -- the server's HA generation when a patched standby was released: Healthy must come after it
    release_generation BIGINT,
    attempt          INT         NOT NULL DEFAULT 1,
    started_at       TIMESTAMPTZ,
    ended_at         TIMESTAMPTZ,
    downtime_ms      BIGINT,
    failure          TEXT,
    created_at       TIMESTAMPTZ NOT NULL,
    updated_at       TIMESTAMPTZ NOT NULL
);
CREATE INDEX maintenances_by_server ON maintenances (server_id, created_at);
-- at most one open maintenance per server
CREATE UNIQUE INDEX maintenances_open ON maintenances (server_id) WHERE state IN ('Scheduled', 'InProgress');
