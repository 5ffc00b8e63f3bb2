-- Where a step that waits (for the router, for ha-service) left off: JSON, read by the step when it runs again,
-- so no worker blocks while an operation waits and a resumed operation goes on from there.
ALTER TABLE operations ADD COLUMN checkpoint text;
