package store_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"baoxue/store"
	"baoxue/store/storetest"
)

// factsFixture is a store with 23 students (every seventh transferred) and
// a few records each, their facts built.
func factsFixture(t *testing.T, st *store.Store) func(q string, args ...any) {
	t.Helper()
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
	if n, err := st.RebuildFacts(ctx, false); err != nil || n != 23 {
		t.Fatalf("RebuildFacts = %d, %v; want the 23 students", n, err)
	}
	return exec
}

// stale returns the stale students.
func stale(t *testing.T, st *store.Store) []int64 {
	t.Helper()
	f, err := st.StaleFacts(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	var sids []int64
	var all []int64
	if err := st.RawSelect(context.Background(), &all, `SELECT DISTINCT sid FROM student_facts_stale ORDER BY sid`); err != nil {
		t.Fatal(err)
	}
	sids = append(sids, all...)
	if f.Len() != len(sids) {
		t.Fatalf("StaleFacts has %d students, the table %d", f.Len(), len(sids))
	}
	return sids
}

// TestRefreshFactsInChunks: facts rebuilt a few students at a time are the
// facts rebuilt at once, every chunk's students are unmarked, and a student
// who left has none.
func TestRefreshFactsInChunks(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		exec := factsFixture(t, st)
		whole, err := st.FactsDump(ctx)
		if err != nil {
			t.Fatal(err)
		}
		exec(`UPDATE student_facts SET facts = ''`)
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
		if s := stale(t, st); len(s) != 0 {
			t.Errorf("still stale after the rebuild: %v", s)
		}
		var rows int
		if err := st.RawGet(ctx, &rows, `SELECT COUNT(*) FROM student_facts`); err != nil || rows != 20 {
			t.Errorf("%d facts rows (%v), want the 20 students who did not leave", rows, err)
		}
	})
}

// TestFactsMarkedStale: every kind of write to the roster and the records
// marks the students it touches, whoever writes it, on both engines.
func TestFactsMarkedStale(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		exec := factsFixture(t, st)
		cases := []struct {
			name string
			sql  []string
			want []int64
		}{
			{"insert attendance", []string{`INSERT INTO attendance (sid, date, status) VALUES (1, '2026-03-20', 'absent')`}, []int64{1}},
			{"update attendance", []string{`UPDATE attendance SET status = 'present' WHERE sid = 2`}, []int64{2}},
			{"move attendance", []string{`UPDATE attendance SET sid = 5 WHERE sid = 3 AND date = '2026-03-01'`}, []int64{3, 5}},
			{"delete attendance", []string{`DELETE FROM attendance WHERE sid = 4`}, []int64{4}},
			{"insert contact", []string{`INSERT INTO contacts (sid, date, teacher_id, channel, outcome, note, source, created_at)
				VALUES (6, '2026-03-02', 'T1', 'phone', '', '', 'api', '')`}, []int64{6}},
			{"home teaching", []string{`INSERT INTO home_teaching (sid, date, teacher_id, class_hours) VALUES (8, '2026-03-02', 'T1', 2)`,
				`UPDATE home_teaching SET class_hours = 3 WHERE sid = 8`}, []int64{8}},
			{"update a student", []string{`UPDATE students SET class = '2' WHERE sid = 9`}, []int64{9}},
			{"a student leaves", []string{`UPDATE students SET status = 'transferred' WHERE sid = 10`}, []int64{10}},
			{"delete a student", []string{`DELETE FROM students WHERE sid = 11`}, []int64{11}},
			{"insert a student", []string{`INSERT INTO students (sid, key, id, name, birth_date, school_id, grade, class, status, created_at, updated_at)
				VALUES (30, 'k30', 'S30', '学生30', '2012-01-01', 'SCH', 9, '1', 'enrolled', '', '')`}, []int64{30}},
		}
		if st.Dialect == store.SQLite {
			cases = append(cases, struct {
				name string
				sql  []string
				want []int64
			}{"replace a student", []string{`INSERT OR REPLACE INTO students (sid, key, id, name, birth_date, school_id, grade, class, status, created_at, updated_at)
				VALUES (40, 'k12', 'S12', '学生12', '2012-01-01', 'SCH', 9, '1', 'enrolled', '', '')`}, []int64{12, 40}})
		} else {
			cases = append(cases, struct {
				name string
				sql  []string
				want []int64
			}{"truncate the roster", []string{`TRUNCATE students`,
				`INSERT INTO students (sid, key, id, name, birth_date, school_id, grade, class, status, created_at, updated_at)
				VALUES (1, 'k1', 'S1', '学生1', '2012-01-01', 'SCH', 9, '1', 'enrolled', '', '')`},
				// every student in the roster or with facts when it was truncated
				[]int64{1, 2, 3, 4, 5, 6, 8, 9, 12, 13, 15, 16, 17, 18, 19, 20, 22, 23, 30}})
		}
		for _, c := range cases {
			for _, q := range c.sql {
				exec(q)
			}
			if got := stale(t, st); !slices.Equal(got, c.want) {
				t.Errorf("%s: stale %v, want %v", c.name, got, c.want)
			}
			if _, err := st.RebuildFacts(ctx, false); err != nil {
				t.Fatal(err)
			}
		}
	})
}

