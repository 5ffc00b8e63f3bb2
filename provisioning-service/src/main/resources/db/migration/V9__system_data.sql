-- ARM's systemData: who created the server and who last changed it (PUT/PATCH), and when. The
-- identity is the API token's subject; its type is ARM's (User or Application).
ALTER TABLE servers
    ADD COLUMN created_by            TEXT,
    ADD COLUMN created_by_type       TEXT,
    ADD COLUMN last_modified_by      TEXT,
    ADD COLUMN last_modified_by_type TEXT,
    ADD COLUMN last_modified_at      TIMESTAMPTZ;
