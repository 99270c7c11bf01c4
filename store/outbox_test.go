package store_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"baoxue/store"
	"baoxue/store/storetest"
)

var t0 = time.Date(2026, 3, 10, 11, 0, 0, 0, time.UTC)

// enqueue writes n digest rows for teachers T1..Tn, queued at at.
func enqueue(t *testing.T, st *store.Store, at time.Time, n int) {
	t.Helper()
	ms := make([]store.OutboxMessage, n)
	for i := range ms {
		ms[i] = store.OutboxMessage{DedupKey: fmt.Sprintf("run:1:teacher:T%d", i+1), RunID: 1,
			Recipient: fmt.Sprintf("T%d", i+1), Kind: "digest", Payload: `{"secret":"张三"}`}
	}
	if err := st.InTx(context.Background(), func(tx *store.Tx) error {
		return tx.Enqueue(context.Background(), store.FormatTime(at), ms)
	}); err != nil {
		t.Fatal(err)
	}
}

func ids(rows []store.OutboxRow) []int64 {
	var out []int64
	for _, r := range rows {
		out = append(out, r.ID)
	}
	return out
}

// TestOutboxClaimLease: a claim takes due rows for its lease; another
// claimer gets only the rest until the lease lapses; the first owner then
// can neither renew nor finish what the second took.
func TestOutboxClaimLease(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		enqueue(t, st, t0, 3)
		if got, err := st.ClaimOutbox(ctx, "a", t0.Add(-time.Second), t0.Add(time.Minute), 10); err != nil || len(got) != 0 {
			t.Fatalf("claim before due = %v, %v; want nothing", ids(got), err)
		}
		a, err := st.ClaimOutbox(ctx, "a", t0, t0.Add(time.Minute), 2)
		if err != nil || !slices.Equal(ids(a), []int64{1, 2}) {
			t.Fatalf("claim a = %v, %v; want [1 2]", ids(a), err)
		}
		if a[0].Payload != `{"secret":"张三"}` || a[0].Recipient != "T1" || a[0].RunID != 1 || a[0].Attempts != 0 {
			t.Errorf("claimed row = %+v", a[0])
		}
		b, err := st.ClaimOutbox(ctx, "b", t0.Add(59*time.Second), t0.Add(2*time.Minute), 10)
		if err != nil || !slices.Equal(ids(b), []int64{3}) {
			t.Fatalf("claim b within a's lease = %v, %v; want [3]", ids(b), err)
		}
		// a's lease lapses: c takes rows 1 and 2.
		c, err := st.ClaimOutbox(ctx, "c", t0.Add(time.Minute), t0.Add(3*time.Minute), 10)
		if err != nil || !slices.Equal(ids(c), []int64{1, 2}) {
			t.Fatalf("claim c after a's lease = %v, %v; want [1 2]", ids(c), err)
		}
		if ok, err := st.RenewOutboxClaim(ctx, 1, "a", t0.Add(time.Hour)); ok || err != nil {
			t.Errorf("a renews a row c took: %v, %v", ok, err)
		}
		if ok, err := st.FinishOutbox(ctx, 1, "a", store.OutboxResult{Status: store.OutboxSent, SentAt: t0}); ok || err != nil {
			t.Errorf("a finishes a row c took: %v, %v", ok, err)
		}
		if ok, err := st.RenewOutboxClaim(ctx, 1, "c", t0.Add(time.Hour)); !ok || err != nil {
			t.Errorf("c renews its row: %v, %v", ok, err)
		}
		// Renewed: not claimable at c's first lease's end.
		if got, _ := st.ClaimOutbox(ctx, "d", t0.Add(3*time.Minute), t0.Add(2*time.Hour), 10); !slices.Equal(ids(got), []int64{2, 3}) {
			t.Errorf("claim d = %v, want [2 3] (row 1 renewed, c's and b's leases lapsed)", ids(got))
		}
		next, ok, err := st.NextOutboxAttempt(ctx)
		if err != nil || !ok || !next.Equal(t0.Add(time.Hour)) {
			t.Errorf("NextOutboxAttempt = %v, %v, %v; want the end of row 1's renewed lease", next, ok, err)
		}
		if n, err := st.ReleaseOutbox(ctx, "c"); n != 1 || err != nil {
			t.Errorf("release c = %d, %v; want 1", n, err)
		}
		if got, _ := st.ClaimOutbox(ctx, "e", t0, t0.Add(time.Hour), 10); !slices.Equal(ids(got), []int64{1}) {
			t.Errorf("claim after release = %v, want [1]", ids(got))
		}
	})
}