// TestRefreshFactsKeepsLaterMarks: a student marked while a rebuild reads
// (a contact recorded through the API meanwhile) stays marked, and a
// rebuild rolled back leaves facts and marks as they were.
func TestRefreshFactsKeepsLaterMarks(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		exec := factsFixture(t, st)
		exec(`INSERT INTO attendance (sid, date, status) VALUES (1, '2026-03-20', 'absent')`)
		before, err := st.FactsDump(ctx)
		if err != nil {
			t.Fatal(err)
		}
		tx, err := st.BeginBulk(ctx, store.DataLock)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tx.RefreshFacts(ctx); err != nil {
			t.Fatal(err)
		}
		tx.Rollback()
		if after, err := st.FactsDump(ctx); err != nil || after != before {
			t.Errorf("a rebuild rolled back changed the facts (%v)", err)
		}
		if s := stale(t, st); !slices.Equal(s, []int64{1}) {
			t.Errorf("after a rebuild rolled back, stale %v, want [1]", s)
		}
		if st.Dialect == store.SQLite {
			return // its writers never overlap: nobody can mark while a rebuild runs
		}
		// Another connection records a contact of student 1 while the
		// rebuild has read 1's records and not written yet.
		defer store.SetAfterBuild(func() {
			exec(`INSERT INTO contacts (sid, date, teacher_id, channel, outcome, note, source, created_at)
				VALUES (1, '2026-03-21', 'T1', 'phone', '', '', 'api', '')`)
		})()
		if _, err := st.RebuildFacts(ctx, false); err != nil {
			t.Fatal(err)
		}
		if s := stale(t, st); !slices.Equal(s, []int64{1}) {
			t.Errorf("after a contact recorded during the rebuild, stale %v, want [1]", s)
		}
	})
}

// TestMarkingWaitsForNobody: on PostgreSQL, a contact recorded through
// the API for a student an import has just marked, in a transaction not
// yet committed, is written at once: marks are rows of their own, and
// nobody waits for another's. (SQLite's writers never overlap.)
func TestMarkingWaitsForNobody(t *testing.T) {
	st := storetest.Postgres(t)
	ctx := context.Background()
	factsFixture(t, st)
	tx, err := st.BeginBulk(ctx, store.DataLock)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	if err := tx.RawExec(ctx, `INSERT INTO attendance (sid, date, status) VALUES (1, '2026-03-20', 'absent')`); err != nil {
		t.Fatal(err)
	}
	quick, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := st.RawExec(quick, `INSERT INTO contacts (sid, date, teacher_id, channel, outcome, note, source, created_at)
		VALUES (1, '2026-03-21', 'T1', 'phone', '', '', 'api', '')`); err != nil {
		t.Fatalf("a contact of a student an open import marked: %v", err)
	}
}

// TestMigrateFinishesTheFacts: a migrate with nothing to apply still
// rebuilds the facts of stale students (a migration stopped before its
// rebuild leaves them all stale).
func TestMigrateFinishesTheFacts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		exec := factsFixture(t, st)
		want, err := st.FactsDump(ctx)
		if err != nil {
			t.Fatal(err)
		}
		exec(`UPDATE student_facts SET facts = ''`)
		exec(`INSERT INTO student_facts_stale (sid) SELECT sid FROM students`)
		if n, err := st.Migrate(ctx); err != nil || n != 0 {
			t.Fatalf("Migrate = %d, %v; want nothing to apply", n, err)
		}
		if got, err := st.FactsDump(ctx); err != nil || got != want {
			t.Errorf("after migrate the facts are not rebuilt (%v)", err)
		}
		if s := stale(t, st); len(s) != 0 {
			t.Errorf("still stale after migrate: %v", s)
		}
	})
}

// TestFactsStayInPlace: on PostgreSQL, a student's rebuilt facts are
// written on the page of the old ones (migration 0018), so that
// student_facts stays in sid order and an evaluation reads its sid ranges
// through the index, not by scanning and sorting the whole table. One
// rebuild: the room a page keeps holds a new version of each of its rows
// without PostgreSQL first pruning the old ones, which a transaction open
// elsewhere in the database (another package's test) could hold back.
func TestFactsStayInPlace(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		if st.Dialect != store.Postgres {
			t.Skip("a PostgreSQL storage setting")
		}
		ctx := context.Background()
		exec := func(q string) {
			t.Helper()
			if err := st.RawExec(ctx, q); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
		exec(`INSERT INTO students (sid, key, id, name, birth_date, school_id, grade, class, status, created_at, updated_at)
			SELECT g, 'k' || g, 'L' || g, '张三', '2011-05-01', 'S', 9, '1', 'enrolled', '2026-03-01T08:00:00Z', '2026-03-01T08:00:00Z'
			FROM generate_series(1, 3000) AS g`)
		rebuild := func() {
			t.Helper()
			if n, err := st.RebuildFacts(ctx, false); err != nil || n != 3000 {
				t.Fatalf("rebuilt %d facts (%v), want 3000", n, err)
			}
		}
		rebuild()
		// The page (block) of each student's row.
		pages := func() map[string]string {
			t.Helper()
			m := map[string]string{}
			for _, p := range strings.Split(rows(t, st, `SELECT string_agg(sid || ':' || (ctid::text::point)[0], ',') FROM student_facts`), ",") {
				sid, page, _ := strings.Cut(p, ":")
				m[sid] = page
			}
			return m
		}
		before := pages()
		// A roster field the facts keep changes: every row is rebuilt, one
		// byte longer. (A row that outgrows the room left on its page
		// moves, a few a page; without the room every row does.)
		exec(`UPDATE students SET class = class || 'x'`)
		rebuild()
		moved := 0
		for sid, page := range pages() {
			if before[sid] != page {
				moved++
			}
		}
		if moved > 3000/5 {
			t.Fatalf("the rebuild moved %d of 3000 facts rows to other pages", moved)
		}
		if got := rows(t, st, `SELECT count(*) FROM student_facts WHERE facts LIKE '%1x%'`); got != "3000" {
			t.Fatalf("%s facts rows rebuilt, want 3000", got)
		}
	})
}
