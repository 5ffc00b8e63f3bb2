-- When the node agent took the backup job: a Running backup it does not know and never took was
-- recorded but not handed over (backup-service stopped in between, or the agent did not answer):
-- it is handed over again rather than failed.
ALTER TABLE backups ADD COLUMN launched_at TIMESTAMPTZ;
