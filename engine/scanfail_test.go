package engine

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"baoxue/store"
	"baoxue/store/storetest"
)

const scanFailRules = `
rules:
  - id: grade9-absence
    name: 初三学生近两周缺勤两天以上
    severity: high
    when: student.grade == 9 && absences(14) >= 2
`

// TestScanFails: an evaluation over a database that cannot be read exactly
// fails, naming what it could not read, and writes nothing: a record whose
// class hours are not a number (as a database edited by hand may hold), on
// the way to a student's facts; and stored facts that cannot be decoded,
// among enough students that the other ranges' readers are running when
// the one reading them fails.
func TestScanFails(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		s := seed{t, st}
		s.school("SCH01", "C1")
		s.teacher("T1", "SCH01", "C1", "teacher")
		var sids []int64
		for i := range 3 * batchSize {
			sids = append(sids, s.student(fmt.Sprintf("S%d", i), "SCH01", 9, "T1"))
		}
		s.absent(sids[0], "absent", "2026-03-09", "2026-03-10")
		if _, err := st.RebuildFacts(context.Background(), false); err != nil {
			t.Fatal(err)
		}
		fails := func(t *testing.T, want string) {
			t.Helper()
			for _, dry := range []bool{true, false} {
				_, err := Evaluate(context.Background(), st, compile(t, scanFailRules), Options{At: day(t, "2026-03-10"), DryRun: dry})
				if err == nil || !strings.Contains(err.Error(), want) || errors.Is(err, context.Canceled) {
					t.Fatalf("Evaluate (dry %v) = %v, want an error saying %q", dry, err, want)
				}
			}
			for _, tbl := range []string{"alerts", "runs"} {
				if n := s.count(tbl, ""); n != 0 {
					t.Errorf("a failed scan left %d rows in %s", n, tbl)
				}
			}
		}

		t.Run("stored facts", func(t *testing.T) {
			last := sids[len(sids)-1]
			var row string
			if err := st.RawGet(context.Background(), &row, `SELECT facts FROM student_facts WHERE sid = ?`, last); err != nil {
				t.Fatal(err)
			}
			// A row that does not cut into its fields, and a list that
			// cannot be read (the packed flags, 15 roster fields, then
			// the absences).
			fields := strings.Split(row, "\x1f")
			fields[16] = "!"
			for _, damaged := range []string{"x", strings.Join(fields, "\x1f")} {
				s.exec(`UPDATE student_facts SET facts = ? WHERE sid = ?`, damaged, last)
				fails(t, "student_facts")
			}
			if _, err := st.RebuildFacts(context.Background(), true); err != nil {
				t.Fatal(err)
			}
			if _, err := Evaluate(context.Background(), st, compile(t, scanFailRules), Options{At: day(t, "2026-03-10"), DryRun: true}); err != nil {
				t.Fatalf("after the rebuild: %v", err)
			}
		})

		t.Run("records of a stale student", func(t *testing.T) {
			if st.Dialect == store.Postgres {
				// SQLite keeps a text in an INTEGER column as it is;
				// PostgreSQL must be told to.
				s.exec(`ALTER TABLE home_teaching ALTER COLUMN class_hours TYPE TEXT`)
			}
			s.exec(`INSERT INTO home_teaching (sid, date, teacher_id, class_hours) VALUES (?, '2026-03-09', 'T1', 'two')`, sids[1])
			fails(t, "read home teaching")
		})
	})
}
