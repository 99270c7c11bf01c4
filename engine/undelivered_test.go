package engine

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"baoxue/store"
	"baoxue/store/storetest"
)

// TestUndeliveredReportedOnce: the notifications earlier runs queued that
// ended undeliverable or failed are counted in the next run's result and
// listed in the digests of their center's admins (no other admin's, no
// teacher's), and only once: a dry run shows them without marking them,
// the writing run marks them, the run after lists them no more.
func TestUndeliveredReportedOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		s := seed{t, st}
		s.school("SCH01", "C1")
		s.school("SCH02", "C2")
		s.teacher("T1", "SCH01", "C1", "teacher")
		s.teacher("T2", "SCH02", "", "teacher")
		s.teacher("A1", "", "C1", "center_admin")
		s.teacher("A2", "", "C2", "center_admin")
		s1 := s.student("S1", "SCH01", 9, "T1")
		s.absent(s1, "absent", "2026-03-09", "2026-03-10")
		evalAt(t, st, lifecycleRules, "2026-03-10", false) // queues T1's digest, #1

		// Three more rows, as earlier runs queued them: T2's, and one for a
		// recipient the directory does not know.
		if err := st.InTx(ctx, func(tx *store.Tx) error {
			return tx.Enqueue(ctx, "2026-03-10T12:00:00.000000Z", []store.OutboxMessage{
				{DedupKey: "x:2", RunID: 1, Recipient: "T2", Kind: "digest", Payload: `{}`},
				{DedupKey: "x:3", RunID: 1, Recipient: "T9", Kind: "digest", Payload: `{}`},
				{DedupKey: "x:4", RunID: 1, Recipient: "T1", Kind: "digest", Payload: `{}`},
			})
		}); err != nil {
			t.Fatal(err)
		}
		t0 := time.Now().Add(time.Hour) // the first run queued its row now
		if _, err := st.ClaimOutbox(ctx, "d", t0, t0.Add(time.Minute), 10); err != nil {
			t.Fatal(err)
		}
		for id, r := range map[int64]store.OutboxResult{
			1: {Status: store.OutboxUndeliverable, Channel: "teachers", Error: "no wecom_userid"},
			2: {Status: store.OutboxFailed, Channel: "hook", Attempted: true, Error: "webhook hook: HTTP 404 Not Found"},
			3: {Status: store.OutboxUndeliverable, Channel: "teachers", Error: "recipient T9 is not in the teachers directory"},
			4: {Status: store.OutboxSent, Channel: "teachers", Attempted: true, SentAt: t0},
		} {
			if _, err := st.FinishOutbox(ctx, id, "d", r); err != nil {
				t.Fatal(err)
			}
		}
		want := []DigestUndelivered{
			{ID: 1, Status: "undeliverable", Teacher: "T1", TeacherName: "教师T1", School: "SCH01", SchoolName: "SCH01学校",
				Center: "C1", Channel: "teachers", Reason: "no wecom_userid"},
			{ID: 2, Status: "failed", Teacher: "T2", TeacherName: "教师T2", School: "SCH02", SchoolName: "SCH02学校",
				Center: "C2", Channel: "hook", Reason: "webhook hook: HTTP 404 Not Found"},
			{ID: 3, Status: "undeliverable", Teacher: "T9", Channel: "teachers", Reason: "recipient T9 is not in the teachers directory"},
		}
		dry := evalAt(t, st, lifecycleRules, "2026-03-11", true)
		if !slices.Equal(dry.Undelivered, want) || dry.UndeliveredUnlisted != 1 {
			t.Fatalf("dry run: undelivered %+v (unlisted %d)\nwant %+v (unlisted 1)", dry.Undelivered, dry.UndeliveredUnlisted, want)
		}
		res := evalAt(t, st, lifecycleRules, "2026-03-11", false)
		if !slices.Equal(res.Undelivered, want) || res.UndeliveredUnlisted != 1 {
			t.Fatalf("writing run: undelivered %+v (unlisted %d)", res.Undelivered, res.UndeliveredUnlisted)
		}
		digest := func(run int64, teacher string) *Digest {
			t.Helper()
			var payload []string
			if err := st.RawSelect(ctx, &payload, `SELECT payload FROM outbox WHERE recipient = ? AND run_id = ?`, teacher, run); err != nil {
				t.Fatal(err)
			}
			if len(payload) == 0 {
				return nil
			}
			var d Digest
			if err := json.Unmarshal([]byte(payload[0]), &d); err != nil {
				t.Fatal(err)
			}
			return &d
		}
		if d := digest(res.RunID, "A1"); d == nil || !slices.Equal(d.Undelivered, want[:1]) {
			t.Errorf("A1's digest = %+v, want #1 listed", d)
		}
		if d := digest(res.RunID, "A2"); d == nil || !slices.Equal(d.Undelivered, want[1:2]) {
			t.Errorf("A2's digest = %+v, want #2 listed", d)
		}
		if d := digest(res.RunID, "T1"); d != nil && len(d.Undelivered) > 0 {
			t.Errorf("a teacher's digest lists undelivered notifications: %+v", d.Undelivered)
		}
		if n := s.count("outbox", "reported_run = ?", res.RunID); n != 3 {
			t.Errorf("%d rows reported by run %d, want 3", n, res.RunID)
		}
		again := evalAt(t, st, lifecycleRules, "2026-03-12", false)
		if len(again.Undelivered) != 0 {
			t.Errorf("the next run reports them again: %+v", again.Undelivered)
		}
		if d := digest(again.RunID, "A1"); d != nil && len(d.Undelivered) > 0 {
			t.Errorf("the next run lists them again for A1: %+v", d.Undelivered)
		}
	})
}

