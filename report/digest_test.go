package report

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"baoxue/engine"
	"baoxue/i18n"
)

var update = flag.Bool("update", false, "rewrite testdata/digest-*.golden from the current output")

func loadDigest(t *testing.T) *engine.Digest {
	t.Helper()
	b, err := os.ReadFile("testdata/digest.json")
	if err != nil {
		t.Fatal(err)
	}
	var d engine.Digest
	if err := json.Unmarshal(b, &d); err != nil {
		t.Fatal(err)
	}
	return &d
}

// longDigest has n new alerts, enough to pass any channel's limit.
func longDigest(n int) *engine.Digest {
	d := &engine.Digest{Run: 8, At: "2026-03-10", Teacher: "T001"}
	for i := range n {
		d.Alerts = append(d.Alerts, engine.DigestAlert{Rule: "grade9-absence", RuleName: "九年级学生连续缺勤",
			Severity: "high", StudentKey: fmt.Sprintf("k%04d", i), Name: fmt.Sprintf("学生%d号", i), Class: "九年级2班",
			Message: fmt.Sprintf("学生%d号近14天缺勤%d天。", i, i%9+2), New: true})
	}
	d.Tasks = []engine.DigestTask{{Kind: "home_visit", Rule: "grade9-absence", Name: "学生0号", Due: "2026-03-12"}}
	return d
}

var to = DigestTo{Teacher: "T001", Name: "王芳", Phone: "13800000001"}

const link = "https://baoxue.example/t/T001"

// render renders d in every form for the golden files.
func renderDigest(t *testing.T, p *i18n.Printer, d *engine.Digest, o DigestOptions) string {
	t.Helper()
	r, err := RenderDigest(p, d, to, o)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "== title\n%s\n== text (%d bytes, %d cut)\n%s\n== markdown (%d bytes)\n%s\n== html (%d bytes)\n%s\n",
		r.Title, len(r.Text), r.Cut, r.Text, len(r.Markdown), r.Markdown, len(r.HTML), r.HTML)
	fmt.Fprintf(&b, "== mentions\n%v\n== payload\n%s\n", r.Mentions, r.Payload)
	return b.String()
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test -update writes it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from the golden file (go test -update rewrites it):\n%s", path, got)
	}
}

// identityNumber matches an 18-character national ID or a 15-digit old one
// standing alone (a run of 16 digits is no identity number: an opaque
// student key may be one).
var identityNumber = regexp.MustCompile(`(^|[^0-9])([0-9]{17}[0-9Xx]|[0-9]{15})([^0-9Xx]|$)`)

// TestDigestGolden renders the digest for every mode, in Chinese (and one
// in English), plus a digest cut to WeCom's text limit, and compares each
// with its golden file. No identity number may appear in any of them.
func TestDigestGolden(t *testing.T) {
	zh, en := i18n.NewPrinter(i18n.Chinese), i18n.NewPrinter(i18n.English)
	d := loadDigest(t)
	for _, tc := range []struct {
		name string
		p    *i18n.Printer
		d    *engine.Digest
		o    DigestOptions
	}{
		{"personal", zh, d, DigestOptions{Mode: DigestPersonal, Link: link}},
		{"personal-en", en, d, DigestOptions{Mode: DigestPersonal, Link: link}},
		{"group", zh, d, DigestOptions{Mode: DigestGroup, Link: link, MaxBytes: 4096}},
		{"masked", zh, d, DigestOptions{Mode: DigestMasked, Link: link}},
		{"cut", zh, longDigest(40), DigestOptions{Mode: DigestPersonal, Link: link, MaxBytes: 2048}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := renderDigest(t, tc.p, tc.d, tc.o)
			golden(t, "digest-"+tc.name, got)
			if m := identityNumber.FindString(got); m != "" {
				t.Errorf("an identity number %s in the %s rendering", m, tc.name)
			}
		})
	}
}

