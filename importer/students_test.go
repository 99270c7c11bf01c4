package importer_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"baoxue/importer"
	"baoxue/store"
	"baoxue/store/storetest"
)

// TestReimportUpdates re-imports a corrected roster: students are updated,
// never duplicated, and columns the file lacks keep their values.
func TestReimportUpdates(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		base(t, st)
		keys := dump(t, st, `SELECT id, key, sid FROM students ORDER BY id`)
		sum := importOK(t, st, "students", "students.corrected.csv", opts())
		if sum.Localize(english) != "students: 3 rows (0 new, 3 updated)" || sum.String() != "students：3 行（新增 0，更新 3）" {
			t.Errorf("summary %q, %q", sum.Localize(english), sum.String())
		}
		equalLines(t, "keys and sids unchanged", dump(t, st, `SELECT id, key, sid FROM students ORDER BY id`), keys)
		equalLines(t, "corrected", dump(t, st, `SELECT id, class, homeroom_teacher_id, left_behind, poverty, status
			FROM students ORDER BY id`), []string{
			"G500234201105010015|4班|T003|1|former_registered|enrolled",
			"L500234201409030023|2班|T001|2|none|enrolled",
			"S3|2班||0|none|suspended",
		})
		// The same file again changes nothing but counts updates.
		if sum := importOK(t, st, "students", "students.good.csv", opts()); sum.New != 0 || sum.Updated != 3 {
			t.Errorf("re-import: %v", sum)
		}
		if n := counts(t, st)["students"]; n != 3 {
			t.Errorf("%d students after re-imports, want 3", n)
		}
	})
}

// TestTemporaryNumberReplaced: a G number replacing an L number keeps one
// student with its history, and the L number still resolves afterwards.
func TestTemporaryNumberReplaced(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		base(t, st)
		importOK(t, st, "attendance", "attendance.good.csv", opts())
		before := dump(t, st, `SELECT sid, key FROM students WHERE id = 'L500234201409030023'`)
		sum := importOK(t, st, "students", "students.g-number.csv", opts())
		if sum.New != 0 || sum.Updated != 1 {
			t.Errorf("G number: %v, want 1 updated", sum)
		}
		equalLines(t, "same student", dump(t, st, `SELECT sid, key FROM students WHERE id = 'G500234201409030023'`), before)
		equalLines(t, "students", dump(t, st, `SELECT id, grade FROM students ORDER BY id`), []string{
			"G500234201105010015|9", "G500234201409030023|2", "S3|2",
		})
		equalLines(t, "aliases", dump(t, st, `SELECT alias FROM student_ids WHERE sid = ? ORDER BY alias`,
			strings.Split(before[0], "|")[0]), []string{"G500234201409030023", "L500234201409030023"})
		sum = importOK(t, st, "attendance", "attendance.later.csv", opts())
		if sum.New != 2 || sum.Updated != 1 {
			t.Errorf("later attendance: %v, want 2 new, 1 updated", sum)
		}
		equalLines(t, "history under both numbers", dump(t, st, `SELECT a.date, a.status FROM attendance a
			JOIN students s ON s.sid = a.sid WHERE s.id = 'G500234201409030023' ORDER BY a.date`), []string{
			"2026-11-02|leave", "2026-11-09|absent", "2026-11-10|sick",
		})
		equalLines(t, "a later row replaces an earlier one", dump(t, st, `SELECT a.status FROM attendance a
			JOIN students s ON s.sid = a.sid WHERE s.id = 'G500234201105010015' AND a.date = '2026-11-02'`), []string{"sick"})
		// Both numbers of one student on one day in one file: the same key twice.
		bad := importBad(t, st, "attendance", filepath.Join("testdata", "attendance.both-numbers.bad.csv"), opts())
		if len(bad.Errors) != 1 || bad.Errors[0].Line != 3 {
			t.Errorf("both numbers: %v, want a duplicate at line 3", bad)
		}
	})
}

