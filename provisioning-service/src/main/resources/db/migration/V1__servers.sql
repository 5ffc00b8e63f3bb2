CREATE TABLE servers (
    id              UUID PRIMARY KEY,
    subscription_id TEXT        NOT NULL,
    resource_group  TEXT        NOT NULL,
    name            TEXT        NOT NULL,
    location        TEXT        NOT NULL,
    sku_name        TEXT        NOT NULL,
    sku_tier        TEXT        NOT NULL,
    version         TEXT        NOT NULL,
    admin_login     TEXT        NOT NULL,
    storage_gb      INT         NOT NULL,
    state           TEXT        NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL
);
-- server names make host names: unique in a deployment, as Azure's are across the region
CREATE UNIQUE INDEX servers_name ON servers (name);
CREATE INDEX servers_by_group ON servers (subscription_id, lower(resource_group));
