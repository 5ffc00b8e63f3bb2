-- Whether the primary answers, as the status resource and the server's properties.state tell it:
-- set (with the failover decision's reason) from about a second without an answer, cleared when a
-- primary answers again
ALTER TABLE ha_servers
    ADD COLUMN unavailable_reason TEXT;