// exec runs a statement of test setup.
func exec(t *testing.T, st *store.Store, q string, args ...any) {
	t.Helper()
	if err := st.RawExec(context.Background(), q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

// TestSchoolChange: a student who moves takes its open tasks to the new
// school's homeroom teacher or principal, and loses the old school's
// homeroom and pairing teachers.
func TestSchoolChange(t *testing.T) {
	for _, tc := range []struct {
		file, school, assignee, homeroom string
	}{
		{"students.moved.csv", "SCH01", "T002", ""},              // no homeroom column: the principal of SCH01
		{"students.moved-homeroom.csv", "SCH01", "T001", "T001"}, // the new homeroom teacher
		{"students.moved-center.csv", "SCH03", "C001", ""},       // no principal: the center admin
		{"students.moved-nobody.csv", "SCH04", "T003", ""},       // nobody to take over: unchanged
	} {
		t.Run(tc.file, func(t *testing.T) {
			storetest.Each(t, func(t *testing.T, st *store.Store) {
				base(t, st)
				importOK(t, st, "schools", "schools.extra.csv", opts())
				var sid int64
				if err := st.RawGet(context.Background(), &sid, `SELECT sid FROM students WHERE id = 'G500234201105010015'`); err != nil {
					t.Fatal(err)
				}
				exec(t, st, `UPDATE students SET pairing_teacher_id = 'T003' WHERE sid = ?`, sid)
				exec(t, st, `INSERT INTO pairings (sid, teacher_id, reason, assigned_at) VALUES (?, 'T003', 'rule', 'x')`, sid)
				// Two open tasks of one kind for two teachers (the pairing
				// teacher and the homeroom teacher), one of another kind, a
				// closed one.
				for _, tk := range []struct{ kind, teacher, due, status string }{
					{"contact_guardian", "T003", "2026-12-01", "open"}, {"home_visit", "T003", "2026-12-01", "acked"},
					{"contact_guardian", "T003", "2026-12-01", "closed"}, {"contact_guardian", "T004", "2026-11-30", "open"},
				} {
					exec(t, st, `INSERT INTO tasks (sid, school_id, kind, assignee, due, status, created_at)
						VALUES (?, 'SCH02', ?, ?, ?, ?, 'x')`, sid, tk.kind, tk.teacher, tk.due, tk.status)
				}
				exec(t, st, `INSERT INTO task_reasons (task_id, alert_id, rule, severity, since, added_at) VALUES
					(1, 11, 'r1', 'low', '2026-11-20', '2026-11-20'), (4, 14, 'r4', 'high', '2026-11-25', '2026-11-25')`)
				sum := importOK(t, st, "students", tc.file, opts())
				if sum.Updated != 1 || sum.New != 0 {
					t.Errorf("move: %v", sum)
				}
				// Taken over by one teacher, the two of one kind are one task
				// with both reasons; nothing is lost.
				want := []string{"open|" + tc.school + "|" + tc.assignee + "|2026-11-30||0", "acked|" + tc.school + "|" + tc.assignee + "|2026-12-01||0",
					"closed|SCH02|T003|2026-12-01||0", "closed|SCH02|T004|2026-11-30|merged|1"}
				reasons := []string{"1|11", "1|14"}
				if tc.assignee == "T003" { // nobody takes over: the tasks stay their teachers'
					want = []string{"open|SCH04|T003|2026-12-01||0", "acked|SCH04|T003|2026-12-01||0",
						"closed|SCH02|T003|2026-12-01||0", "open|SCH04|T004|2026-11-30||0"}
					reasons = []string{"1|11", "4|14"}
				}
				equalLines(t, "tasks", dump(t, st, `SELECT status, school_id, assignee, due, outcome, COALESCE(merged_into, 0)
					FROM tasks ORDER BY id`), want)
				equalLines(t, "reasons", dump(t, st, `SELECT task_id, alert_id FROM task_reasons ORDER BY task_id, alert_id`), reasons)
				equalLines(t, "teachers", dump(t, st, `SELECT school_id, homeroom_teacher_id, pairing_teacher_id
					FROM students WHERE sid = ?`, sid), []string{tc.school + "|" + tc.homeroom + "|"})
				equalLines(t, "pairing ended", dump(t, st, `SELECT teacher_id, ended_at FROM pairings WHERE sid = ?`, sid),
					[]string{"T003|2026-11-27T12:30:00.000000Z"})
			})
		})
	}
}

// TestSnapshot: an enrolled student of the file's schools missing from a
// --snapshot roster is marked, and cleared when it appears again.
func TestSnapshot(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		base(t, st)
		importOK(t, st, "students", "students.bom.csv", opts())
		opt := opts()
		opt.Snapshot = true
		sum := importOK(t, st, "students", "students.snapshot.csv", opt)
		if sum.Missing != 1 || sum.Localize(english) != "students: 1 row (0 new, 1 updated, 1 missing from the roster)" {
			t.Errorf("snapshot summary %q", sum.Localize(english))
		}
		// B1 (SCH01, enrolled) is missing; S3 is suspended, B2 and 张三 are of SCH02.
		equalLines(t, "missing", dump(t, st, `SELECT id, status, missing_since FROM students ORDER BY id`), []string{
			"B1|enrolled|2026-11-27", "B2|enrolled|", "G500234201105010015|enrolled|", "L500234201409030023|enrolled|", "S3|suspended|",
		})
		importOK(t, st, "students", "students.bom.csv", opts())
		equalLines(t, "back on the roster", dump(t, st, `SELECT missing_since FROM students WHERE id = 'B1'`), []string{""})
		equalLines(t, "audit", dump(t, st, `SELECT detail FROM audit WHERE object = 'students students.snapshot.csv'`),
			[]string{"rows=1, new=0, updated=1, snapshot, missing=1"})
	})
}

