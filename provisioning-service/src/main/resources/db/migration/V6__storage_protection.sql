-- Storage protection: a server whose storage is full (monitoring-service's StorageLevelChanged Full)
-- and cannot autogrow runs with default_transaction_read_only=on until its storage is back under 95 %.
ALTER TABLE servers ADD COLUMN storage_read_only BOOLEAN NOT NULL DEFAULT false;
