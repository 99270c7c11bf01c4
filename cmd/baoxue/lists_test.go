package main

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// jsonLines parses out, one JSON object a line, and fails t on a line that
// is not one.
func jsonLines(t *testing.T, out string) []map[string]any {
	t.Helper()
	var objs []map[string]any
	for _, line := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		if line == "" {
			continue
		}
		var o map[string]any
		if err := json.Unmarshal([]byte(line), &o); err != nil {
			t.Fatalf("not a JSON line: %q: %v", line, err)
		}
		objs = append(objs, o)
	}
	return objs
}

// field lists field key of every object, as text.
func field(objs []map[string]any, key string) []string {
	var out []string
	for _, o := range objs {
		switch v := o[key].(type) {
		case string:
			out = append(out, v)
		case nil:
			out = append(out, "")
		default:
			b, _ := json.Marshal(v)
			out = append(out, string(b))
		}
	}
	return out
}

// fullNames are the students' names of listsDistrict: no list shows them.
var fullNames = []string{"张一一", "李二二", "赵三三"}

// listsDistrict imports two schools of two centers, a teacher each and
// three grade 9 students absent twice, 张一一 and 赵三三 of SCH01 (C1) and
// 李二二 of SCH02 (C2), into the database dsn.
func listsDistrict(t *testing.T, dir, dsn string) {
	t.Helper()
	write(t, filepath.Join(dir, "schools.csv"), "id,name,center\nSCH01,一中,C1\nSCH02,二中,C2\n")
	write(t, filepath.Join(dir, "teachers.csv"), "id,name,school_id,role\nT1,王老师,SCH01,teacher\nT2,李老师,SCH02,teacher\n")
	write(t, filepath.Join(dir, "students.csv"), "id,name,birth_date,school_id,grade,class,homeroom_teacher_id,national_id\n"+
		"G500234201105010015,张一一,2011-05-01,SCH01,9,3班,T1,500234201105010015\n"+
		"S2,李二二,2011-06-01,SCH02,9,1班,T2,\n"+
		"S3,赵三三,2011-07-01,SCH01,9,3班,T1,\n")
	write(t, filepath.Join(dir, "attendance.csv"), "student_id,date,status\n"+
		"G500234201105010015,2026-03-09,absent\nG500234201105010015,2026-03-10,absent\n"+
		"S2,2026-03-09,absent\nS2,2026-03-10,sick\nS3,2026-03-09,absent\nS3,2026-03-10,leave\n")
	for _, kind := range []string{"schools", "teachers", "students", "attendance"} {
		if code, _, errs := cli(t, dir, "--db", dsn, "import", kind, kind+".csv"); code != 0 {
			t.Fatalf("import %s: %s", kind, errs)
		}
	}
}