// TestOutboxFinish: each result is recorded as it says, and ends the claim.
func TestOutboxFinish(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		enqueue(t, st, t0, 4)
		if _, err := st.ClaimOutbox(ctx, "a", t0, t0.Add(time.Minute), 10); err != nil {
			t.Fatal(err)
		}
		results := []store.OutboxResult{
			{Status: store.OutboxSent, Channel: "hook", Attempted: true, SentAt: t0.Add(time.Second)},
			{Status: store.OutboxPending, Channel: "hook", Attempted: true, Error: "HTTP 503", NextAttempt: t0.Add(time.Hour)},
			{Status: store.OutboxFailed, Channel: "hook", Attempted: true, Error: "HTTP 404"},
			{Status: store.OutboxUndeliverable, Channel: "teachers", Error: "no wecom_userid"},
		}
		for i, r := range results {
			if ok, err := st.FinishOutbox(ctx, int64(i+1), "a", r); !ok || err != nil {
				t.Fatalf("finish %d: %v, %v", i+1, ok, err)
			}
		}
		var got []string
		if err := st.ListOutbox(ctx, store.OutboxFilter{}, func(r store.OutboxRow) error {
			got = append(got, fmt.Sprintf("%d %s %s %d %q %s %s %q", r.ID, r.Status, r.Routed, r.Attempts, r.LastError,
				r.NextAttemptAt, r.SentAt, r.Payload))
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		want := []string{
			`1 sent hook 1 "" 2026-03-10T11:00:00.000000Z 2026-03-10T11:00:01.000000Z ""`,
			`2 pending hook 1 "HTTP 503" 2026-03-10T12:00:00.000000Z  ""`,
			`3 failed hook 1 "HTTP 404" 2026-03-10T11:00:00.000000Z  ""`,
			`4 undeliverable teachers 0 "no wecom_userid" 2026-03-10T11:00:00.000000Z  ""`,
		}
		if !slices.Equal(got, want) {
			t.Errorf("rows:\n%s\nwant:\n%s", join(got), join(want))
		}
		if got, _ := st.ClaimOutbox(ctx, "b", t0.Add(30*time.Minute), t0.Add(time.Hour), 10); len(got) != 0 {
			t.Errorf("claim before the retry is due = %v", ids(got))
		}
		if got, _ := st.ClaimOutbox(ctx, "b", t0.Add(time.Hour), t0.Add(2*time.Hour), 10); !slices.Equal(ids(got), []int64{2}) {
			t.Errorf("claim at the retry = %v, want [2]", ids(got))
		}
		counts, err := st.OutboxCounts(ctx)
		wantCounts := []store.OutboxCount{{Channel: "hook", Status: store.OutboxFailed, N: 1},
			{Channel: "hook", Status: store.OutboxPending, N: 1}, {Channel: "hook", Status: store.OutboxSent, N: 1},
			{Channel: "teachers", Status: store.OutboxUndeliverable, N: 1}}
		if err != nil || !slices.Equal(counts, wantCounts) {
			t.Errorf("OutboxCounts = %v, %v\nwant %v", counts, err, wantCounts)
		}
	})
}

func join(s []string) string {
	out := ""
	for _, l := range s {
		out += l + "\n"
	}
	return out
}