// TestDigestGroupShowsNoStudent: a group chat gets counts, an @mention and
// a link: no student's name, no rule's name, no message, in any form or
// the payload.
func TestDigestGroupShowsNoStudent(t *testing.T) {
	d := loadDigest(t)
	r, err := RenderDigest(i18n.Default(), d, to, DigestOptions{Mode: DigestGroup, Link: link})
	if err != nil {
		t.Fatal(err)
	}
	for form, s := range map[string]string{"text": r.Text, "markdown": r.Markdown, "html": r.HTML, "payload": string(r.Payload)} {
		for _, secret := range forbiddenInGroup(d) {
			if strings.Contains(s, secret) {
				t.Errorf("group %s shows %q:\n%s", form, secret, s)
			}
		}
		if !strings.Contains(s, link) {
			t.Errorf("group %s has no link:\n%s", form, s)
		}
	}
	if !strings.Contains(r.Text, "@王芳") || !slices.Equal(r.Mentions, []string{"13800000001"}) {
		t.Errorf("group text mentions %v:\n%s", r.Mentions, r.Text)
	}
	if !strings.Contains(r.Text, "新预警学生 2 名") || !strings.Contains(r.Text, "持续预警学生 1 名") || !strings.Contains(r.Text, "新任务 2 项") || !strings.Contains(r.Text, "未送达的通知 5 条") {
		t.Errorf("group text lacks its counts:\n%s", r.Text)
	}
	// The undelivered notifications a center admin hears of are counted,
	// not listed: which teacher lacks which address is for the admin.
	for _, u := range d.Undelivered {
		for _, s := range []string{r.Text, r.Markdown, r.HTML, string(r.Payload)} {
			if strings.Contains(s, u.Reason) || strings.Contains(s, u.Teacher) {
				t.Errorf("group rendering lists undelivered #%d:\n%s", u.ID, s)
			}
		}
	}
}