// TestUndeliveredListBounded: a digest lists at most MaxUndeliveredListed
// undelivered notifications and counts the rest.
func TestUndeliveredListBounded(t *testing.T) {
	p := &plan{}
	for i := range MaxUndeliveredListed + 7 {
		p.undelivered = append(p.undelivered, undelivered{DigestUndelivered: DigestUndelivered{ID: int64(i + 1)}, admins: []string{"A1"}})
	}
	msgs, err := notifications(9, day(t, "2026-03-10"), p, nil)
	if err != nil || len(msgs) != 1 {
		t.Fatalf("notifications = %d, %v", len(msgs), err)
	}
	var d Digest
	if err := json.Unmarshal([]byte(msgs[0].Payload), &d); err != nil {
		t.Fatal(err)
	}
	if len(d.Undelivered) != MaxUndeliveredListed || d.UndeliveredMore != 7 || d.Undelivered[0].ID != 1 {
		t.Errorf("A1's digest lists %d, counts %d more", len(d.Undelivered), d.UndeliveredMore)
	}
}

// TestUndeliveredNotToItsOwnRecipient: an admin whose own digest could not
// be delivered does not hear of it in the next one (which could not reach
// them either, and would be reported to them at the run after, every run);
// the other admins of the center do.
func TestUndeliveredNotToItsOwnRecipient(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		s := seed{t, st}
		s.school("SCH01", "C1")
		s.teacher("A1", "", "C1", "center_admin")
		s.teacher("A2", "", "C1", "center_admin")
		s1 := s.student("S1", "SCH01", 9, "")
		s.absent(s1, "absent", "2026-03-09", "2026-03-10")
		if err := st.InTx(ctx, func(tx *store.Tx) error {
			return tx.Enqueue(ctx, "2026-03-10T12:00:00.000000Z", []store.OutboxMessage{
				{DedupKey: "x:1", RunID: 1, Recipient: "A1", Kind: "digest", Payload: `{}`},
			})
		}); err != nil {
			t.Fatal(err)
		}
		t0 := time.Now().Add(time.Hour)
		rows, err := st.ClaimOutbox(ctx, "d", t0, t0.Add(time.Minute), 10)
		if err != nil || len(rows) != 1 {
			t.Fatalf("claim: %v, %d rows", err, len(rows))
		}
		if _, err := st.FinishOutbox(ctx, rows[0].ID, "d", store.OutboxResult{Status: store.OutboxUndeliverable,
			Channel: "teachers", Error: "no email"}); err != nil {
			t.Fatal(err)
		}
		res := evalAt(t, st, lifecycleRules, "2026-03-10", false)
		if len(res.Undelivered) != 1 {
			t.Fatalf("undelivered = %+v, want A1's row counted", res.Undelivered)
		}
		var payloads []string
		if err := st.RawSelect(ctx, &payloads, `SELECT payload FROM outbox WHERE recipient = 'A1' AND run_id = ?`, res.RunID); err != nil {
			t.Fatal(err)
		}
		for _, p := range payloads {
			var d Digest
			if err := json.Unmarshal([]byte(p), &d); err != nil {
				t.Fatal(err)
			}
			if len(d.Undelivered) > 0 {
				t.Errorf("A1 hears of their own undelivered digest: %+v", d.Undelivered)
			}
		}
		var a2 []string
		if err := st.RawSelect(ctx, &a2, `SELECT payload FROM outbox WHERE recipient = 'A2' AND run_id = ?`, res.RunID); err != nil {
			t.Fatal(err)
		}
		if len(a2) != 1 || !strings.Contains(a2[0], `"teacher":"A1"`) {
			t.Errorf("A2's digests = %v, want one listing A1's undelivered digest", a2)
		}
	})
}

// TestDigestsWithEscalations: the digests encoded while a run writes and
// those its escalations touch come out as one digest per teacher, whether
// the teacher was held for a possible escalation or encoded before one
// reached them, and an escalation that did not take effect is not told.
func TestDigestsWithEscalations(t *testing.T) {
	esc := func(task int64, to string) Escalation {
		return Escalation{Task: task, Level: 1, Rule: "r", Due: "2026-03-01", To: []string{to}, key: "k", name: "n"}
	}
	p := &plan{escalations: []Escalation{esc(1, "P1"), esc(2, "P2")}}
	for _, admin := range []string{"A1", "P1"} {
		p.undelivered = append(p.undelivered, undelivered{DigestUndelivered: DigestUndelivered{ID: 7}, admins: []string{admin}})
	}
	// P1 is held and escalated; P2 held but its escalation did not take
	// effect; A1 encoded at once, then reached by an escalation the plan
	// did not name (as Escalate's runs do).
	msgs, err := startNotifications(9, day(t, "2026-03-10"), p)([]Escalation{esc(1, "P1"), esc(3, "A1")})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]Digest{}
	for _, m := range msgs {
		var d Digest
		if err := json.Unmarshal([]byte(m.Payload), &d); err != nil {
			t.Fatal(err)
		}
		got[m.Recipient] = d
	}
	if len(msgs) != 2 || msgs[0].Recipient != "A1" || msgs[1].Recipient != "P1" {
		t.Fatalf("digests for %v, want A1 and P1 in order", got)
	}
	for _, who := range []string{"A1", "P1"} {
		if d := got[who]; len(d.Escalations) != 1 || len(d.Undelivered) != 1 {
			t.Errorf("%s's digest: %+v, want one escalation and one undelivered", who, d)
		}
	}
	if got["A1"].Escalations[0].Task != 3 || got["P1"].Escalations[0].Task != 1 {
		t.Errorf("escalations: A1 %+v, P1 %+v", got["A1"].Escalations, got["P1"].Escalations)
	}
}
