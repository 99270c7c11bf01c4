package report

import (
	"encoding/json"
	"strings"
	"testing"

	"baoxue/i18n"
)

// groupedAlerts are two students as `alerts` lists them: 张三丰 with a
// high alert and an inhibited medium one, and open tasks; 李四 with an
// alert that ended when the student left, and no task.
func groupedAlerts() []StudentAlerts {
	high := listedAlert()
	inhibited := listedAlert()
	inhibited.ID, inhibited.Rule, inhibited.Severity, inhibited.InhibitedBy, inhibited.Task = 8, "left-behind-absence", "medium", []string{"grade9-absence"}, nil
	gone := listedAlert()
	gone.ID, gone.State, gone.Outcome, gone.Ended, gone.Task, gone.Severity = 6, "resolved", "student_dropped", "2026-03-20", nil, "low"
	gone.StudentKey, gone.StudentName, gone.Grade, gone.Class = "k2", "李四", 7, "1班"
	return []StudentAlerts{
		{StudentHead: StudentHead{StudentKey: "k1", StudentName: "张三丰", Grade: 9, Class: "3班", School: "SCH01", SchoolName: "临江中学", Center: "C1", Severity: "high"}, Alerts: []Alert{high, inhibited},
			Tasks: []AlertTask{{ID: 3, Kind: "contact_guardian", Status: "open", Due: "2026-03-12", Assignee: "T1", AssigneeName: "王芳"},
				{ID: 4, Kind: "pairing", Status: "acked", Due: "2026-03-17", Assignee: "T2"}}},
		{StudentHead: StudentHead{StudentKey: "k2", StudentName: "李四", Grade: 7, Class: "1班", School: "SCH02", Center: "C1", Severity: "low"},
			Alerts: []Alert{gone}},
	}
}

func TestStudentAlertsTable(t *testing.T) {
	for _, tc := range []struct {
		lang i18n.Lang
		want string
	}{
		{i18n.Chinese, "" +
			"最高级别  学生  班级       学校               规则                                           未完成的任务\n" +
			"高风险    张**  九年级3班  临江中学（SCH01）  grade9-absence、left-behind-absence（被抑制）  " +
			"联系监护人：王芳（T1），2026-03-12 截止；一对一帮扶：T2，2026-03-17 截止\n" +
			"低风险    李*   七年级1班  SCH02              grade9-absence（学生离校：dropped）\n" +
			"共 2 名学生，预警 3 条\n"},
		{i18n.English, "" +
			"Highest  Student  Class         School            Rule                                             Open tasks\n" +
			"high     张**     grade 9, 3班  临江中学 (SCH01)  grade9-absence, left-behind-absence (inhibited)  " +
			"contact the guardian: 王芳 (T1), due 2026-03-12; one-to-one pairing: T2, due 2026-03-17\n" +
			"low      李*      grade 7, 1班  SCH02             grade9-absence (student left: dropped)\n" +
			"2 students, 3 alerts\n"},
	} {
		t.Run(string(tc.lang), func(t *testing.T) {
			p := i18n.NewPrinter(tc.lang)
			got := render(t, func(b *strings.Builder) *Listing[StudentAlerts] { return NewStudentAlerts(b, p, false) }, groupedAlerts()...)
			if got != tc.want {
				t.Errorf("got\n%s\nwant\n%s", got, tc.want)
			}
		})
	}
	one := groupedAlerts()[1:]
	p := i18n.NewPrinter(i18n.English)
	if got := render(t, func(b *strings.Builder) *Listing[StudentAlerts] { return NewStudentAlerts(b, p, false) }, one...); !strings.HasSuffix(got, "\n1 student, 1 alert\n") {
		t.Errorf("one student, one alert:\n%s", got)
	}
	if got := render(t, func(b *strings.Builder) *Listing[StudentAlerts] { return NewStudentAlerts(b, i18n.Default(), false) }); got != "没有符合条件的预警。\n" {
		t.Errorf("no student: %q", got)
	}
}

