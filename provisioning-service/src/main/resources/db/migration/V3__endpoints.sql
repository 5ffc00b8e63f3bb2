-- The stable endpoint of each server: a port on the router that always leads to the current primary.
ALTER TABLE servers ADD COLUMN endpoint_port INT;
ALTER TABLE servers ADD COLUMN endpoint_generation BIGINT NOT NULL DEFAULT 0;
CREATE UNIQUE INDEX servers_endpoint_port ON servers (endpoint_port);
