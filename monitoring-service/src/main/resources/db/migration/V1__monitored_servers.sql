-- A server whose metrics monitoring-service collects and keeps.
CREATE TABLE monitored_servers (
    server_id       UUID PRIMARY KEY,
    subscription_id TEXT        NOT NULL,
    name            TEXT        NOT NULL,
    metrics_retention_days INT  NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL
);
