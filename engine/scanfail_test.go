package engine

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"golang.org/x/sync/errgroup"

	"baoxue/store"
	"baoxue/store/storetest"
)

// TestScanFailsMidStream: when one of the concurrent scans of a range
// fails part-way through (a home-teaching row whose class hours are not a
// number, as a database edited by hand may hold), its error is the one
// returned, after the records it had handed over; the sibling scans are
// cancelled, not left waiting for a reader that is gone; and an evaluation
// over such a database fails with that error and writes nothing.
func TestScanFailsMidStream(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		s := seed{t, st}
		s.school("SCH01", "C1")
		s.teacher("T1", "SCH01", "C1", "teacher")
		s1 := s.student("S1", "SCH01", 9, "T1")
		s2 := s.student("S2", "SCH01", 9, "T1")
		s.absent(s1, "absent", "2026-03-09", "2026-03-10")
		if st.Dialect == store.Postgres {
			// SQLite keeps a text in an INTEGER column as it is;
			// PostgreSQL must be told to.
			s.exec(`ALTER TABLE home_teaching ALTER COLUMN class_hours TYPE TEXT`)
		}
		// Students outside the roster, whom an evaluation does not read,
		// for the scans: one absence more than the attendance stream
		// buffers, and more sessions than one chunk before one that cannot
		// be read.
		const absences, sessions = 4*chunkSize + 1, chunkSize + 1
		s.exec(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
			INSERT INTO attendance (sid, date, status) SELECT 1000000 + i, '2026-03-09', 'absent' FROM n`, absences)
		s.exec(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
			INSERT INTO home_teaching (sid, date, teacher_id, class_hours) SELECT 2000000 + i, '2026-03-09', 'T1', 2 FROM n`, sessions)
		s.exec(`INSERT INTO home_teaching (sid, date, teacher_id, class_hours) VALUES (3000000, '2026-03-09', 'T1', 'two')`)
		// The roster's: S2's session cannot be read.
		s.exec(`INSERT INTO home_teaching (sid, date, teacher_id, class_hours) VALUES (?, '2026-03-09', 'T1', 2)`, s1)
		s.exec(`INSERT INTO home_teaching (sid, date, teacher_id, class_hours) VALUES (?, '2026-03-09', 'T1', 'two')`, s2)

		t.Run("scans", func(t *testing.T) {
			g, ctx := errgroup.WithContext(context.Background())
			scan := func(stream func(context.Context, store.SIDRange, string, string, func(*store.DatedRow) error) error) <-chan []rec {
				return streamInto(ctx, g, func(ctx context.Context, fn func(*store.DatedRow) error) error {
					return stream(ctx, store.SIDRange{Lo: 1000000, Hi: math.MaxInt64}, "2026-01-01", "2026-12-31", fn)
				})
			}
			// Nobody reads the attendance: its stream fills its buffer, reads
			// its last absence and waits to hand it over, until the failure
			// cancels it. The home-teaching scan starts once the buffer is
			// full, so that it fails while the attendance stream waits.
			attendance := scan(st.StreamAbsences)
			for deadline := time.Now().Add(30 * time.Second); len(attendance) < cap(attendance); time.Sleep(time.Millisecond) {
				if time.Now().After(deadline) {
					t.Fatalf("the attendance scan buffered %d of %d chunks in 30s", len(attendance), cap(attendance))
				}
			}
			teaching := scan(st.StreamHomeTeaching)
			read := 0
			for chunk := range teaching {
				read += len(chunk)
			}
			done := make(chan error, 1)
			go func() { done <- g.Wait() }()
			var err error
			select {
			case err = <-done:
			case <-time.After(30 * time.Second):
				t.Fatal("the attendance scan was not cancelled: Wait still waits after the home-teaching scan failed")
			}
			if err == nil || !strings.Contains(err.Error(), "read home teaching") || errors.Is(err, context.Canceled) {
				t.Fatalf("Wait = %v, want the home-teaching scan's error", err)
			}
			if read == 0 || read > sessions {
				t.Errorf("%d sessions handed over before the failure, want some of the %d before it", read, sessions)
			}
			left := 0
			for chunk := range attendance {
				left += len(chunk)
			}
			if left >= absences {
				t.Errorf("the attendance scan handed over all %d absences: it was not cut off", left)
			}
		})

		t.Run("evaluation", func(t *testing.T) {
			const src = `
rules:
  - id: grade9-absence
    name: 初三学生近两周缺勤两天以上
    severity: high
    when: student.grade == 9 && absences(14) >= 2
`
			_, err := Evaluate(context.Background(), st, compile(t, src), Options{At: day(t, "2026-03-10")})
			if err == nil || !strings.Contains(err.Error(), "read home teaching") || errors.Is(err, context.Canceled) {
				t.Fatalf("Evaluate = %v, want the home-teaching scan's error", err)
			}
			for _, tbl := range []string{"alerts", "runs"} {
				if n := s.count(tbl, ""); n != 0 {
					t.Errorf("a failed scan left %d rows in %s", n, tbl)
				}
			}
		})
	})
}
