package report

import (
	"strings"
	"testing"

	"baoxue/engine"
	"baoxue/i18n"
)

// inhibitedResult is result() with S1's b-rule alert inhibited by a-rule
// and a reactivated alert with a new task for S2.
func inhibitedResult() *engine.Result {
	res := result()
	res.Alerts[1].Line.InhibitedBy = []string{"a-rule"}
	res.Alerts[1].Line.Notified = false
	res.New, res.Inhibited, res.Notified = 2, 1, 2
	res.Alerts[2].Line.New = false
	res.Alerts[2].Line.Task = &engine.TaskLine{Kind: "contact_guardian", Assignee: "T3", Due: "2026-03-12"}
	res.Alerts[2].NewTask = true
	res.TasksCreated++
	res.TasksByTeacher["T3"]++ // (as the engine counts the tasks it creates)
	return res
}

// TestSummaryCountsInhibitedApart: an inhibited alert is counted apart,
// by rule, and in no other count, so that a student another rule speaks
// for is not counted twice; it is no reason for urgency; a task an alert
// active again gets counts as new.
func TestSummaryCountsInhibitedApart(t *testing.T) {
	res := inhibitedResult()
	var b strings.Builder
	if err := WriteSummary(&b, i18n.Default(), res); err != nil {
		t.Fatal(err)
	}
	got := b.String()
	for _, want := range []string{
		"触发预警 2 条（新增 2，持续 0，将排队待通知 2）",
		"另有被抑制的预警 1 条（同一学生有更具体的规则在提醒，这些预警只保留记录，不通知，不建任务）：b-rule 1 条",
		"按规则：\n        1  a-rule                       规则A\n        1  b-rule",
		"评估学生 10 名，有风险 2 名（新增 2 名，此前已有预警 0 名）",
		"有风险的学生，按最高风险等级：\n        1  高风险\n        1  低风险\n",
		"有风险学生最多的学校：\n        1  一中（SCH01）\n        1  SCH02\n",
		"  张**  九年级 1班  一中（SCH01）  高风险，连续缺勤 3 个上学日\n      规则A\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("summary lacks %q:\n%s", want, got)
		}
	}
	if tasks := NewTasksByTeacher(res); tasks["T3"] != 1 {
		t.Errorf("NewTasksByTeacher = %v: the task of an alert active again is new", tasks)
	}
	risk := AtRisk(res)
	if len(risk) != 2 || strings.Join(risk[0].Rules, ",") != "a-rule" {
		t.Errorf("AtRisk = %+v: an inhibited alert is not listed", risk)
	}

	b.Reset()
	if err := WriteSummary(&b, i18n.NewPrinter(i18n.English), res); err != nil {
		t.Fatal(err)
	}
	if want := "1 more alerts inhibited (a more specific rule speaks for the same student: kept, not notified, no task): b-rule 1"; !strings.Contains(b.String(), want) {
		t.Errorf("English summary lacks %q:\n%s", want, b.String())
	}

	b.Reset()
	WriteOverview(&b, i18n.Default(), res)
	if want := "有风险 2 名（预警 2 条，另有 1 条被更具体的规则抑制）"; !strings.Contains(b.String(), want) {
		t.Errorf("overview lacks %q:\n%s", want, b.String())
	}
}

// TestSummaryWithoutInhibition says nothing of inhibition when nothing is
// inhibited.
func TestSummaryWithoutInhibition(t *testing.T) {
	var b strings.Builder
	if err := WriteSummary(&b, i18n.Default(), result()); err != nil {
		t.Fatal(err)
	}
	WriteOverview(&b, i18n.Default(), result())
	if strings.Contains(b.String(), "抑制") {
		t.Errorf("summary speaks of inhibition:\n%s", b.String())
	}
}

// TestInhibitedAlertListed: an open inhibited alert says so, in the table
// and in JSON (inhibited_by, left out when none).
func TestInhibitedAlertListed(t *testing.T) {
	a := listedAlert()
	a.InhibitedBy, a.Task, a.LastNotified, a.Notifications = []string{"left-behind-absence", "hardship-absence"}, nil, "", 0
	got := render(t, func(b *strings.Builder) *Listing[Alert] { return NewAlerts(b, i18n.Default(), false) }, a)
	if !strings.Contains(got, "2026-03-10            被抑制  grade9-absence") {
		t.Errorf("table:\n%s", got)
	}
	got = render(t, func(b *strings.Builder) *Listing[Alert] { return NewAlerts(b, i18n.Default(), true) }, a, listedAlert())
	lines := strings.Split(got, "\n")
	if !strings.Contains(lines[0], `"last_notified":"","notifications":0,"inhibited_by":["left-behind-absence","hardship-absence"],`) ||
		strings.Contains(lines[1], "inhibited_by") {
		t.Errorf("JSON:\n%s", got)
	}
}
