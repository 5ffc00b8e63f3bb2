-- The CA certificate (PEM) that signed the server's TLS certificate: published as
-- properties.caCertificate so clients connect with sslmode=verify-full. Standbys are cloned with the
-- same certificate, so it stays valid across failovers.
ALTER TABLE servers ADD COLUMN ca_certificate TEXT;
