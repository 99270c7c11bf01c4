package store_test

import (
	"context"
	"fmt"
	"testing"

	"baoxue/store"
	"baoxue/store/storetest"
)

// TestRefreshFactsInChunks: facts rebuilt a few students at a time are the
// facts rebuilt at once, and a student who left has none.
func TestRefreshFactsInChunks(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		exec := func(q string, args ...any) {
			t.Helper()
			if err := st.RawExec(ctx, q, args...); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
		for i := 1; i <= 23; i++ {
			status := "enrolled"
			if i%7 == 0 {
				status = "transferred"
			}
			exec(`INSERT INTO students (sid, key, id, name, birth_date, school_id, grade, class, status, created_at, updated_at)
				VALUES (?, ?, ?, ?, '2012-01-01', 'SCH', 9, '1', ?, '', '')`, i, fmt.Sprint("k", i), fmt.Sprint("S", i), fmt.Sprint("学生", i), status)
			for d := 1; d <= i%5; d++ {
				exec(`INSERT INTO attendance (sid, date, status) VALUES (?, ?, ?)`, i, fmt.Sprintf("2026-03-%02d", d), []string{"absent", "sick", "leave", "late"}[d%4])
			}
		}
		n, err := st.RebuildFacts(ctx, false)
		if err != nil || n != 23 {
			t.Fatalf("RebuildFacts = %d, %v; want the 23 students", n, err)
		}
		whole, err := st.FactsDump(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer store.SetRefreshChunk(4)()
		if n, err := st.RebuildFacts(ctx, true); err != nil || n != 23 {
			t.Fatalf("RebuildFacts(all) in chunks = %d, %v", n, err)
		}
		chunked, err := st.FactsDump(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if chunked != whole {
			t.Errorf("rebuilt in chunks:\n%s\nat once:\n%s", chunked, whole)
		}
		var rows int
		if err := st.RawGet(ctx, &rows, `SELECT COUNT(*) FROM student_facts`); err != nil || rows != 20 {
			t.Errorf("%d facts rows (%v), want the 20 students who did not leave", rows, err)
		}
	})
}