// TestDigestUndelivered: a center admin's personal digest lists the
// undelivered notifications of the center's teachers, each with its
// number, teacher, school, channel and reason (translated when it is one
// of ours), counts those not listed, and says where to see them all.
func TestDigestUndelivered(t *testing.T) {
	d := loadDigest(t)
	for _, tc := range []struct {
		lang i18n.Lang
		want []string
	}{
		{i18n.Chinese, []string{"未能送达的通知 5 条",
			"· #12 陈静（T017），城关中学（SCH02）：渠道 teachers 无法送达，教师没有企业微信账号（wecom_userid）",
			"· #15 刘洋（T023），临江小学（SCH03）：渠道 teachers 发送失败，wecom send: userid invalid",
			"· #16 T099：无法送达，收件人 T099 不在教师名单中",
			"· 另有 2 条未列出，完整列表：baoxue outbox list --undeliverable --failed"}},
		{i18n.English, []string{"5 notifications could not be delivered",
			"· #12 T017 陈静, SCH02 城关中学: undeliverable on channel teachers (no wecom_userid)",
			"· #16 T099: undeliverable (recipient T099 is not in the teachers directory)",
			"· 2 more not listed"}},
	} {
		r, err := RenderDigest(i18n.NewPrinter(tc.lang), d, to, DigestOptions{Mode: DigestPersonal, Link: link})
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range tc.want {
			if !strings.Contains(r.Text, w) {
				t.Errorf("%s: personal text lacks %q:\n%s", tc.lang, w, r.Text)
			}
		}
	}
	r, err := RenderDigest(i18n.Default(), d, to, DigestOptions{Mode: DigestMasked, Link: link})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(r.Text+string(r.Payload), "陈静") || !strings.Contains(r.Text, "#12 陈*（T017）") {
		t.Errorf("masked rendering of the undelivered:\n%s\n%s", r.Text, r.Payload)
	}
	r, err = RenderDigest(i18n.Default(), &engine.Digest{Run: 8, At: "2026-03-10", Teacher: "A1",
		Undelivered: []engine.DigestUndelivered{{ID: 3, Status: "failed", Teacher: "T1", Reason: "x"}}}, to, DigestOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if want := "保学提醒｜王芳｜2026-03-10\n未能送达的通知 1 条（补全教师的联系方式后，可用 baoxue outbox retry 编号 重新发送）：\n· #3 T1：发送失败，x"; r.Text != want {
		t.Errorf("a digest of one undelivered notification:\n%s\nwant\n%s", r.Text, want)
	}
}

// TestOutboxReason: the reasons the notifier records for a recipient it
// cannot address read in the reader's language; a platform's error is
// shown as it is.
func TestOutboxReason(t *testing.T) {
	zh, en := i18n.NewPrinter(i18n.Chinese), i18n.NewPrinter(i18n.English)
	for _, tc := range []struct{ in, zh, en string }{
		{"no wecom_userid", "教师没有企业微信账号（wecom_userid）", "no wecom_userid"},
		{"no dingtalk_userid", "教师没有钉钉账号（dingtalk_userid）", "no dingtalk_userid"},
		{"no email", "教师没有邮箱", "no email"},
		{"email is not a mail address", "教师的邮箱格式不正确", "email is not a mail address"},
		{"recipient T9 is not in the teachers directory", "收件人 T9 不在教师名单中", "recipient T9 is not in the teachers directory"},
		{`no channel named "hook" is configured`, "没有配置名为 hook 的渠道", "no channel named hook is configured"},
		{"webhook hook: HTTP 404 Not Found", "webhook hook: HTTP 404 Not Found", "webhook hook: HTTP 404 Not Found"},
	} {
		if got := OutboxReason(zh, tc.in); got != tc.zh {
			t.Errorf("OutboxReason(zh, %q) = %q, want %q", tc.in, got, tc.zh)
		}
		if got := OutboxReason(en, tc.in); got != tc.en {
			t.Errorf("OutboxReason(en, %q) = %q, want %q", tc.in, got, tc.en)
		}
	}
}

// forbiddenInGroup lists what of d a group chat must not show: students'
// names and keys, rule names and ids, messages, pairing reasons.
func forbiddenInGroup(d *engine.Digest) []string {
	var out []string
	for _, a := range d.Alerts {
		out = append(out, a.Name, a.StudentKey, a.RuleName, a.Rule, a.Class)
		out = append(out, strings.Split(a.Message, "\n")...)
	}
	for _, t := range d.Tasks {
		out = append(out, t.Name, t.StudentKey)
	}
	for _, e := range d.Escalations {
		out = append(out, e.Name, e.StudentKey)
	}
	for _, p := range d.Pairings {
		out = append(out, p.Name, p.StudentKey)
	}
	return out
}

// TestDigestMaskedShowsNoName: the log's rendering masks every student's
// name, shows no message and withholds sensitive rules' names and ids.
func TestDigestMaskedShowsNoName(t *testing.T) {
	d := loadDigest(t)
	r, err := RenderDigest(i18n.Default(), d, to, DigestOptions{Mode: DigestMasked, Link: link})
	if err != nil {
		t.Fatal(err)
	}
	forbidden := []string{"王芳", "留守儿童", "left-behind-absence", "近14天"}
	for _, a := range d.Alerts {
		forbidden = append(forbidden, a.Name)
	}
	for form, s := range map[string]string{"text": r.Text, "markdown": r.Markdown, "html": r.HTML, "payload": string(r.Payload)} {
		for _, f := range forbidden {
			if strings.Contains(s, f) {
				t.Errorf("masked %s shows %q:\n%s", form, f, s)
			}
		}
	}
	if !strings.Contains(r.Text, "张**") || !strings.Contains(r.Text, "（敏感规则）") {
		t.Errorf("masked text:\n%s", r.Text)
	}
}

// TestDigestPersonalShowsNames: a personal channel shows names in full
// and rule names, but masks an identity number a message carries.
func TestDigestPersonalShowsNames(t *testing.T) {
	d := loadDigest(t)
	r, err := RenderDigest(i18n.Default(), d, to, DigestOptions{Mode: DigestPersonal, Link: link})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"张三丰", "李小红", "留守儿童近两周缺勤两天以上", "G500234********0015", "2026-03-12", "临江小学"} {
		if !strings.Contains(r.Text, want) {
			t.Errorf("personal text lacks %q:\n%s", want, r.Text)
		}
	}
	if strings.Contains(string(r.Payload), "G500234201105010015") {
		t.Errorf("payload carries the identity number: %s", r.Payload)
	}
}

