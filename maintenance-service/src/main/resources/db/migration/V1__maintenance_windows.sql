-- A server's maintenance window: system-managed until the user picks a custom day and hour.
CREATE TABLE maintenance_windows (
    server_id       UUID PRIMARY KEY,
    subscription_id TEXT        NOT NULL,
    custom_window   BOOLEAN     NOT NULL,
    day_of_week     INT         NOT NULL,
    start_hour      INT         NOT NULL,
    start_minute    INT         NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL
);
