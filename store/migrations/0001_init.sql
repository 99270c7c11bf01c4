-- 0001: the whole schema of baoxue. Types are chosen to run unchanged on SQLite
-- and PostgreSQL: dates are TEXT 'YYYY-MM-DD' and instants TEXT RFC 3339 UTC
-- (so both engines sort and print them identically), booleans BOOLEAN, and
-- {{serial}} is the only spelling that differs. Optional references are ''
-- rather than NULL in roster tables; lifecycle instants are NULL until they
-- happen. References are checked by the importer, which reports them at their
-- CSV line, rather than by foreign keys that could only say "constraint failed".

CREATE TABLE schools (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    center     TEXT NOT NULL,
    township   TEXT NOT NULL DEFAULT '',
    updated_at TEXT NOT NULL
);
CREATE INDEX schools_center ON schools (center);

CREATE TABLE teachers (
    id              TEXT PRIMARY KEY,
    name            TEXT NOT NULL,
    school_id       TEXT NOT NULL DEFAULT '',
    center          TEXT NOT NULL DEFAULT '',
    role            TEXT NOT NULL DEFAULT 'teacher',
    phone           TEXT NOT NULL DEFAULT '',
    wecom_userid    TEXT NOT NULL DEFAULT '',
    dingtalk_userid TEXT NOT NULL DEFAULT '',
    email           TEXT NOT NULL DEFAULT '',
    updated_at      TEXT NOT NULL
);
CREATE INDEX teachers_school ON teachers (school_id, role);
CREATE INDEX teachers_center ON teachers (center, role);

CREATE TABLE villages (
    township   TEXT NOT NULL DEFAULT '',
    village    TEXT NOT NULL,
    school_id  TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (township, village)
);

-- students.sid is the internal row key every other table refers to; key is the
-- opaque identifier the API and pages show; id is the current 学籍号.
CREATE TABLE students (
    sid                 {{serial}},
    key                 TEXT NOT NULL UNIQUE,
    id                  TEXT NOT NULL UNIQUE,
    name                TEXT NOT NULL,
    gender              TEXT NOT NULL DEFAULT '',
    birth_date          TEXT NOT NULL,
    national_id         TEXT NOT NULL DEFAULT '',
    school_id           TEXT NOT NULL,
    grade               INTEGER NOT NULL,
    class               TEXT NOT NULL DEFAULT '',
    homeroom_teacher_id TEXT NOT NULL DEFAULT '',
    status              TEXT NOT NULL DEFAULT 'enrolled',
    suspended_until     TEXT NOT NULL DEFAULT '',
    returned_at         TEXT NOT NULL DEFAULT '',
    township            TEXT NOT NULL DEFAULT '',
    village             TEXT NOT NULL DEFAULT '',
    left_behind         INTEGER NOT NULL DEFAULT 0,
    migrant             BOOLEAN NOT NULL DEFAULT FALSE,
    returning_child     BOOLEAN NOT NULL DEFAULT FALSE,
    orphan              BOOLEAN NOT NULL DEFAULT FALSE,
    boarding            BOOLEAN NOT NULL DEFAULT FALSE,
    disabled            BOOLEAN NOT NULL DEFAULT FALSE,
    disability_type     TEXT NOT NULL DEFAULT '',
    disability_level    INTEGER NOT NULL DEFAULT 0,
    hardship            BOOLEAN NOT NULL DEFAULT FALSE,
    poverty             TEXT NOT NULL DEFAULT 'none',
    home_taught         BOOLEAN NOT NULL DEFAULT FALSE,
    pairing_teacher_id  TEXT NOT NULL DEFAULT '',
    guardian_phone      TEXT NOT NULL DEFAULT '',
    created_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL
);
CREATE INDEX students_school ON students (school_id, status);
CREATE INDEX students_national_id ON students (national_id);

-- Every 学籍号 a student has ever had: a temporary L number stays valid in later
-- attendance files after the formal G number replaced it.
CREATE TABLE student_ids (
    alias TEXT PRIMARY KEY,
    sid   BIGINT NOT NULL
);
CREATE INDEX student_ids_sid ON student_ids (sid);

-- A school day with no row means present (exception-based attendance).
CREATE TABLE attendance (
    sid    BIGINT NOT NULL,
    date   TEXT NOT NULL,
    status TEXT NOT NULL,
    note   TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (sid, date)
);
CREATE INDEX attendance_date ON attendance (date);

