-- 0008: a notification that ended failed or undeliverable is reported once
-- (SPEC §8): the next writing run counts it in its summary and lists it in
-- the digests of the center admins of its recipient, and writes its own id
-- in reported_run (NULL until then). outbox retry sets reported_run NULL
-- again, so that a notification that fails again is reported again.
ALTER TABLE outbox ADD COLUMN reported_run BIGINT;
CREATE INDEX outbox_unreported ON outbox (id) WHERE reported_run IS NULL AND status IN ('failed', 'undeliverable');