// TestListsAfterRuns: alerts, tasks and runs on both engines, after three
// runs that open, resolve, end and retire alerts: each filter and their
// combinations, JSON lines, tables in Chinese with masked names, schools and
// teachers by name and code, and no identity number anywhere.
func TestListsAfterRuns(t *testing.T) {
	for _, engine := range []string{"sqlite", "postgres"} {
		t.Run(engine, func(t *testing.T) {
			dir := t.TempDir()
			dsn := secretDB(t, engine, dir)
			listsDistrict(t, dir, dsn)
			list := func(args ...string) string {
				t.Helper()
				code, out, errs := cli(t, dir, append([]string{"--db", dsn}, args...)...)
				if code != 0 || errs != "" {
					t.Fatalf("%v: exit %d\n%s%s", args, code, out, errs)
				}
				for _, s := range append(slices.Clone(fullNames), "500234201105010015", "500234") {
					if strings.Contains(out, s) {
						t.Errorf("%v shows %q:\n%s", args, s, out)
					}
				}
				return out
			}
			eval := func(args ...string) {
				t.Helper()
				if code, out, errs := cli(t, dir, append([]string{"--db", dsn, "eval"}, args...)...); code != 0 {
					t.Fatalf("eval %v: exit %d\n%s%s", args, code, out, errs)
				}
			}
			// The per-alert and per-task forms; TestListsByStudent checks the
			// default, one line per student.
			g9 := []string{"--rule", "grade9-absence", "--per-alert"}

			// Run 1 at 03-10: three alerts open, each with a task due 03-12.
			if out := list("runs"); !strings.Contains(out, "还没有运行记录") {
				t.Errorf("runs before any run:\n%s", out)
			}
			eval("--at", "2026-03-10")
			out := list(append([]string{"alerts", "--open"}, g9...)...)
			for _, want := range []string{"开始日期", "规则", "学生", "负责教师", "grade9-absence", "张**", "李**", "赵**",
				"一中（SCH01）", "二中（SCH02）", "王老师（T1）", "李老师（T2）", "2026-03-12", "未解除", "共 3 条预警"} {
				if !strings.Contains(out, want) {
					t.Errorf("alerts --open: no %q in\n%s", want, out)
				}
			}
			objs := jsonLines(t, list(append([]string{"alerts", "--open", "--json"}, g9...)...))
			if got := field(objs, "student_name"); len(got) != 3 || !slices.Contains(got, "张**") {
				t.Fatalf("alerts --open --json: names %v\n%v", got, objs)
			}
			for _, o := range objs {
				task, _ := o["task"].(map[string]any)
				if o["state"] != "open" || o["opened"] != "2026-03-10" || len(o["student_key"].(string)) != 16 || task["due"] != "2026-03-12" {
					t.Errorf("alert line %v", o)
				}
			}
			objs = jsonLines(t, list(append([]string{"alerts", "--open", "--school", "SCH01", "--json"}, g9...)...))
			if got := field(objs, "school"); !slices.Equal(got, []string{"SCH01", "SCH01"}) {
				t.Errorf("alerts --open --school SCH01: schools %v", got)
			}
			objs = jsonLines(t, list(append([]string{"alerts", "--center", "C2", "--json"}, g9...)...))
			if got := field(objs, "student_name"); !slices.Equal(got, []string{"李**"}) || objs[0]["school_name"] != "二中" {
				t.Errorf("alerts --center C2: %v", objs)
			}
			objs = jsonLines(t, list("tasks", "--open", "--teacher", "T1", "--json", "--per-task"))
			if got := field(objs, "student_name"); len(got) != 2 || !slices.Contains(got, "张**") || !slices.Contains(got, "赵**") {
				t.Errorf("tasks --open --teacher T1: %v", objs)
			}
			if got := field(objs, "assignee_name"); !slices.Equal(got, []string{"王老师", "王老师"}) {
				t.Errorf("tasks of T1 assigned to %v", got)
			}
			if out := list("tasks", "--overdue", "--at", "2026-03-11"); !strings.Contains(out, "没有符合条件的任务") {
				t.Errorf("tasks overdue before they are due:\n%s", out)
			}
			out = list("tasks", "--overdue", "--school", "SCH02", "--at", "2026年3月12日", "--per-task")
			if !strings.Contains(out, "逾期") || !strings.Contains(out, "李**") || strings.Contains(out, "张**") || !strings.Contains(out, "共 1 项任务") {
				t.Errorf("tasks --overdue --school SCH02 at the due date:\n%s", out)
			}

			// Run 2 at 03-24: 张一一 still absent, 李二二 transferred, 赵三三 back.
			write(t, filepath.Join(dir, "attendance2.csv"), "student_id,date,status\n"+
				"G500234201105010015,2026-03-23,absent\nG500234201105010015,2026-03-24,absent\n")
			write(t, filepath.Join(dir, "reports.csv"), "school_id,date\nSCH01,2026-03-24\nSCH02,2026-03-24\n")
			write(t, filepath.Join(dir, "moved.csv"), "id,name,birth_date,school_id,grade,status\nS2,李二二,2011-06-01,SCH02,9,transferred\n")
			for _, imp := range [][]string{{"attendance", "attendance2.csv"}, {"reports", "reports.csv"}, {"students", "moved.csv"}} {
				if code, _, errs := cli(t, dir, append([]string{"--db", dsn, "import"}, imp...)...); code != 0 {
					t.Fatalf("import %v: %s", imp, errs)
				}
			}
			eval("--at", "2026-03-24")
			objs = jsonLines(t, list(append([]string{"alerts", "--resolved", "--json"}, g9...)...))
			if got := field(objs, "student_name"); len(got) != 2 || !slices.Contains(got, "李**") || !slices.Contains(got, "赵**") {
				t.Errorf("alerts --resolved: %v", objs)
			}
			for _, o := range objs {
				want := map[any]string{"李**": "student_transferred", "赵**": "resolved"}[o["student_name"]]
				if o["state"] != "resolved" || o["outcome"] != want || o["ended"] != "2026-03-24" {
					t.Errorf("resolved alert %v, want outcome %s", o, want)
				}
			}
			out = list(append([]string{"alerts", "--resolved", "--school", "SCH02"}, g9...)...)
			if !strings.Contains(out, "学生离校：transferred") || !strings.Contains(out, "2026-03-24") || strings.Contains(out, "赵**") {
				t.Errorf("alerts --resolved --school SCH02:\n%s", out)
			}
			// --since: what opened or ended on or after the day, written as people write it.
			objs = jsonLines(t, list(append([]string{"alerts", "--since", "2026/3/24", "--json"}, g9...)...))
			if got := field(objs, "state"); !slices.Equal(got, []string{"resolved", "resolved"}) {
				t.Errorf("alerts --since 2026/3/24: %v", objs)
			}
			if out := list(append([]string{"alerts", "--open", "--since", "2026-03-11"}, g9...)...); !strings.Contains(out, "没有符合条件的预警") {
				t.Errorf("open alerts opened since 03-11:\n%s", out)
			}
			objs = jsonLines(t, list("tasks", "--closed", "--json", "--per-task"))
			if got := field(objs, "outcome"); len(got) < 2 || !slices.Contains(got, "student_transferred") || !slices.Contains(got, "resolved") {
				t.Errorf("tasks --closed: %v", objs)
			}
			if got := field(objs, "status"); slices.ContainsFunc(got, func(s string) bool { return s != "closed" }) {
				t.Errorf("tasks --closed lists %v", got)
			}
			objs = jsonLines(t, list("tasks", "--overdue", "--teacher", "T1", "--at", "2026-03-24", "--json", "--per-task"))
			if got := field(objs, "student_name"); !slices.Equal(got, []string{"张**"}) || objs[0]["overdue"] != true {
				t.Errorf("tasks --overdue --teacher T1: %v", objs)
			}

			// Run 3: a rule file without the default rules retires their alerts.
			write(t, filepath.Join(dir, "other.yaml"), "rules:\n  - {id: other, name: 其他, severity: low, when: absences(7) >= 5}\n")
			eval("--rules", "other.yaml", "--at", "2026-03-24", "--retire", "--force")
			objs = jsonLines(t, list(append([]string{"alerts", "--retired", "--json"}, g9...)...))
			if got := field(objs, "student_name"); !slices.Equal(got, []string{"张**"}) || objs[0]["outcome"] != "rule_retired" {
				t.Errorf("alerts --retired: %v", objs)
			}
			if out := list(append([]string{"alerts", "--retired"}, g9...)...); !strings.Contains(out, "规则已停用") {
				t.Errorf("alerts --retired:\n%s", out)
			}
			if out := list(append([]string{"alerts", "--resolved"}, g9...)...); !strings.Contains(out, "共 2 条预警") || strings.Contains(out, "张**") {
				t.Errorf("alerts --resolved lists a retired alert:\n%s", out)
			}
			objs = jsonLines(t, list("alerts", "--json", "--per-alert"))
			if got := field(objs, "opened"); !slices.IsSortedFunc(got, func(a, b string) int { return strings.Compare(b, a) }) {
				t.Errorf("alerts not newest first: %v", got)
			}

			objs = jsonLines(t, list("runs", "--json"))
			if got := field(objs, "at"); !slices.Equal(got, []string{"2026-03-24", "2026-03-24", "2026-03-10"}) {
				t.Fatalf("runs --json: %v", objs)
			}
			if got := field(objs, "forced"); !slices.Equal(got, []string{"true", "false", "false"}) {
				t.Errorf("forced: %v", got)
			}
			if objs[0]["rules_checksum"] == objs[1]["rules_checksum"] || len(objs[1]["rules_checksum"].(string)) != 64 {
				t.Errorf("rules checksums: %v", field(objs, "rules_checksum"))
			}
			if objs[0]["alerts_retired"].(float64) < 1 || objs[1]["alerts_resolved"].(float64) < 2 || objs[2]["alerts_new"].(float64) < 3 {
				t.Errorf("run counts: %v", objs)
			}
			out = list("runs", "--limit", "1")
			sum := objs[0]["rules_checksum"].(string)
			if !strings.Contains(out, "评估日期") || !strings.Contains(out, sum[:12]) || strings.Contains(out, sum[:13]) ||
				!strings.Contains(out, "是") || strings.Contains(out, "2026-03-10") || !strings.Contains(out, "共 1 次运行") {
				t.Errorf("runs --limit 1:\n%s", out)
			}
		})
	}
}

