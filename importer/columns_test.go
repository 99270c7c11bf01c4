package importer

import (
	"testing"
)

func TestColumnOf(t *testing.T) {
	for _, tc := range []struct{ kind, h, want string }{
		{"students", "name", "name"},
		{"students", "姓名", "name"},
		{"students", "Birth Date", "birth_date"},
		{"students", "出生日期(yyyy-mm-dd)", "birth_date"},
		{"students", "nmae", ""},
		{"home_teaching", "student_id", "student_id"},
		{"pupils", "name", ""},
	} {
		if got := ColumnOf(tc.kind, tc.h); got != tc.want {
			t.Errorf("ColumnOf(%q, %q) = %q, want %q", tc.kind, tc.h, got, tc.want)
		}
	}
}
