-- Shared by every pgflex service: transactional outbox and idempotent inbox.
CREATE TABLE pgflex_outbox (
    seq          BIGSERIAL PRIMARY KEY,          -- publication order
    event_id     UUID        NOT NULL UNIQUE,    -- ce_id
    topic        TEXT        NOT NULL,
    record_key   TEXT        NOT NULL,           -- server id: keeps one server's events ordered
    ce_type      TEXT        NOT NULL,
    source       TEXT        NOT NULL,
    subject      TEXT,
    data_version INT         NOT NULL,
    payload      TEXT        NOT NULL,           -- JSON
    created_at   TIMESTAMPTZ NOT NULL,
    published_at TIMESTAMPTZ,
    attempts     INT         NOT NULL DEFAULT 0,
    last_error   TEXT
);
CREATE INDEX pgflex_outbox_pending ON pgflex_outbox (seq) WHERE published_at IS NULL;

CREATE TABLE pgflex_inbox (
    event_id    TEXT        PRIMARY KEY,         -- ce_id of a handled event
    ce_type     TEXT        NOT NULL,
    source      TEXT        NOT NULL,
    topic       TEXT        NOT NULL,
    kafka_partition INT     NOT NULL,
    kafka_offset BIGINT     NOT NULL,
    handled_at  TIMESTAMPTZ NOT NULL
);
