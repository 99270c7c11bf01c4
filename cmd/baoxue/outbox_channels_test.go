package main

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/http"
	"net/http/httptest"
	"net/mail"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"baoxue/idnum"
)

const (
	robotKey   = "cli-wecom-robot-key-0123456789"
	dingToken  = "cli-dingtalk-robot-token-0123456789"
	dingSecret = "SECcli0123456789DingTalkSecret"
)

// platforms is the WeCom and DingTalk group robots on loopback: it checks
// the robot key, the access token and 加签, and keeps each body.
type platforms struct {
	t        *testing.T
	mu       sync.Mutex
	wecom    []string
	dingtalk []string
}

func (p *platforms) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	defer p.mu.Unlock()
	b, _ := io.ReadAll(r.Body)
	q := r.URL.Query()
	switch r.URL.Path {
	case "/cgi-bin/webhook/send":
		if q.Get("key") != robotKey {
			io.WriteString(w, `{"errcode":93000,"errmsg":"invalid webhook url"}`)
			return
		}
		p.wecom = append(p.wecom, string(b))
	case "/robot/send":
		mac := hmac.New(sha256.New, []byte(dingSecret))
		mac.Write([]byte(q.Get("timestamp") + "\n" + dingSecret))
		if q.Get("access_token") != dingToken || q.Get("sign") != base64.StdEncoding.EncodeToString(mac.Sum(nil)) {
			io.WriteString(w, `{"errcode":310000,"errmsg":"sign not match"}`)
			return
		}
		p.dingtalk = append(p.dingtalk, string(b))
	default:
		p.t.Errorf("unexpected request %s", r.URL.Path)
		http.NotFound(w, r)
		return
	}
	io.WriteString(w, `{"errcode":0,"errmsg":"ok"}`)
}

func (p *platforms) got() (wecom, dingtalk []string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.wecom...), append([]string(nil), p.dingtalk...)
}

// mailbox is an SMTP server on loopback (a relay on the same host: no TLS,
// no authentication) that keeps each message, decoded as its reader sees
// it, by recipient.
type mailbox struct {
	t    *testing.T
	port int
	mu   sync.Mutex
	got  map[string][]string
}

type mailSession struct {
	m  *mailbox
	to []string
}

func (s *mailSession) Mail(string, *smtp.MailOptions) error { return nil }
func (s *mailSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.to = append(s.to, to)
	return nil
}
func (s *mailSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	text := readMail(s.m.t, string(b))
	s.m.mu.Lock()
	defer s.m.mu.Unlock()
	for _, to := range s.to {
		s.m.got[to] = append(s.m.got[to], text)
	}
	return nil
}
func (s *mailSession) Reset()        { s.to = nil }
func (s *mailSession) Logout() error { return nil }

func serveMail(t *testing.T) *mailbox {
	t.Helper()
	m := &mailbox{t: t, got: map[string][]string{}}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &mailSession{m: m}, nil }))
	srv.Domain = "localhost"
	srv.ReadTimeout, srv.WriteTimeout = 5*time.Second, 5*time.Second
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	m.port = l.Addr().(*net.TCPAddr).Port
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(func() { _ = srv.Close() })
	return m
}

func (m *mailbox) to(addr string) []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]string(nil), m.got[addr]...)
}

// readMail decodes a mail's subject and the text of its parts.
func readMail(t *testing.T, data string) string {
	msg, err := mail.ReadMessage(strings.NewReader(data))
	if err != nil {
		t.Errorf("a mail that does not parse: %v", err)
		return ""
	}
	subject, _ := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	out := subject + "\n"
	_, params, _ := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	r := multipart.NewReader(msg.Body, params["boundary"])
	for {
		p, err := r.NextRawPart()
		if err != nil {
			break
		}
		var body io.Reader = p
		if p.Header.Get("Content-Transfer-Encoding") == "quoted-printable" {
			body = quotedprintable.NewReader(p)
		}
		b, _ := io.ReadAll(body)
		out += string(b) + "\n"
	}
	return out
}