CREATE TABLE calendar (
    from_date TEXT NOT NULL,
    to_date   TEXT NOT NULL,
    kind      TEXT NOT NULL,
    school_id TEXT NOT NULL DEFAULT '',
    note      TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (from_date, school_id)
);

CREATE TABLE contacts (
    id         {{serial}},
    sid        BIGINT NOT NULL,
    date       TEXT NOT NULL,
    teacher_id TEXT NOT NULL,
    channel    TEXT NOT NULL DEFAULT 'other',
    outcome    TEXT NOT NULL DEFAULT '',
    note       TEXT NOT NULL DEFAULT '',
    source     TEXT NOT NULL DEFAULT 'import',
    created_at TEXT NOT NULL,
    UNIQUE (sid, date, teacher_id, channel)
);
CREATE INDEX contacts_date ON contacts (date);

CREATE TABLE home_teaching (
    sid         BIGINT NOT NULL,
    date        TEXT NOT NULL,
    teacher_id  TEXT NOT NULL,
    class_hours INTEGER NOT NULL,
    remote      BOOLEAN NOT NULL DEFAULT FALSE,
    PRIMARY KEY (sid, date, teacher_id)
);
CREATE INDEX home_teaching_date ON home_teaching (date);

-- Exports of the national student registry (学籍系统) and the dropout platform,
-- and the home-visit survey (大家访): compared with the roster in campaigns.
CREATE TABLE registry (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    birth_date  TEXT NOT NULL,
    national_id TEXT NOT NULL DEFAULT '',
    school_id   TEXT NOT NULL DEFAULT '',
    grade       INTEGER NOT NULL DEFAULT 0,
    status      TEXT NOT NULL DEFAULT '',
    updated_at  TEXT NOT NULL
);

CREATE TABLE platform (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    birth_date  TEXT NOT NULL,
    national_id TEXT NOT NULL DEFAULT '',
    school_id   TEXT NOT NULL DEFAULT '',
    status      TEXT NOT NULL DEFAULT '',
    updated_at  TEXT NOT NULL
);