func TestStudentAlertsJSON(t *testing.T) {
	got := render(t, func(b *strings.Builder) *Listing[StudentAlerts] { return NewStudentAlerts(b, i18n.Default(), true) }, groupedAlerts()...)
	lines := strings.Split(strings.TrimSuffix(got, "\n"), "\n")
	want := `{"student_key":"k1","student_name":"张**","grade":9,"class":"3班","school":"SCH01","school_name":"临江中学","center":"C1",` +
		`"severity":"high","rules":["grade9-absence","left-behind-absence"],"alerts":[` +
		`{"id":7,"rule":"grade9-absence","severity":"high","state":"open","outcome":"","opened":"2026-03-10","ended":"",` +
		`"last_notified":"2026-03-10","notifications":1,"student_key":"k1","student_name":"张**","grade":9,"class":"3班",` +
		`"school":"SCH01","school_name":"临江中学","center":"C1","task":{"id":3,"kind":"contact_guardian","status":"open",` +
		`"due":"2026-03-12","assignee":"T1","assignee_name":"王芳"}},` +
		`{"id":8,"rule":"left-behind-absence","severity":"medium","state":"open","outcome":"","opened":"2026-03-10","ended":"",` +
		`"last_notified":"2026-03-10","notifications":1,"inhibited_by":["grade9-absence"],"student_key":"k1","student_name":"张**",` +
		`"grade":9,"class":"3班","school":"SCH01","school_name":"临江中学","center":"C1"}],` +
		`"tasks":[{"id":3,"kind":"contact_guardian","status":"open","due":"2026-03-12","assignee":"T1","assignee_name":"王芳"},` +
		`{"id":4,"kind":"pairing","status":"acked","due":"2026-03-17","assignee":"T2","assignee_name":""}]}`
	if len(lines) != 2 || lines[0] != want {
		t.Fatalf("got\n%s\nwant first line\n%s", got, want)
	}
	var o map[string]any
	if err := json.Unmarshal([]byte(lines[1]), &o); err != nil {
		t.Fatal(err)
	}
	if tasks, ok := o["tasks"].([]any); !ok || len(tasks) != 0 || o["student_name"] != "李*" || strings.Contains(got, "三丰") {
		t.Errorf("a student without tasks: %s", lines[1])
	}
}

// groupedTasks is one student as `tasks` lists them: an overdue task
// escalated to the principal, following a high, a low (ended) and another
// low reason, and an acknowledged pairing task of that other reason's
// rule, critical; and a student with a closed task whose reason left it
// when its alert was inhibited.
func groupedTasks() []StudentTasks {
	late := Task{ID: 1, Alert: 7, Kind: "contact_guardian", Rule: "special-group-no-contact", Status: "open", Overdue: true,
		Escalation: 1, Due: "2026-03-12", Created: "2026-03-10", StudentKey: "k1", StudentName: "张三丰", Grade: 9, Class: "3班",
		School: "SCH01", SchoolName: "临江中学", Assignee: "T1", AssigneeName: "王芳", Severity: "high",
		Reasons: []TaskReason{
			{Alert: 7, Rule: "special-group-no-contact", Severity: "low", Since: "2026-03-09", Ended: "2026-03-11", Outcome: "resolved",
				Message: "张三丰近30天无联系"},
			{Alert: 9, Rule: "grade9-absence", Severity: "high", Since: "2026-03-10", Message: "张三丰缺勤两天"},
			{Alert: 10, Rule: "streak", Severity: "low", Since: "2026-03-10"}}}
	pairing := late
	pairing.ID, pairing.Alert, pairing.Kind, pairing.Rule, pairing.Status, pairing.Overdue, pairing.Escalation = 2, 0, "pairing", "streak", "acked", false, 0
	pairing.Due, pairing.Severity, pairing.Reasons, pairing.Assignee, pairing.AssigneeName = "2026-03-17", "critical", nil, "T2", ""
	closed := late
	closed.ID, closed.Status, closed.Outcome, closed.Overdue, closed.Escalation, closed.StudentKey, closed.StudentName = 3, "closed", "inhibited", false, 0, "k2", "李四"
	closed.Severity, closed.Reasons = "medium", []TaskReason{{Alert: 5, Rule: "repeated-absence", Severity: "medium", Since: "2026-03-02", Left: "2026-03-10"}}
	return []StudentTasks{
		{StudentHead: StudentHead{StudentKey: "k1", StudentName: "张三丰", Grade: 9, Class: "3班", School: "SCH01", SchoolName: "临江中学", Center: "C1", Severity: "critical"}, Tasks: []Task{late, pairing}},
		{StudentHead: StudentHead{StudentKey: "k2", StudentName: "李四", Grade: 9, Class: "3班", School: "SCH01", SchoolName: "临江中学", Center: "C1", Severity: "medium"}, Tasks: []Task{closed}},
	}
}