// TestListsRefuse: conflicting flags, bad dates and stray arguments are
// usage errors (exit 1) that say what is wrong; a database that is not
// there is exit 1 and nothing is created; a list writes nothing.
func TestListsRefuse(t *testing.T) {
	dir := t.TempDir()
	db := "file:" + filepath.Join(dir, "t.db")
	listsDistrict(t, dir, db)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"alerts", "--open", "--resolved"}, "baoxue alerts：--open 和 --resolved 不能同时使用"},
		{[]string{"alerts", "--retired", "--school", "SCH01", "--open"}, "--open 和 --retired 不能同时使用"},
		{[]string{"tasks", "--overdue", "--closed"}, "baoxue tasks：--overdue 和 --closed 不能同时使用"},
		{[]string{"alerts", "--since", "2026-02-30"}, `baoxue alerts：--since：日期 "2026-02-30" 无效`},
		{[]string{"tasks", "--at", "tomorrow"}, `baoxue tasks：--at：日期 "tomorrow"`},
		{[]string{"runs", "--limit", "-1"}, "--limit -1：应为 0（全部）或正整数"},
		{[]string{"runs", "all"}, `baoxue runs：多余的参数 "all"`},
		{[]string{"alerts", "--school", "一中"}, `baoxue alerts：--school "一中"：没有这个代码的学校`},
		{[]string{"alerts", "--center", "C9"}, `baoxue alerts：--center "C9"：没有学校属于这个片区`},
		{[]string{"tasks", "--teacher", "T9999"}, `baoxue tasks：--teacher "T9999"：没有这个工号的教师`},
		{[]string{"alerts", "--opne"}, "没有 --opne 这个选项"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			code, out, errs := cli(t, dir, append([]string{"--db", db}, tc.args...)...)
			if code != 1 || !strings.Contains(errs, tc.want) || out != "" {
				t.Errorf("exit %d, stderr %q, stdout %q; want 1 and %q", code, errs, out, tc.want)
			}
		})
	}
	unchanged(t, filepath.Join(dir, "t.db"), func() {
		for _, args := range [][]string{{"alerts"}, {"tasks", "--open"}, {"runs", "--json"}} {
			if code, _, errs := cli(t, dir, append([]string{"--db", db}, args...)...); code != 0 {
				t.Errorf("%v: exit %d, %s", args, code, errs)
			}
		}
	})
	empty := t.TempDir()
	for _, cmd := range []string{"alerts", "tasks", "runs"} {
		code, _, errs := cli(t, empty, cmd)
		if code != 1 || !strings.Contains(errs, "没有找到数据库 baoxue.db") {
			t.Errorf("%s without a database: exit %d, %s", cmd, code, errs)
		}
	}
	if names := files(t, empty); len(names) > 0 {
		t.Errorf("the lists left %v in an empty directory", names)
	}
}

