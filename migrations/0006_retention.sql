-- edge-auth schema, migration 6: retention. The hourly Cron Trigger deletes audit_events older
-- than AUDIT_RETENTION_DAYS; this index lets it find them without reading the whole table
-- (D1 bills and times every row a query reads). login_throttle already has login_throttle_updated.
CREATE INDEX IF NOT EXISTS audit_events_at ON audit_events(at);