// TestOutboxFlushToPlatforms: `outbox flush` with channels configured in
// baoxue.yaml delivers each teacher's digest where the routes say: the
// WeCom robot and the DingTalk robot (加签) of the school groups, on
// loopback through their url keys, with counts and an @mention of the
// teacher's phone and no student's name; mail over SMTP with the names;
// and a WeCom app channel, whose server cannot be set, for a teacher
// without a wecom_userid: undeliverable, said in Chinese, not sent. The
// next eval counts that notification and lists it in the center admin's
// digest, which the next flush mails; the eval after lists it no more.
func TestOutboxFlushToPlatforms(t *testing.T) {
	web := &platforms{t: t}
	srv := httptest.NewServer(web)
	defer srv.Close()
	box := serveMail(t)
	dir := t.TempDir()
	db := "file:" + filepath.Join(dir, "t.db")
	write(t, filepath.Join(dir, "baoxue.yaml"), fmt.Sprintf(`http: {public_url: "https://baoxue.example"}
notifier:
  channels:
    - {name: groups, type: wecom, url: "%[1]s/cgi-bin/webhook/send?key=%[2]s"}
    - {name: ding, type: dingtalk, url: "%[1]s/robot/send?access_token=%[3]s", secret: "%[4]s"}
    - {name: mail, type: email, from: "保学 <baoxue@school.example>", smtp: {host: 127.0.0.1, port: %[5]d, tls: none}}
    - {name: app, type: wecom, corp_id: ww-corp, agent_id: 1000002, secret: app-secret}
  default: groups
  routes:
    - {match: {school: SCH02}, channel: ding}
    - {match: {school: SCH03}, channel: mail}
    - {match: {role: center_admin}, channel: mail}
    - {match: {school: SCH04}, channel: app}
`, srv.URL, robotKey, dingToken, dingSecret, box.port))
	write(t, filepath.Join(dir, "schools.csv"), "id,name,center\nSCH01,一中,C1\nSCH02,二中,C1\nSCH03,三中,C1\nSCH04,四中,C1\n")
	write(t, filepath.Join(dir, "teachers.csv"), "id,name,school_id,center,role,phone,wecom_userid,email\n"+
		"T1,王老师,SCH01,,teacher,13800000001,,\n"+
		"T2,李老师,SCH02,,teacher,13800000002,,\n"+
		"T3,张老师,SCH03,,teacher,13800000003,,zhang@school.example\n"+
		"T4,赵老师,SCH04,,teacher,13800000004,,\n"+
		"A1,陈主任,,C1,center_admin,13800000009,,chen@edu.example\n")
	var students, attendance strings.Builder
	students.WriteString("id,name,birth_date,school_id,grade,homeroom_teacher_id\n")
	attendance.WriteString("student_id,date,status\n")
	for i, name := range []string{"张一", "李二", "王三", "赵四"} {
		first17 := fmt.Sprintf("50023420110501%03d", i+1)
		check, err := idnum.CheckDigit(first17)
		if err != nil {
			t.Fatal(err)
		}
		id := "G" + first17 + string(check)
		fmt.Fprintf(&students, "%s,%s,2011-05-01,SCH0%d,9,T%d\n", id, name, i+1, i+1)
		fmt.Fprintf(&attendance, "%[1]s,2026-03-09,absent\n%[1]s,2026-03-10,absent\n%[1]s,2026-03-11,present\n%[1]s,2026-03-12,present\n", id)
	}
	write(t, filepath.Join(dir, "students.csv"), students.String())
	write(t, filepath.Join(dir, "attendance.csv"), attendance.String())
	for _, kind := range []string{"schools", "teachers", "students", "attendance"} {
		if code, _, errs := cli(t, dir, "--db", db, "import", kind, kind+".csv"); code != 0 {
			t.Fatalf("import %s: %s", kind, errs)
		}
	}
	if code, out, errs := cli(t, dir, "--db", db, "eval", "--at", "2026-03-10"); code != 0 || strings.Contains(out, "未能送达") {
		t.Fatalf("eval: exit %d\n%s%s", code, out, errs)
	}

	code, out, errs := cli(t, dir, "--db", db, "outbox", "flush")
	if code != 0 || !strings.Contains(errs, "已发送 3 条，失败 0 条，无法送达 1 条") ||
		!strings.Contains(errs, "（学校 SCH04，片区 C1，渠道 app）：教师没有企业微信账号（wecom_userid）") {
		t.Fatalf("flush: exit %d\n%s%s", code, out, errs)
	}
	wecomBodies, dingBodies := web.got()
	if len(wecomBodies) != 1 || len(dingBodies) != 1 {
		t.Fatalf("the robots got %d (WeCom) and %d (DingTalk) messages, want 1 each", len(wecomBodies), len(dingBodies))
	}
	if b := wecomBodies[0]; !strings.Contains(b, `"mentioned_mobile_list":["13800000001"]`) || !strings.Contains(b, "@王老师：新预警学生 1 名") ||
		!strings.Contains(b, "https://baoxue.example/t/T1") {
		t.Errorf("the WeCom robot got %s", b)
	}
	if b := dingBodies[0]; !strings.Contains(b, `"atMobiles":["13800000002"]`) || !strings.Contains(b, `@13800000002"`) || !strings.Contains(b, "@李老师：新预警学生 1 名") {
		t.Errorf("the DingTalk robot got %s", b)
	}
	for _, b := range append(wecomBodies, dingBodies...) {
		for _, secret := range []string{"张一", "李二", "初三", "G500234"} {
			if strings.Contains(b, secret) {
				t.Errorf("a group robot got %q: %s", secret, b)
			}
		}
	}
	mails := box.to("zhang@school.example")
	if len(mails) != 1 || !strings.Contains(mails[0], "保学提醒｜张老师｜2026-03-10") || !strings.Contains(mails[0], "【高】王三：初三学生近两周缺勤两天以上 王三是初三学生") {
		t.Fatalf("张老师's mail: %q", mails)
	}
	if strings.Contains(mails[0], "50023420110501003") {
		t.Errorf("the mail carries the 学籍号:\n%s", mails[0])
	}
	if code, out, _ := cli(t, dir, "--db", db, "outbox", "list", "--undeliverable"); code != 0 || !strings.Contains(out, "教师没有企业微信账号（wecom_userid）") {
		t.Errorf("list --undeliverable: exit %d\n%s", code, out)
	}

	// The next run reports it: in its summary, and in the center admin's
	// digest, mailed by the next flush.
	code, out, errs = cli(t, dir, "--db", db, "eval", "--at", "2026-03-11", "--dry-run")
	if code != 0 || !strings.Contains(out, "此前的通知有 1 条未能送达（无法送达 1 条，发送失败 0 条），写入运行会列入") {
		t.Errorf("dry eval: exit %d\n%s%s", code, out, errs)
	}
	code, out, errs = cli(t, dir, "--db", db, "eval", "--at", "2026-03-11")
	if code != 0 || !strings.Contains(out, "此前的通知有 1 条未能送达（无法送达 1 条，发送失败 0 条），已列入所在片区管理员的提醒；查看：baoxue outbox list --undeliverable --failed") {
		t.Fatalf("eval: exit %d\n%s%s", code, out, errs)
	}
	if code, out, errs := cli(t, dir, "--db", db, "--lang", "en", "eval", "--at", "2026-03-12", "--dry-run"); code != 0 || strings.Contains(out, "could not be delivered") {
		t.Errorf("a dry run after the report: exit %d\n%s%s", code, out, errs)
	}
	if code, out, errs := cli(t, dir, "--db", db, "outbox", "flush"); code != 0 || !strings.Contains(errs, "已发送 1 条") {
		t.Fatalf("second flush: exit %d\n%s%s", code, out, errs)
	}
	admin := box.to("chen@edu.example")
	if len(admin) != 1 || !strings.Contains(admin[0], "未能送达的通知 1 条") ||
		!strings.Contains(admin[0], "赵老师（T4），四中（SCH04）：渠道 app 无法送达，教师没有企业微信账号（wecom_userid）") {
		t.Fatalf("the center admin's mail: %q", admin)
	}
	if strings.Contains(admin[0], "赵四") {
		t.Errorf("the center admin's mail names the student of the undelivered digest:\n%s", admin[0])
	}
	if code, out, errs := cli(t, dir, "--db", db, "eval", "--at", "2026-03-12"); code != 0 || strings.Contains(out, "未能送达") {
		t.Errorf("the run after lists it again: exit %d\n%s%s", code, out, errs)
	}
}
