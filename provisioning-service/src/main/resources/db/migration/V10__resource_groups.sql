-- Resource groups as ARM clients manage them (az CLI creates one before a server): a name, a
-- location and tags per subscription; names compare case-insensitively. Servers may still name a
-- group that was never created (pgflex's groups were implicit before): it then shows as existing.
CREATE TABLE resource_groups (
    subscription_id TEXT        NOT NULL,
    name_key        TEXT        NOT NULL,
    name            TEXT        NOT NULL,
    location        TEXT        NOT NULL,
    tags            TEXT        NOT NULL DEFAULT '{}',
    created_at      TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (subscription_id, name_key)
);
