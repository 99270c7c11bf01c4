-- 0010: the teacher API (SPEC §8). A token is stored as the SHA-256 of the
-- token (hex), never the token itself, which `baoxue token create` prints
-- once. teacher_id is the teachers directory's id of the teacher the token
-- acts for ('' for an admin token, admin TRUE); created_by is who made it
-- (the audit's actor, cli:USER). Instants are store.TimeFormat (UTC), so
-- text order is time order: a token is valid until expires_at, and from
-- revoked_at on it is not. It replaces 0001's tokens, which nothing wrote.
DROP TABLE tokens;
CREATE TABLE tokens (
    id         {{serial}},
    hash       TEXT NOT NULL UNIQUE,
    teacher_id TEXT NOT NULL DEFAULT '',
    admin      BOOLEAN NOT NULL DEFAULT FALSE,
    created_by TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    revoked_at TEXT
);
-- A task a teacher closes through the API keeps who closed it and what
-- they wrote; note stays what the run that made the task wrote (a pairing's
-- reason). Tasks closed by a run leave both ''.
ALTER TABLE tasks ADD COLUMN closed_by TEXT NOT NULL DEFAULT '';
ALTER TABLE tasks ADD COLUMN close_note TEXT NOT NULL DEFAULT '';
