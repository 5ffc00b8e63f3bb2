-- Whether the server's primary answers, as ha-service last announced it (HaStateChanged v2):
-- a Ready server whose primary does not answer shows properties.state Inaccessible
ALTER TABLE servers ADD COLUMN primary_available BOOLEAN NOT NULL DEFAULT TRUE;
