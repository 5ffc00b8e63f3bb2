-- ha-service's own view of every server: what HA it asked for, what state HA is in
CREATE TABLE ha_servers (
    server_id       UUID PRIMARY KEY,
    subscription_id TEXT        NOT NULL,
    name            TEXT        NOT NULL,
    ha_mode         TEXT        NOT NULL,
    ha_state        TEXT        NOT NULL,
    events_handled  INT         NOT NULL DEFAULT 0,
    last_event_type TEXT,
    updated_at      TIMESTAMPTZ NOT NULL
);