// TestDigestCut: at every limit, each form stays within it, is valid
// UTF-8, keeps whole lines of the full rendering, and says how many items
// it left out; the items shown and those counted add up.
func TestDigestCut(t *testing.T) {
	d := longDigest(40)
	p := i18n.Default()
	full, err := RenderDigest(p, d, to, DigestOptions{Mode: DigestPersonal, Link: link})
	if err != nil {
		t.Fatal(err)
	}
	fullLines := map[string]bool{}
	for _, s := range []string{full.Text, full.Markdown, full.HTML} {
		for _, l := range strings.Split(s, "\n") {
			fullLines[l] = true
		}
	}
	more := regexp.MustCompile(`另有 (\d+) 项，详见：`)
	for max := 150; max <= len(full.HTML)+10; max += 97 {
		r, err := RenderDigest(p, d, to, DigestOptions{Mode: DigestPersonal, Link: link, MaxBytes: max})
		if err != nil {
			t.Fatal(err)
		}
		for form, s := range map[string]string{"text": r.Text, "markdown": r.Markdown, "html": r.HTML} {
			if len(s) > max || !utf8.ValidString(s) {
				t.Fatalf("max %d: %s is %d bytes (valid UTF-8: %v)", max, form, len(s), utf8.ValidString(s))
			}
			lines := strings.Split(s, "\n")
			last := lines[len(lines)-1]
			m := more.FindStringSubmatch(last)
			if m == nil {
				if s != map[string]string{"text": full.Text, "markdown": full.Markdown, "html": full.HTML}[form] {
					t.Errorf("max %d: %s changed without saying what it left out:\n%s", max, form, s)
				}
				continue
			}
			for _, l := range lines[:len(lines)-1] {
				if !fullLines[l] {
					t.Errorf("max %d: %s has a line the full digest does not: %q", max, form, l)
				}
			}
			if !strings.Contains(last, "baoxue.example/t/T001") {
				t.Errorf("max %d: %s's last line has no link: %q", max, form, last)
			}
			if form == "text" {
				shown := strings.Count(s, "\n· ")
				var cut int
				fmt.Sscan(m[1], &cut)
				if shown+cut != 41 || cut != r.Cut {
					t.Errorf("max %d: %d shown + %d cut (Cut %d), want 41 items", max, shown, cut, r.Cut)
				}
			}
		}
	}
}

func TestTeacherLinkAndWorstSeverity(t *testing.T) {
	for _, tc := range []struct{ base, id, want string }{
		{"https://baoxue.example", "T001", "https://baoxue.example/t/T001"},
		{"https://baoxue.example/", "T 1/2", "https://baoxue.example/t/T%201%2F2"},
		{"", "T001", "/t/T001"},
	} {
		if got := TeacherLink(tc.base, tc.id); got != tc.want {
			t.Errorf("TeacherLink(%q, %q) = %q, want %q", tc.base, tc.id, got, tc.want)
		}
	}
	if got := WorstSeverity(loadDigest(t)); got != "high" {
		t.Errorf("WorstSeverity = %q, want high", got)
	}
	if got := WorstSeverity(&engine.Digest{}); got != "" {
		t.Errorf("WorstSeverity of no alerts = %q", got)
	}
}

