package report

import (
	"strings"
	"testing"

	"baoxue/engine"
	"baoxue/i18n"
)

// A student several rules fire for is one entry: the highest severity,
// the rules most severe first, each message once, the student's task
// under it; the most severe student comes first, and the headings and the
// group line count students, not rule firings.
func TestDigestOneEntryPerStudent(t *testing.T) {
	d := &engine.Digest{Run: 3, At: "2026-03-10", Teacher: "T001",
		Alerts: []engine.DigestAlert{
			{Rule: "low-rule", RuleName: "低规则", Severity: "low", StudentKey: "k2", Name: "李四", Class: "七年级1班", Message: "李四缺勤。", New: true},
			{Rule: "mid-rule", RuleName: "中规则", Severity: "medium", StudentKey: "k1", Name: "张三", Class: "九年级2班", Message: "张三缺勤。", New: true},
			{Rule: "hidden-rule", RuleName: "留守规则", Sensitive: true, Severity: "critical", StudentKey: "k1", Name: "张三", Class: "九年级2班", Message: "张三缺勤。", New: true},
			{Rule: "old-rule", RuleName: "旧规则", Severity: "high", StudentKey: "k3", Name: "王五", Class: "八年级3班"},
		},
		Tasks: []engine.DigestTask{
			{Kind: "home_visit", StudentKey: "k1", Name: "张三", Due: "2026-03-12"},
			{Kind: "pairing", StudentKey: "k9", Name: "赵六", Due: "2026-03-17"},
		},
	}
	p := i18n.NewPrinter(i18n.Chinese)
	r, err := RenderDigest(p, d, DigestTo{Teacher: "T001", Name: "王芳"}, DigestOptions{Mode: DigestPersonal})
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Join([]string{
		"保学提醒｜王芳｜2026-03-10",
		"有新预警的学生 2 名：",
		"· 【紧急】张三（九年级2班）：留守规则；中规则 张三缺勤。",
		"  任务：家访，2026-03-12 前完成",
		"· 【低】李四（七年级1班）：低规则 李四缺勤。",
		"预警仍在持续的学生 1 名（提醒）：",
		"· 【高】王五（八年级3班）：旧规则",
		"新任务 1 项：",
		"· 一对一帮扶：赵六，2026-03-17 前完成",
	}, "\n")
	if r.Text != want {
		t.Errorf("personal text:\n%s\nwant:\n%s", r.Text, want)
	}
	m, err := RenderDigest(p, d, DigestTo{Teacher: "T001", Name: "王芳"}, DigestOptions{Mode: DigestMasked})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(m.Text, "· 【紧急】张*（九年级2班）：（敏感规则）；中规则\n") || strings.Contains(m.Text, "留守") {
		t.Errorf("masked text:\n%s", m.Text)
	}
	g, err := RenderDigest(p, d, DigestTo{Teacher: "T001", Name: "王芳"}, DigestOptions{Mode: DigestGroup})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(g.Text, "@王芳：新预警学生 2 名，持续预警学生 1 名，新任务 2 项") {
		t.Errorf("group text:\n%s", g.Text)
	}
	for _, secret := range []string{"张三", "规则"} {
		if strings.Contains(g.Text, secret) || strings.Contains(string(g.Payload), secret) {
			t.Errorf("group shows %q:\n%s\n%s", secret, g.Text, g.Payload)
		}
	}
}
