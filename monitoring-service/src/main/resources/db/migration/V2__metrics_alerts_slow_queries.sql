-- Where each server lives in the ARM path (metrics, alert rules and slow queries are served under it)
-- and how full its storage is (storage protection: Normal, High, Full).
ALTER TABLE monitored_servers ADD COLUMN resource_group TEXT NOT NULL DEFAULT '';
ALTER TABLE monitored_servers ADD COLUMN storage_level TEXT NOT NULL DEFAULT 'Normal';
ALTER TABLE monitored_servers ADD COLUMN storage_level_since TIMESTAMPTZ;
ALTER TABLE monitored_servers ADD COLUMN storage_level_sent_at TIMESTAMPTZ;
ALTER TABLE monitored_servers ADD COLUMN deleted_at TIMESTAMPTZ;
CREATE INDEX monitored_servers_by_name ON monitored_servers (subscription_id, lower(resource_group), lower(name));

-- Metric names seen in batches, numbered (points store the number)
CREATE TABLE metric_definitions (
    id    SMALLSERIAL PRIMARY KEY,
    name  TEXT NOT NULL UNIQUE,
    unit  TEXT NOT NULL
);

-- One row per point; one partition per UTC day, dropped whole when older than the retention
CREATE TABLE metric_points (
    server_id UUID             NOT NULL,
    metric_id SMALLINT         NOT NULL,
    ts        TIMESTAMPTZ      NOT NULL,
    value     DOUBLE PRECISION NOT NULL
) PARTITION BY RANGE (ts);
CREATE INDEX metric_points_lookup ON metric_points (server_id, metric_id, ts);

-- Batches already stored (instance, collection time): a redelivered batch is stored once
CREATE TABLE ingested_batches (
    instance_id  TEXT        NOT NULL,
    collected_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (instance_id, collected_at)
) PARTITION BY RANGE (collected_at);

-- Hourly aggregates of closed hours, so long ranges read 24 rows a day instead of 1,440
CREATE TABLE metric_hourly (
    server_id UUID             NOT NULL,
    metric_id SMALLINT         NOT NULL,
    hour      TIMESTAMPTZ      NOT NULL,
    samples   INT              NOT NULL,
    total     DOUBLE PRECISION NOT NULL,
    minimum   DOUBLE PRECISION NOT NULL,
    maximum   DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (server_id, metric_id, hour)
);

-- Hours with points not yet in metric_hourly; marks counts writes so a rollup racing a late write
-- leaves the hour pending
CREATE TABLE rollup_pending (
    hour  TIMESTAMPTZ PRIMARY KEY,
    marks BIGINT NOT NULL
);

CREATE TABLE slow_queries (
    server_id       UUID             NOT NULL,
    instance_id     TEXT             NOT NULL,
    logged_at       TIMESTAMPTZ      NOT NULL,
    database_name   TEXT,
    user_name       TEXT,
    process_id      INT              NOT NULL,
    duration_ms     DOUBLE PRECISION NOT NULL,
    query           TEXT             NOT NULL,
    PRIMARY KEY (server_id, instance_id, logged_at, process_id, duration_ms)
);

-- Snapshots of pg_stat_statements' costliest lines (cumulative counters)
CREATE TABLE statement_stats (
    server_id     UUID             NOT NULL,
    collected_at  TIMESTAMPTZ      NOT NULL,
    query_id      TEXT             NOT NULL,
    database_name TEXT,
    user_name     TEXT,
    query         TEXT             NOT NULL,
    calls         BIGINT           NOT NULL,
    total_ms      DOUBLE PRECISION NOT NULL,
    mean_ms       DOUBLE PRECISION NOT NULL,
    rows_returned BIGINT           NOT NULL,
    PRIMARY KEY (server_id, collected_at, query_id, database_name, user_name)
);

CREATE TABLE alert_rules (
    id                 UUID PRIMARY KEY,
    server_id          UUID             NOT NULL,
    name               TEXT             NOT NULL,
    description        TEXT,
    metric             TEXT             NOT NULL,
    operator           TEXT             NOT NULL,
    threshold          DOUBLE PRECISION NOT NULL,
    aggregation        TEXT             NOT NULL,
    window_seconds     BIGINT           NOT NULL,
    frequency_seconds  BIGINT           NOT NULL,
    severity           INT              NOT NULL,
    enabled            BOOLEAN          NOT NULL,
    webhook_url        TEXT,
    state              TEXT             NOT NULL,
    last_value         DOUBLE PRECISION,
    last_evaluated_at  TIMESTAMPTZ,
    next_evaluation_at TIMESTAMPTZ      NOT NULL,
    fired_at           TIMESTAMPTZ,
    resolved_at        TIMESTAMPTZ,
    created_at         TIMESTAMPTZ      NOT NULL,
    updated_at         TIMESTAMPTZ      NOT NULL
);
CREATE UNIQUE INDEX alert_rules_name ON alert_rules (server_id, lower(name));
CREATE INDEX alert_rules_due ON alert_rules (next_evaluation_at) WHERE enabled;

-- Webhook calls of fired/resolved alerts, retried with backoff until delivered or given up
CREATE TABLE webhook_deliveries (
    id              UUID PRIMARY KEY,
    rule_id         UUID        NOT NULL,
    url             TEXT        NOT NULL,
    payload         TEXT        NOT NULL,
    attempts        INT         NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMPTZ NOT NULL,
    delivered_at    TIMESTAMPTZ,
    failed_at       TIMESTAMPTZ,
    last_error      TEXT,
    created_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE delivered_at IS NULL AND failed_at IS NULL;