// TestImplicitRefs: rule unit tests name schools and teachers without
// importing them; without ImplicitRefs the same rows are bad.
func TestImplicitRefs(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		header := []string{"id", "name", "birth_date", "school_id", "grade", "homeroom_teacher_id"}
		rows := [][]string{{"S1", "张三", "2011-05-01", "X", "9", "TX"}}
		_, err := importer.ImportRows(ctx, st, "students", "tests.yaml", header, rows, []int{12}, opts())
		if err == nil || en(err) != `tests.yaml:12: school_id: unknown school "X": import it with the schools first, or correct the code` {
			t.Errorf("without implicit refs: %v", err)
		}
		opt := opts()
		opt.ImplicitRefs = true
		if _, err := importer.ImportRows(ctx, st, "students", "tests.yaml", header, rows, []int{12}, opt); err != nil {
			t.Fatal(err)
		}
		if _, err := importer.ImportRows(ctx, st, "home_teaching", "tests.yaml", []string{"student_id", "date", "teacher_id", "class_hours"},
			[][]string{{"S1", "2026-03-09", "TY", "2"}}, []int{20}, opt); err != nil {
			t.Fatal(err)
		}
		equalLines(t, "schools", dump(t, st, `SELECT id, name FROM schools`), []string{"X|X"})
		equalLines(t, "teachers", dump(t, st, `SELECT id, school_id, role FROM teachers ORDER BY id`),
			[]string{"TX|X|teacher", "TY||teacher"})
	})
}

// TestErrorList: BadRows prints the first 50 errors and counts the rest.
func TestErrorList(t *testing.T) {
	st := storetest.SQLite(t)
	var rows [][]string
	for i := 0; i < 120; i++ {
		rows = append(rows, []string{fmt.Sprintf("SCH%03d", i), "学校", ""})
	}
	_, err := importer.ImportRows(context.Background(), st, "schools", "many.csv", []string{"id", "name", "center"}, rows, nil, opts())
	bad, ok := err.(*importer.BadRows)
	if !ok || bad.Total != 120 {
		t.Fatalf("got %v, want 120 bad rows", err)
	}
	lines := strings.Split(bad.Localize(english), "\n")
	if len(lines) != 51 || lines[0] != "many.csv:2: center: required value is missing" || lines[50] != "… and 70 more" {
		t.Errorf("error text: %d lines, first %q, last %q", len(lines), lines[0], lines[len(lines)-1])
	}
	lines = strings.Split(bad.Error(), "\n") // in Chinese, the default
	if len(lines) != 51 || lines[0] != "many.csv:2: center: 缺少必填的值" || lines[50] != "……另有 70 个问题" {
		t.Errorf("error text in Chinese: %d lines, first %q, last %q", len(lines), lines[0], lines[len(lines)-1])
	}
	if _, err := importer.ImportRows(context.Background(), st, "pupils", "x", nil, nil, nil, opts()); err == nil ||
		!strings.Contains(err.Error(), "未知的导入类型") {
		t.Errorf("unknown kind: %v", err)
	}
}

// TestConcurrentImports: two imports of the same new roster at once queue
// up; one inserts, the other updates, and nothing is duplicated.
func TestConcurrentImports(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		importOK(t, st, "schools", "schools.good.csv", opts())
		importOK(t, st, "teachers", "teachers.good.csv", opts())
		sums := make(chan importer.Summary, 2)
		errs := make(chan error, 2)
		for i := 0; i < 2; i++ {
			go func() {
				sum, err := importer.ImportFile(context.Background(), st, "students", filepath.Join("testdata", "students.good.csv"), opts())
				sums <- sum
				errs <- err
			}()
		}
		total := importer.Summary{}
		for i := 0; i < 2; i++ {
			if err := <-errs; err != nil {
				t.Fatal(err)
			}
			s := <-sums
			total.New += s.New
			total.Updated += s.Updated
		}
		if total.New != 3 || total.Updated != 3 {
			t.Errorf("two imports: %d new, %d updated; want 3 and 3", total.New, total.Updated)
		}
		if n := counts(t, st)["students"]; n != 3 {
			t.Errorf("%d students, want 3", n)
		}
	})
}

// TestIdentityNumberInAFreeColumn: a students row whose name or class holds
// an identity number is a shifted row, refused at its line; kept, the number
// would show in full wherever names and classes are shown masked.
func TestIdentityNumberInAFreeColumn(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		base(t, st)
		path := filepath.Join(t.TempDir(), "shifted.csv")
		writeText(t, path, "学籍号,姓名,出生日期,学校代码,年级,班级\n"+
			"G500234201105010015,500234201104044444,2011-05-01,SCH01,9,1班\n"+
			"G500234201105010015,张三,2011-05-01,SCH01,9,G500234201105011237\n")
		bad := importBad(t, st, "students", path, opts())
		got := en(bad)
		for _, want := range []string{":2: 姓名: this is an identity number", ":3: 班级: this is an identity number"} {
			if !strings.Contains(got, want) {
				t.Errorf("errors lack %q:\n%s", want, got)
			}
		}
		if strings.Contains(got, "500234201104044444") || strings.Contains(got, "G500234201105011237") {
			t.Errorf("the error shows the number in full:\n%s", got)
		}
	})
}
