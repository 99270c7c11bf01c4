package engine

import (
	"context"
	"strings"
	"testing"

	"baoxue/store"
	"baoxue/store/storetest"
)

// TestAttendanceNotReported: a school with students and no attendance record
// at all in its last 5 school days is reported, to its center's admins too.
func TestAttendanceNotReported(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		s := seed{t, st}
		s.school("SCH01", "C1")
		s.school("SCH02", "C1")
		s.teacher("A1", "", "C1", "center_admin")
		s.exec(`INSERT INTO calendar (from_date, to_date, kind, school_id) VALUES ('2026-03-06', '2026-03-06', 'holiday', '')`)
		a := s.student("S1", "SCH01", 5, "")
		s.student("S2", "SCH02", 5, "")
		// SCH01 reported a late arrival on the 5th school day back from
		// Thursday 03-12 (03-12, 03-11, 03-10, 03-09 and, over the
		// holiday Friday and the weekend, Thursday 03-05).
		s.absent(a, "late", "2026-03-05")
		res, err := Evaluate(context.Background(), st, compile(t, lifecycleRules), Options{At: day(t, "2026-03-12")})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Unreported) != 1 || res.Unreported[0].School != "SCH02" || res.Unreported[0].Since != "2026-03-05" || res.Unreported[0].Students != 1 {
			t.Fatalf("unreported = %+v, want SCH02 since 2026-03-05", res.Unreported)
		}
		var payload string
		if err := st.DB.GetContext(context.Background(), &payload, `SELECT payload FROM outbox WHERE recipient = 'A1'`); err != nil {
			t.Fatalf("no notification for the center admin: %v", err)
		}
		if !strings.Contains(payload, `"unreported":[{"school":"SCH02"`) {
			t.Errorf("center admin's digest lacks the unreported school: %s", payload)
		}
	})
}
