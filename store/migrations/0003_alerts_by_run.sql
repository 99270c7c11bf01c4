-- 0003: a run reads back the ids of the alerts it opened by opened_run; the
-- alerts table keeps every alert ever opened, so that must not be a scan.
CREATE INDEX alerts_opened_run ON alerts (opened_run);