// TestListsByStudent: alerts and tasks list one line (or JSON object) per
// student by default, the highest severity first, with every rule and the
// open tasks; the count says students and alerts (or tasks), and the alerts
// counted are those the per-alert form lists; the same on both engines.
func TestListsByStudent(t *testing.T) {
	for _, engine := range []string{"sqlite", "postgres"} {
		t.Run(engine, func(t *testing.T) {
			dir := t.TempDir()
			dsn := secretDB(t, engine, dir)
			listsDistrict(t, dir, dsn)
			list := func(args ...string) string {
				t.Helper()
				code, out, errs := cli(t, dir, append([]string{"--db", dsn}, args...)...)
				if code != 0 || errs != "" {
					t.Fatalf("%v: exit %d\n%s%s", args, code, out, errs)
				}
				for _, s := range append(slices.Clone(fullNames), "500234201105010015", "500234") {
					if strings.Contains(out, s) {
						t.Errorf("%v shows %q:\n%s", args, s, out)
					}
				}
				return out
			}
			write(t, filepath.Join(dir, "rules.yaml"), `rules:
  - {id: unexcused-twice, name: 两周旷课两天, severity: critical, when: unexcused(14) >= 2, pair: true,
     task: {kind: home_visit, assign: homeroom, due: 2d}}
  - {id: absent-twice, name: 两周缺勤两天, severity: high, when: absences(14) >= 2, inhibits: [any-absence],
     task: {kind: contact_guardian, assign: homeroom, due: 3d}}
  - {id: any-absence, name: 两周缺勤, severity: low, when: absences(14) >= 1}
`)
			if code, out, errs := cli(t, dir, "--db", dsn, "--rules", "rules.yaml", "eval", "--at", "2026-03-10"); code != 0 {
				t.Fatalf("eval: exit %d\n%s%s", code, out, errs)
			}
			const tasksOfZhang = "家访：王老师（T1），2026-03-12 截止；联系监护人：王老师（T1），2026-03-13 截止；一对一帮扶：王老师（T1），2026-03-17 截止"
			// 张一一 is critical (two unexcused days), the others high; 赵三三
			// (SCH01) before 李二二 (SCH02). Every rule, most severe first,
			// the inhibited one marked; every open task, the pairing too.
			want := "" +
				"最高级别  学生  班级       学校           规则                                                  未完成的任务\n" +
				"紧急      张**  九年级3班  一中（SCH01）  unexcused-twice、absent-twice、any-absence（被抑制）  " + tasksOfZhang + "\n" +
				"高风险    赵**  九年级3班  一中（SCH01）  absent-twice、any-absence（被抑制）                   联系监护人：王老师（T1），2026-03-13 截止\n" +
				"高风险    李**  九年级1班  二中（SCH02）  absent-twice、any-absence（被抑制）                   联系监护人：李老师（T2），2026-03-13 截止\n" +
				"共 3 名学生，预警 7 条\n"
			if got := list("alerts", "--open"); got != want {
				t.Errorf("alerts --open:\n%s\nwant\n%s", got, want)
			}
			if got := list("alerts", "--open", "--per-alert"); !strings.HasSuffix(got, "\n共 7 条预警\n") || strings.Count(got, "\n") != 9 {
				t.Errorf("alerts --open --per-alert:\n%s", got)
			}
			if got := list("--lang", "en", "alerts", "--open"); !strings.HasSuffix(got, "\n3 students, 7 alerts\n") {
				t.Errorf("alerts --open in English:\n%s", got)
			}

			// JSON: one object per student, with the alerts the per-alert
			// form lists, and the open tasks.
			objs := jsonLines(t, list("alerts", "--open", "--json"))
			if got := field(objs, "student_name"); !slices.Equal(got, []string{"张**", "赵**", "李**"}) {
				t.Fatalf("alerts --open --json: students %v", got)
			}
			if got := field(objs, "severity"); !slices.Equal(got, []string{"critical", "high", "high"}) {
				t.Errorf("severities %v", got)
			}
			if got := field(objs, "rules"); got[0] != `["unexcused-twice","absent-twice","any-absence"]` || got[2] != `["absent-twice","any-absence"]` {
				t.Errorf("rules %v", got)
			}
			var ids []string
			for _, o := range objs {
				as := o["alerts"].([]any)
				for _, a := range as {
					a := a.(map[string]any)
					if a["student_key"] != o["student_key"] || a["student_name"] != o["student_name"] || a["state"] != "open" {
						t.Errorf("alert %v of student %v", a, o["student_key"])
					}
					ids = append(ids, fmt.Sprint(a["id"]))
				}
				if len(o["student_key"].(string)) != 16 || o["school_name"] == "" || o["center"] == "" {
					t.Errorf("student %v", o)
				}
			}
			perAlert := field(jsonLines(t, list("alerts", "--open", "--json", "--per-alert")), "id")
			slices.Sort(ids)
			slices.Sort(perAlert)
			if !slices.Equal(ids, perAlert) {
				t.Errorf("alerts of the students %v, per alert %v", ids, perAlert)
			}
			kinds := func(o map[string]any) []string { return field(toObjects(o["tasks"]), "kind") }
			if got := kinds(objs[0]); !slices.Equal(got, []string{"home_visit", "contact_guardian", "pairing"}) {
				t.Errorf("tasks of 张**: %v", got)
			}

			// The filters select alerts, and the groups are made of those:
			// 张一一's group is high for absent-twice, and still shows every
			// open task of the student.
			objs = jsonLines(t, list("alerts", "--open", "--rule", "absent-twice", "--json"))
			if got := field(objs, "severity"); !slices.Equal(got, []string{"high", "high", "high"}) || len(objs[0]["alerts"].([]any)) != 1 {
				t.Errorf("alerts --rule absent-twice: %v", objs)
			}
			// (张一一 and 赵三三, of one class, by name.)
			if got := field(objs, "student_name"); !slices.Equal(got, []string{"张**", "赵**", "李**"}) || len(kinds(objs[0])) != 3 {
				t.Errorf("alerts --rule absent-twice: %v", objs)
			}
			if got := list("alerts", "--open", "--school", "SCH02"); !strings.HasSuffix(got, "\n共 1 名学生，预警 2 条\n") {
				t.Errorf("alerts --open --school SCH02:\n%s", got)
			}

			// tasks: one line per student, the tasks most urgent first, with
			// their state at --at.
			want = "" +
				"最高级别  学生  班级       学校           规则                           任务\n" +
				"紧急      张**  九年级3班  一中（SCH01）  unexcused-twice、absent-twice  家访（逾期）：王老师（T1），2026-03-12 截止；" +
				"联系监护人（逾期）：王老师（T1），2026-03-13 截止；一对一帮扶（待处理）：王老师（T1），2026-03-17 截止\n" +
				"高风险    赵**  九年级3班  一中（SCH01）  absent-twice                   联系监护人（逾期）：王老师（T1），2026-03-13 截止\n" +
				"高风险    李**  九年级1班  二中（SCH02）  absent-twice                   联系监护人（逾期）：李老师（T2），2026-03-13 截止\n" +
				"共 3 名学生，任务 5 项\n"
			if got := list("tasks", "--open", "--at", "2026-03-13"); got != want {
				t.Errorf("tasks --open:\n%s\nwant\n%s", got, want)
			}
			if got := list("tasks", "--open", "--at", "2026-03-13", "--per-task"); !strings.HasSuffix(got, "\n共 5 项任务\n") {
				t.Errorf("tasks --open --per-task:\n%s", got)
			}
			if got := list("tasks", "--overdue", "--at", "2026-03-12"); !strings.Contains(got, "家访（逾期）") ||
				strings.Contains(got, "联系监护人") || !strings.HasSuffix(got, "\n共 1 名学生，任务 1 项\n") {
				t.Errorf("tasks --overdue at 03-12:\n%s", got)
			}
			objs = jsonLines(t, list("tasks", "--open", "--teacher", "T1", "--json", "--at", "2026-03-13"))
			if got := field(objs, "student_name"); !slices.Equal(got, []string{"张**", "赵**"}) {
				t.Fatalf("tasks --teacher T1 --json: %v", objs)
			}
			if got := field(objs, "rules"); got[0] != `["unexcused-twice","absent-twice"]` {
				t.Errorf("rules of 张**'s tasks: %v", got)
			}
			first := toObjects(objs[0]["tasks"])
			if got := field(first, "kind"); !slices.Equal(got, []string{"home_visit", "contact_guardian", "pairing"}) ||
				first[0]["overdue"] != true || first[2]["overdue"] != false || first[0]["assignee_name"] != "王老师" {
				t.Errorf("tasks of 张**: %v", first)
			}
		})
	}
}

// toObjects is v, a JSON array of objects, as maps.
func toObjects(v any) []map[string]any {
	var out []map[string]any
	for _, o := range v.([]any) {
		out = append(out, o.(map[string]any))
	}
	return out
}