func TestScrubIdentityNumbers(t *testing.T) {
	for in, want := range map[string]string{
		"学籍号G500234201105010015。": "学籍号G500234********0015。",
		"身份证50023420110501001X":   "身份证500234********001X",
		"旧号 500234110501001 ":     "旧号 500234*****1001 ",
		"电话 13800000001":          "电话 13800000001",
		"2026-03-10":              "2026-03-10",
	} {
		if got := ScrubIdentityNumbers(in); got != want {
			t.Errorf("ScrubIdentityNumbers(%q) = %q, want %q", in, got, want)
		}
	}
}

// mergedDigest has a new task that two alerts asked for (one of a
// sensitive rule) and an open task that the run gave a new reason.
func mergedDigest() *engine.Digest {
	return &engine.Digest{Run: 9, At: "2026-03-10", Teacher: "T001",
		Alerts: []engine.DigestAlert{
			{Rule: "grade9-absence", RuleName: "初三学生近两周缺勤两天以上", Severity: "high", StudentKey: "k1", Name: "伍小明",
				Class: "九年级2班", Message: "伍小明近14天缺勤3天。", New: true},
			{Rule: "left-behind-absence", RuleName: "留守儿童近两周缺勤两天以上", Sensitive: true, Severity: "medium",
				StudentKey: "k1", Name: "伍小明", Class: "九年级2班", Message: "伍小明近14天缺勤3天。", New: true},
			{Rule: "repeated-absence", RuleName: "近两周缺勤三天以上", Severity: "medium", StudentKey: "k2", Name: "李四",
				Class: "七年级1班", New: true},
		},
		Tasks: []engine.DigestTask{
			{Kind: "contact_guardian", Rule: "grade9-absence", StudentKey: "k1", Name: "伍小明", Due: "2026-03-12",
				Reasons: []engine.DigestReason{
					{Rule: "grade9-absence", RuleName: "初三学生近两周缺勤两天以上", Severity: "high", Since: "2026-03-10", New: true},
					{Rule: "left-behind-absence", RuleName: "留守儿童近两周缺勤两天以上", Sensitive: true, Severity: "medium",
						Since: "2026-03-10", New: true}}},
			{Kind: "contact_guardian", Rule: "repeated-absence", StudentKey: "k2", Name: "李四", Due: "2026-03-11", Updated: true,
				Reasons: []engine.DigestReason{
					{Rule: "special-group-no-contact", RuleName: "特殊群体学生近30天无家校联系记录", Sensitive: true, Severity: "low",
						Since: "2026-03-02"},
					{Rule: "repeated-absence", RuleName: "近两周缺勤三天以上", Severity: "medium", Since: "2026-03-10", New: true}}},
		}}
}

// TestDigestMergedTask: a task several alerts asked for is one item with
// its reasons; an open task given a new reason is listed apart, with its
// due date; the log channel withholds a sensitive rule's name among the
// reasons; a group chat counts both.
func TestDigestMergedTask(t *testing.T) {
	zh, en := i18n.NewPrinter(i18n.Chinese), i18n.NewPrinter(i18n.English)
	var b strings.Builder
	for _, tc := range []struct {
		name string
		p    *i18n.Printer
		o    DigestOptions
	}{
		{"personal", zh, DigestOptions{Mode: DigestPersonal, Link: link}},
		{"personal-en", en, DigestOptions{Mode: DigestPersonal, Link: link}},
		{"masked", zh, DigestOptions{Mode: DigestMasked, Link: link}},
		{"group", zh, DigestOptions{Mode: DigestGroup, Link: link}},
	} {
		r, err := RenderDigest(tc.p, mergedDigest(), to, tc.o)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "== %s\n%s\n== payload\n%s\n", tc.name, r.Text, r.Payload)
		if tc.o.Mode != DigestPersonal && strings.Contains(r.Text+string(r.Payload), "留守") {
			t.Errorf("%s: a sensitive rule's name shows", tc.name)
		}
	}
	golden(t, "digest-merged", b.String())
}
