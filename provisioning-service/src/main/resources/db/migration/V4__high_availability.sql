-- The HA picture of each server as ha-service announces it (HaStateChanged): the standby instance,
-- where it runs, the state and why the server runs without a synchronous standby.
ALTER TABLE servers
    ADD COLUMN ha_state            TEXT   NOT NULL DEFAULT 'NotEnabled',
    ADD COLUMN ha_generation       BIGINT NOT NULL DEFAULT 0,
    ADD COLUMN ha_degraded_reason  TEXT,
    ADD COLUMN standby_agent_id    TEXT,
    ADD COLUMN standby_instance_id TEXT,
    ADD COLUMN standby_host        TEXT,
    ADD COLUMN standby_port        INT,
    ADD COLUMN standby_zone        TEXT;