// TestOutboxListAndRequeue: listing filters by status and id and carries
// the recipient's school and center; requeue makes failed and
// undeliverable rows pending again, never a sent one.
func TestOutboxListAndRequeue(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		if err := st.InTx(ctx, func(tx *store.Tx) error {
			if _, err := tx.UpsertSchools(ctx, []store.School{{ID: "SCH01", Name: "一中", Center: "C1"}}, nil, t0); err != nil {
				return err
			}
			_, err := tx.UpsertTeachers(ctx, []store.Teacher{{ID: "T1", Name: "王老师", SchoolID: "SCH01", Role: "teacher"}}, nil, t0)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		enqueue(t, st, t0, 5)
		if _, err := st.ClaimOutbox(ctx, "a", t0, t0.Add(time.Minute), 10); err != nil {
			t.Fatal(err)
		}
		for id, s := range map[int64]string{1: store.OutboxFailed, 2: store.OutboxUndeliverable, 3: store.OutboxSent, 4: store.OutboxFailed} {
			if _, err := st.FinishOutbox(ctx, id, "a", store.OutboxResult{Status: s, Attempted: true, Error: "x", SentAt: t0}); err != nil {
				t.Fatal(err)
			}
		}
		st.ReleaseOutbox(ctx, "a")
		list := func(f store.OutboxFilter) []string {
			var out []string
			if err := st.ListOutbox(ctx, f, func(r store.OutboxRow) error {
				out = append(out, fmt.Sprintf("%d %s %s/%s", r.ID, r.Status, r.School, r.Center))
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			return out
		}
		if got := list(store.OutboxFilter{Statuses: []string{store.OutboxFailed}}); !slices.Equal(got, []string{"1 failed SCH01/C1", "4 failed /"}) {
			t.Errorf("failed = %v", got)
		}
		if got := list(store.OutboxFilter{IDs: []int64{5, 2}}); !slices.Equal(got, []string{"2 undeliverable /", "5 pending /"}) {
			t.Errorf("by id = %v", got)
		}
		got, err := st.RequeueOutbox(ctx, t0.Add(time.Hour), []int64{2, 3, 5}, false)
		if err != nil || !slices.Equal(got, []int64{2}) {
			t.Errorf("requeue 2 3 5 = %v, %v; want [2]", got, err)
		}
		got, err = st.RequeueOutbox(ctx, t0.Add(time.Hour), nil, true)
		if err != nil || !slices.Equal(got, []int64{1, 4}) {
			t.Errorf("requeue failed = %v, %v; want [1 4]", got, err)
		}
		if got := list(store.OutboxFilter{Statuses: []string{store.OutboxPending}}); !slices.Equal(got, []string{"1 pending SCH01/C1", "2 pending /", "4 pending /", "5 pending /"}) {
			t.Errorf("pending after requeue = %v", got)
		}
		var attempts int
		st.RawGet(ctx, &attempts, `SELECT attempts FROM outbox WHERE id = 1`)
		if attempts != 0 {
			t.Errorf("attempts after requeue = %d, want 0", attempts)
		}
		claimed, _ := st.ClaimOutbox(ctx, "b", t0.Add(time.Hour), t0.Add(2*time.Hour), 10)
		if !slices.Equal(ids(claimed), []int64{5, 1, 2, 4}) {
			t.Errorf("claim after requeue = %v, want [5 1 2 4] (earliest due first)", ids(claimed))
		}
	})
}

// TestOutboxConcurrentClaims: claimers racing on one database never get
// the same row, and together get every row.
func TestOutboxConcurrentClaims(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		const rows = 300
		enqueue(t, st, t0, rows)
		var mu sync.Mutex
		seen := map[int64]string{}
		var errs []string
		var wg sync.WaitGroup
		for w := range 6 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				owner := fmt.Sprintf("w%d", w)
				for range rows { // bounded: a broken claim may hand out rows forever
					got, err := st.ClaimOutbox(ctx, owner, t0, t0.Add(time.Hour), 7)
					mu.Lock()
					if err != nil {
						errs = append(errs, err.Error())
					}
					for _, r := range got {
						if o, dup := seen[r.ID]; dup {
							errs = append(errs, fmt.Sprintf("row %d claimed by %s and %s", r.ID, o, owner))
						}
						seen[r.ID] = owner
					}
					mu.Unlock()
					if err != nil || len(got) == 0 {
						return
					}
				}
			}()
		}
		wg.Wait()
		if len(errs) > 0 {
			t.Errorf("%d errors, the first: %s", len(errs), errs[0])
		}
		if len(seen) != rows {
			t.Errorf("claimed %d rows, want %d", len(seen), rows)
		}
	})
}

