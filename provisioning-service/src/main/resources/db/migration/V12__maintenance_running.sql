-- a maintenance (maintenance-service) is patching the server: the resource shows Updating meanwhile
ALTER TABLE servers ADD COLUMN maintenance_id VARCHAR(64);