-- person_key is township|village|national_id, or township|village|name|birth_date
-- when the survey has no national ID (the survey KIND's key).
CREATE TABLE survey (
    person_key      TEXT PRIMARY KEY,
    township        TEXT NOT NULL DEFAULT '',
    village         TEXT NOT NULL,
    name            TEXT NOT NULL,
    birth_date      TEXT NOT NULL,
    national_id     TEXT NOT NULL DEFAULT '',
    enrolled_school TEXT NOT NULL DEFAULT '',
    note            TEXT NOT NULL DEFAULT '',
    updated_at      TEXT NOT NULL
);

-- One row per evaluation or campaign run that committed.
CREATE TABLE runs (
    id              {{serial}},
    kind            TEXT NOT NULL DEFAULT 'eval',
    started_at      TEXT NOT NULL,
    finished_at     TEXT,
    at_date         TEXT NOT NULL,
    campaign        TEXT NOT NULL DEFAULT '',
    rules_checksum  TEXT NOT NULL DEFAULT '',
    students        INTEGER NOT NULL DEFAULT 0,
    alerts_new      INTEGER NOT NULL DEFAULT 0,
    alerts_ongoing  INTEGER NOT NULL DEFAULT 0,
    alerts_resolved INTEGER NOT NULL DEFAULT 0,
    forced          BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX runs_at ON runs (at_date);

-- The alert of one (rule, student): at most one open at a time.
CREATE TABLE alerts (
    id               {{serial}},
    rule             TEXT NOT NULL,
    sid              BIGINT NOT NULL,
    school_id        TEXT NOT NULL,
    severity         TEXT NOT NULL,
    message          TEXT NOT NULL DEFAULT '',
    opened_at        TEXT NOT NULL,
    opened_run       BIGINT NOT NULL,
    last_notified_at TEXT NOT NULL,
    notifications    INTEGER NOT NULL DEFAULT 1,
    resolved_at      TEXT,
    resolved_run     BIGINT
);
CREATE UNIQUE INDEX alerts_open ON alerts (rule, sid) WHERE resolved_at IS NULL;
CREATE INDEX alerts_sid ON alerts (sid);

-- Follow-up tasks, from alerts, pairing and the ledger.
CREATE TABLE tasks (
    id           {{serial}},
    alert_id     BIGINT,
    ledger_id    BIGINT,
    sid          BIGINT,
    school_id    TEXT NOT NULL,
    kind         TEXT NOT NULL,
    rule         TEXT NOT NULL DEFAULT '',
    assignee     TEXT NOT NULL,
    due          TEXT NOT NULL,
    status       TEXT NOT NULL DEFAULT 'open',
    outcome      TEXT NOT NULL DEFAULT '',
    note         TEXT NOT NULL DEFAULT '',
    created_at   TEXT NOT NULL,
    created_run  BIGINT,
    acked_at     TEXT,
    closed_at    TEXT,
    escalation   INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX tasks_open ON tasks (status, due);
CREATE INDEX tasks_assignee ON tasks (assignee, status);
CREATE INDEX tasks_alert ON tasks (alert_id);
CREATE INDEX tasks_sid ON tasks (sid);

-- Each escalation of a task, recorded (and notified) once per level.
CREATE TABLE escalations (
    task_id BIGINT NOT NULL,
    level   INTEGER NOT NULL,
    at      TEXT NOT NULL,
    run_id  BIGINT,
    PRIMARY KEY (task_id, level)
);

-- One-to-one pairing history (一对一帮扶); the current teacher is
-- students.pairing_teacher_id.
CREATE TABLE pairings (
    id          {{serial}},
    sid         BIGINT NOT NULL,
    teacher_id  TEXT NOT NULL,
    reason      TEXT NOT NULL,
    assigned_at TEXT NOT NULL,
    run_id      BIGINT,
    ended_at    TEXT
);
CREATE INDEX pairings_sid ON pairings (sid);

-- Notifications to deliver, written in the transaction of the run that made
-- them; dedup_key makes a replayed write a no-op.
CREATE TABLE outbox (
    id              {{serial}},
    dedup_key       TEXT NOT NULL UNIQUE,
    run_id          BIGINT,
    channel         TEXT NOT NULL,
    recipient       TEXT NOT NULL,
    kind            TEXT NOT NULL,
    payload         TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    next_attempt_at TEXT NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    status          TEXT NOT NULL DEFAULT 'pending',
    last_error      TEXT NOT NULL DEFAULT '',
    sent_at         TEXT
);
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);

-- The dropout ledger (台账): one entry per (kind, person), closed with history.
CREATE TABLE ledger (
    id          {{serial}},
    kind        TEXT NOT NULL,
    person_key  TEXT NOT NULL,
    sid         BIGINT,
    student_id  TEXT NOT NULL DEFAULT '',
    school_id   TEXT NOT NULL DEFAULT '',
    name        TEXT NOT NULL DEFAULT '',
    birth_date  TEXT NOT NULL DEFAULT '',
    national_id TEXT NOT NULL DEFAULT '',
    township    TEXT NOT NULL DEFAULT '',
    village     TEXT NOT NULL DEFAULT '',
    status      TEXT NOT NULL DEFAULT 'open',
    outcome     TEXT NOT NULL DEFAULT '',
    placement   TEXT NOT NULL DEFAULT '',
    detail      TEXT NOT NULL DEFAULT '',
    opened_at   TEXT NOT NULL,
    opened_run  BIGINT,
    updated_at  TEXT NOT NULL,
    closed_at   TEXT
);
CREATE UNIQUE INDEX ledger_open ON ledger (kind, person_key) WHERE closed_at IS NULL;

-- API tokens, stored as SHA-256 hashes; the token itself is printed once.
CREATE TABLE tokens (
    id           {{serial}},
    hash         TEXT NOT NULL UNIQUE,
    teacher_id   TEXT NOT NULL DEFAULT '',
    admin        BOOLEAN NOT NULL DEFAULT FALSE,
    created_at   TEXT NOT NULL,
    expires_at   TEXT,
    revoked_at   TEXT,
    last_used_at TEXT
);

-- Append-only: every import, export, detail read, change, token use and reload.
CREATE TABLE audit (
    id     {{serial}},
    at     TEXT NOT NULL,
    actor  TEXT NOT NULL,
    action TEXT NOT NULL,
    object TEXT NOT NULL DEFAULT '',
    detail TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_at ON audit (at);

-- The last T each scheduled job ran for, so a restarted daemon catches up.
CREATE TABLE job_runs (
    job     TEXT PRIMARY KEY,
    last_at TEXT NOT NULL,
    updated TEXT NOT NULL
);