func TestStudentTasksTable(t *testing.T) {
	for _, tc := range []struct {
		lang i18n.Lang
		want string
	}{
		{i18n.Chinese, "" +
			"最高级别  学生  班级       学校               规则                                                        任务\n" +
			"紧急      张**  九年级3班  临江中学（SCH01）  streak、grade9-absence、special-group-no-contact（已解除）  " +
			"联系监护人（逾期）：王芳（T1），2026-03-12 截止，已升级至校长；一对一帮扶（已接收）：T2，2026-03-17 截止\n" +
			"中风险    李*   九年级3班  临江中学（SCH01）  repeated-absence（被抑制）                                  " +
			"联系监护人（已关闭：inhibited）：王芳（T1），2026-03-12 截止\n" +
			"共 2 名学生，任务 3 项\n"},
		{i18n.English, "" +
			"Highest   Student  Class         School            Rule                                                         Task\n" +
			"critical  张**     grade 9, 3班  临江中学 (SCH01)  streak, grade9-absence, special-group-no-contact (resolved)  " +
			"contact the guardian (overdue): 王芳 (T1), due 2026-03-12, escalated to principal; one-to-one pairing (acknowledged): T2, due 2026-03-17\n" +
			"medium    李*      grade 9, 3班  临江中学 (SCH01)  repeated-absence (inhibited)                                 " +
			"contact the guardian (closed: inhibited): 王芳 (T1), due 2026-03-12\n" +
			"2 students, 3 tasks\n"},
	} {
		t.Run(string(tc.lang), func(t *testing.T) {
			p := i18n.NewPrinter(tc.lang)
			got := render(t, func(b *strings.Builder) *Listing[StudentTasks] { return NewStudentTasks(b, p, false) }, groupedTasks()...)
			if got != tc.want {
				t.Errorf("got\n%s\nwant\n%s", got, tc.want)
			}
		})
	}
}

func TestStudentTasksJSON(t *testing.T) {
	got := render(t, func(b *strings.Builder) *Listing[StudentTasks] { return NewStudentTasks(b, i18n.Default(), true) }, groupedTasks()...)
	lines := strings.Split(strings.TrimSuffix(got, "\n"), "\n")
	if len(lines) != 2 {
		t.Fatalf("want 2 lines, got\n%s", got)
	}
	var o struct {
		StudentKey  string           `json:"student_key"`
		StudentName string           `json:"student_name"`
		Severity    string           `json:"severity"`
		Rules       []string         `json:"rules"`
		Tasks       []map[string]any `json:"tasks"`
	}
	if err := json.Unmarshal([]byte(lines[0]), &o); err != nil {
		t.Fatal(err)
	}
	if o.StudentKey != "k1" || o.StudentName != "张**" || o.Severity != "critical" ||
		strings.Join(o.Rules, " ") != "streak grade9-absence special-group-no-contact" || len(o.Tasks) != 2 {
		t.Errorf("first student: %s", lines[0])
	}
	if strings.Contains(got, "三丰") || !strings.Contains(lines[0], `"message":"张**缺勤两天"`) || o.Tasks[0]["overdue"] != true {
		t.Errorf("the name is not masked in the tasks, or a task lost a field: %s", lines[0])
	}
	if !strings.HasPrefix(lines[0], `{"student_key":"k1","student_name":"张**","grade":9,"class":"3班","school":"SCH01",`+
		`"school_name":"临江中学","center":"C1","severity":"critical","rules":[`) {
		t.Errorf("fields out of order: %s", lines[0])
	}
}