func TestTeachersByID(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		want := store.Teacher{ID: "T1", Name: "王老师", SchoolID: "SCH01", Center: "C1", Role: "teacher",
			Phone: "13800000001", WecomUserID: "wang", DingtalkUserID: "d-wang", Email: "wang@school.example"}
		if err := st.InTx(ctx, func(tx *store.Tx) error {
			_, err := tx.UpsertTeachers(ctx, []store.Teacher{want, {ID: "T2", Name: "李老师", Role: "principal"}}, nil, t0)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		got, err := st.TeachersByID(ctx, []string{"T1", "T9"})
		if err != nil || len(got) != 1 || got["T1"] != want {
			t.Errorf("TeachersByID = %+v, %v; want only %+v", got, err, want)
		}
		// A teacher whose row names no center has the school's.
		if err := st.InTx(ctx, func(tx *store.Tx) error {
			if _, err := tx.UpsertSchools(ctx, []store.School{{ID: "SCH02", Name: "二中", Center: "C2"}}, nil, t0); err != nil {
				return err
			}
			_, err := tx.UpsertTeachers(ctx, []store.Teacher{{ID: "T3", Name: "赵老师", SchoolID: "SCH02", Role: "teacher"}}, nil, t0)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if got, err := st.TeachersByID(ctx, []string{"T3"}); err != nil || got["T3"].Center != "C2" {
			t.Errorf("T3's center = %q, %v; want its school's, C2", got["T3"].Center, err)
		}
	})
}

// TestOutboxReportedOnce: the failed and undeliverable rows are read with
// their recipient's name, school and center until a run reports them;
// then no more, until a requeued one fails again.
func TestOutboxReportedOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		if err := st.InTx(ctx, func(tx *store.Tx) error {
			if _, err := tx.UpsertSchools(ctx, []store.School{{ID: "SCH01", Name: "一中", Center: "C1"}}, nil, t0); err != nil {
				return err
			}
			_, err := tx.UpsertTeachers(ctx, []store.Teacher{{ID: "T1", Name: "王老师", SchoolID: "SCH01", Role: "teacher"}}, nil, t0)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		enqueue(t, st, t0, 4)
		if _, err := st.ClaimOutbox(ctx, "a", t0, t0.Add(time.Minute), 10); err != nil {
			t.Fatal(err)
		}
		for id, r := range map[int64]store.OutboxResult{
			1: {Status: store.OutboxUndeliverable, Channel: "teachers", Error: "no wecom_userid"},
			2: {Status: store.OutboxFailed, Channel: "hook", Attempted: true, Error: "webhook hook: HTTP 404 Not Found"},
			3: {Status: store.OutboxSent, Channel: "hook", Attempted: true, SentAt: t0},
		} {
			if _, err := st.FinishOutbox(ctx, id, "a", r); err != nil {
				t.Fatal(err)
			}
		}
		st.ReleaseOutbox(ctx, "a")
		unreported := func() []string {
			t.Helper()
			us, err := st.UnreportedOutbox(ctx)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, u := range us {
				out = append(out, fmt.Sprintf("%d run %d %s %s %s %s %s/%s %s: %s", u.ID, u.RunID, u.Status, u.Recipient, u.Name,
					u.School, u.SchoolName, u.Center, u.Channel, u.Reason))
			}
			return out
		}
		want := []string{"1 run 1 undeliverable T1 王老师 SCH01 一中/C1 teachers: no wecom_userid",
			"2 run 1 failed T2   / hook: webhook hook: HTTP 404 Not Found"}
		if got := unreported(); !slices.Equal(got, want) {
			t.Fatalf("unreported = %q\nwant %q", got, want)
		}
		if err := st.InTx(ctx, func(tx *store.Tx) error { return tx.ReportOutbox(ctx, 9, []int64{1, 2, 3}) }); err != nil {
			t.Fatal(err)
		}
		if got := unreported(); len(got) != 0 {
			t.Errorf("unreported after run 9 reported them = %q", got)
		}
		var reported []int64
		if err := st.RawSelect(ctx, &reported, `SELECT COALESCE(reported_run, 0) FROM outbox ORDER BY id`); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(reported, []int64{9, 9, 0, 0}) {
			t.Errorf("reported_run = %v, want [9 9 0 0] (sent and pending rows are never reported)", reported)
		}
		if _, err := st.RequeueOutbox(ctx, t0.Add(time.Hour), []int64{2}, false); err != nil {
			t.Fatal(err)
		}
		if _, err := st.ClaimOutbox(ctx, "b", t0.Add(time.Hour), t0.Add(2*time.Hour), 10); err != nil {
			t.Fatal(err)
		}
		if _, err := st.FinishOutbox(ctx, 2, "b", store.OutboxResult{Status: store.OutboxFailed, Attempted: true, Error: "again"}); err != nil {
			t.Fatal(err)
		}
		if got := unreported(); len(got) != 1 || !strings.HasPrefix(got[0], "2 run 1 failed T2") || !strings.HasSuffix(got[0], ": again") {
			t.Errorf("unreported after row 2 failed again = %q, want row 2 once more", got)
		}
	})
}

// TestOutboxPayloadLZ4: on PostgreSQL built with lz4, a long payload
// queued in a bulk write (a run's digests) is compressed with lz4, not
// pglz, and is claimed back as it was written.
func TestOutboxPayloadLZ4(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		if st.Dialect != store.Postgres {
			t.Skip("PostgreSQL's TOAST compression")
		}
		ctx := context.Background()
		if rows(t, st, `SELECT COUNT(*) FROM pg_settings WHERE name = 'default_toast_compression' AND 'lz4' = ANY(enumvals)`) != "1" {
			t.Skip("this PostgreSQL has no lz4")
		}
		payload := `{"lines":[` + strings.Repeat(`{"学生":"张三","rule":"absent-3-days"},`, 300) + `{}]}`
		inTx(t, st, func(tx *store.Tx) error {
			return tx.Enqueue(ctx, store.FormatTime(t0), []store.OutboxMessage{
				{DedupKey: "run:1:teacher:T1", RunID: 1, Recipient: "T1", Kind: "digest", Payload: payload}})
		})
		if got := rows(t, st, `SELECT pg_column_compression(payload) FROM outbox`); got != "lz4" {
			t.Errorf("payload compressed with %q, want lz4", got)
		}
		claimed, err := st.ClaimOutbox(ctx, "o", t0, t0.Add(time.Minute), 10)
		if err != nil || len(claimed) != 1 || claimed[0].Payload != payload {
			t.Errorf("claimed %d rows (%v), payload equal: %v", len(claimed), err, len(claimed) == 1 && claimed[0].Payload == payload)
		}
	})
}
