-- 0007: the dispatcher (SPEC §8). A dispatcher claims a due pending row by
-- writing its own name in claimed_by and the end of its lease in
-- claimed_until (both '' when no one holds it; instants in TimeFormat, so
-- text order is time order). A claim whose lease has passed may be taken
-- by another dispatcher: one that crashed between sending and marking the
-- row sent loses it, and the retry carries the same idempotency key.
-- routed_channel is the channel the row was last given to ('' until then;
-- channel stays what the writer asked for, '' to route by configuration).
-- status is pending, sent, failed (the last attempt failed, or a failure
-- not worth retrying), or undeliverable (the channel cannot address the
-- recipient); last_error says why.
ALTER TABLE outbox ADD COLUMN claimed_by TEXT NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN claimed_until TEXT NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN routed_channel TEXT NOT NULL DEFAULT '';
