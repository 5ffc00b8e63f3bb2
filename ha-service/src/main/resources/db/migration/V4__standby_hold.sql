-- A maintenance patches the standby (maintenance-service's HoldStandby): commits do not wait for it and ha-service
-- neither re-clones it nor makes it synchronous until ReleaseStandby; the maintenance's id
ALTER TABLE ha_servers
    ADD COLUMN standby_hold TEXT,
    ADD COLUMN standby_hold_at TIMESTAMPTZ;

-- When a switchover's promotion completed: its write pause is from the clean stop (step_started_at) to this
ALTER TABLE ha_servers
    ADD COLUMN step_promoted_at TIMESTAMPTZ;
