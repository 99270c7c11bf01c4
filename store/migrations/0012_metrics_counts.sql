-- 0010: the daemon's /metrics counts open alerts by rule and severity and
-- the outbox by status and channel at every scrape (SPEC §8, Metrics).
-- These indexes answer both without reading the tables (an index-only scan
-- on PostgreSQL, a covering index on SQLite, which needs resolved_at in it
-- to see that): the open alerts' index holds only the open ones, however
-- many a district has resolved over the years. Open tasks are counted
-- from tasks_open (status, due).
CREATE INDEX alerts_open_severity ON alerts (rule, severity, resolved_at) WHERE resolved_at IS NULL;
CREATE INDEX outbox_status_channel ON outbox (status, routed_channel);
