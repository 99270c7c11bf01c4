package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"os/user"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"baoxue/store"
)

// TestTokenCommands: token create prints the token once on standard
// output (the note that it is shown once on standard error) and stores
// only its hash; its refusals; token list shows whose tokens and their
// state, never a token or a hash; token revoke, twice, and of an unknown
// number; audit list shows the creations and revocations, oldest first.
func TestTokenCommands(t *testing.T) {
	for _, engine := range []string{"sqlite", "postgres"} {
		t.Run(engine, func(t *testing.T) {
			dir := t.TempDir()
			dsn := secretDB(t, engine, dir)
			imported(t, dir, dsn)
			bx := func(args ...string) (int, string, string) {
				t.Helper()
				return cli(t, dir, append([]string{"--db", dsn}, args...)...)
			}
			code, out, errs := bx("token", "create", "--teacher", "T1")
			token := strings.TrimSuffix(out, "\n")
			if code != 0 || strings.Count(out, "\n") != 1 || !strings.HasPrefix(token, "bxt_") || len(token) != 47 {
				t.Fatalf("token create: exit %d\nstdout %q\nstderr %s", code, out, errs)
			}
			for _, want := range []string{"已为王老师（T1）创建令牌 #1，有效期至 ", "令牌只显示这一次"} {
				if !strings.Contains(errs, want) {
					t.Errorf("token create: no %q in stderr %q", want, errs)
				}
			}
			if strings.Contains(errs, token) {
				t.Errorf("the token is printed twice")
			}
			st, err := store.Open(context.Background(), dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			sum := sha256.Sum256([]byte(token))
			var hash, expires string
			if err := st.RawGet(context.Background(), &hash, `SELECT hash FROM tokens WHERE id = 1`); err != nil || hash != hex.EncodeToString(sum[:]) {
				t.Errorf("stored %q (%v), want the token's SHA-256", hash, err)
			}
			if err := st.RawGet(context.Background(), &expires, `SELECT expires_at FROM tokens WHERE id = 1`); err != nil {
				t.Fatal(err)
			}
			if at, _ := store.ParseTime(expires); time.Until(at) < 89*24*time.Hour || time.Until(at) > 90*24*time.Hour {
				t.Errorf("expires %s, want in 90 days", expires)
			}
			if code, out, errs := bx("token", "create", "--admin", "--expires", "7d"); code != 0 || !strings.HasPrefix(out, "bxt_") ||
				!strings.Contains(errs, "已创建管理员令牌 #2") {
				t.Fatalf("token create --admin: exit %d\n%s%s", code, out, errs)
			}
			for _, tc := range []struct {
				args []string
				want string
			}{
				{[]string{"token", "create"}, "请给出 --teacher ID 或 --admin，二者选一"},
				{[]string{"token", "create", "--teacher", "T1", "--admin"}, "二者选一"},
				{[]string{"token", "create", "--teacher", "T9"}, "教师名单中没有 T9"},
				{[]string{"token", "create", "--teacher", "T1", "--expires", "0d"}, `--expires "0d" 须大于 0，最长 366 天`},
				{[]string{"token", "create", "--teacher", "T1", "--expires", "367d"}, "最长 366 天"},
				{[]string{"token", "create", "--teacher", "T1", "--expires", "soon"}, "soon"},
				{[]string{"token", "create", "--teacher", "T1", "now"}, `多余的参数 "now"`},
				{[]string{"token", "revoke"}, "用法：baoxue token revoke ID..."},
				{[]string{"token", "revoke", "one"}, `"one" 不是令牌编号`},
				{[]string{"token", "revoke", "2", "99"}, "没有编号为 99 的令牌：未吊销任何令牌"},
				{[]string{"token", "rotate"}, `没有 "rotate" 这个子命令`},
				{[]string{"token"}, "用法：baoxue token create|list|revoke"},
				{[]string{"audit"}, "用法：baoxue audit list"},
				{[]string{"audit", "list", "--since", "someday"}, "--since"},
			} {
				if code, out, errs := bx(tc.args...); code != 1 || out != "" || !strings.Contains(errs, tc.want) {
					t.Errorf("%v: exit %d\nstdout %q\nstderr %q\nwant exit 1 and %q", tc.args, code, out, errs, tc.want)
				}
			}
			var n int
			if err := st.RawGet(context.Background(), &n, `SELECT COUNT(*) FROM tokens WHERE revoked_at IS NOT NULL`); err != nil || n != 0 {
				t.Errorf("a refused revocation revoked %d tokens", n)
			}

			code, out, errs = bx("token", "list")
			if code != 0 {
				t.Fatalf("token list: exit %d\n%s", code, errs)
			}
			for _, want := range []string{"编号", "教师", "角色", "到期时间", "#1", "王老师（T1）", "一中（SCH01）", "有效", "#2", "管理员令牌", "共 2 个令牌"} {
				if !strings.Contains(out, want) {
					t.Errorf("token list: no %q in\n%s", want, out)
				}
			}
			if strings.Contains(out, hash) || strings.Contains(out, token[4:]) {
				t.Errorf("token list shows a token or its hash:\n%s", out)
			}

			if code, out, errs := bx("token", "revoke", "#1"); code != 0 || !strings.Contains(out, "令牌 #1 已吊销") {
				t.Errorf("token revoke #1: exit %d\n%s%s", code, out, errs)
			}
			if code, out, errs := bx("token", "revoke", "1"); code != 0 || !strings.Contains(out, "令牌 #1 早已吊销") {
				t.Errorf("token revoke 1 again: exit %d\n%s%s", code, out, errs)
			}
			code, out, _ = bx("token", "list", "--json")
			objs := jsonLines(t, out)
			if code != 0 || len(objs) != 2 {
				t.Fatalf("token list --json: exit %d\n%s", code, out)
			}
			if got := field(objs, "state"); !slices.Equal(got, []string{"revoked", "active"}) {
				t.Errorf("states %v", got)
			}
			if got := field(objs, "role"); !slices.Equal(got, []string{"teacher", "admin"}) {
				t.Errorf("roles %v", got)
			}
			if objs[0]["teacher"] != "T1" || objs[0]["school"] != "SCH01" || objs[0]["revoked_at"] == "" || objs[1]["teacher"] != "" {
				t.Errorf("token list --json: %v", objs)
			}
			if strings.Contains(out, hash) || strings.Contains(out, "hash") {
				t.Errorf("token list --json shows a hash:\n%s", out)
			}

			me := "cli"
			if u, err := user.Current(); err == nil {
				me = "cli:" + u.Username
			}
			code, out, errs = bx("audit", "list", "--json")
			objs = jsonLines(t, out)
			if code != 0 {
				t.Fatalf("audit list: exit %d\n%s", code, errs)
			}
			var tokens []string
			for _, o := range objs {
				if o["action"] == "token" {
					tokens = append(tokens, o["object"].(string)+" "+strings.Fields(o["detail"].(string))[0])
					if o["actor"] != me {
						t.Errorf("actor %v, want %s", o["actor"], me)
					}
				}
			}
			if !slices.Equal(tokens, []string{"token:1 create", "token:2 create", "token:1 revoke"}) {
				t.Errorf("token entries of the audit, oldest first: %v", tokens)
			}
			if objs[0]["action"] != "import" {
				t.Errorf("the oldest entry is %v, want the first import", objs[0])
			}
			code, out, _ = bx("audit", "list")
			for _, want := range []string{"时间", "操作者", "导入", "令牌", "token:1", "revoke"} {
				if code != 0 || !strings.Contains(out, want) {
					t.Errorf("audit list: no %q in\n%s", want, out)
				}
			}
			if code, out, _ := bx("audit", "list", "--since", "2999年1月1日"); code != 0 || !strings.Contains(out, "没有符合条件的审计记录") {
				t.Errorf("audit list --since 2999: exit %d\n%s", code, out)
			}
			if code, out, _ := bx("audit", "list", "--since", "2020-01-01", "--json"); code != 0 || len(jsonLines(t, out)) != len(objs) {
				t.Errorf("audit list --since 2020: exit %d, %d entries, want %d", code, len(jsonLines(t, out)), len(objs))
			}
		})
	}
}

// TestServeMountsTheAPI: baoxue serve answers the teacher API under
// /api/v1/ with a token token create made, in the installation's
// language, with rule names from the rules it loaded.
func TestServeMountsTheAPI(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "t.db")
	imported(t, dir, "file:"+path)
	write(t, filepath.Join(dir, "baoxue.yaml"), `database: {dsn: "file:`+path+`"}
http: {listen: "127.0.0.1:0"}
lang: en
schedules: {evaluate: "off", home_teaching: "off", escalate: "off", campaigns: {march: "off", may: "off", september: "off"}}
`)
	if code, out, errs := cli(t, dir, "eval", "--at", "2026-03-10"); code != 0 {
		t.Fatalf("eval: %s%s", out, errs)
	}
	code, out, errs := cli(t, dir, "token", "create", "--teacher", "T1")
	if code != 0 {
		t.Fatalf("token create: %s", errs)
	}
	token := strings.TrimSpace(out)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var sout, serr syncBuffer
	base, exited := launchServe(t, ctx, &sout, &serr)
	get := func(path, token string) (int, http.Header, map[string]any) {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, base+path, nil)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		var body map[string]any
		if err := json.Unmarshal(b, &body); err != nil {
			t.Fatalf("%s: %q", path, b)
		}
		return resp.StatusCode, resp.Header, body
	}
	if code, h, body := get("/api/v1/tasks", ""); code != 401 || h.Get("WWW-Authenticate") == "" || body["error"] != "a token is needed: send the header Authorization: Bearer TOKEN" {
		t.Errorf("without a token: %d %v", code, body)
	}
	code, _, body := get("/api/v1/tasks", token)
	tasks, _ := body["tasks"].([]any)
	if code != 200 || len(tasks) != 1 {
		t.Fatalf("tasks: %d %v", code, body)
	}
	if task := tasks[0].(map[string]any); task["rule"] != "grade9-absence" || task["rule_name"] != "初三学生近两周缺勤两天以上" || task["assignee"] != "T1" {
		t.Errorf("task %v", task)
	}
	cancel()
	select {
	case c := <-exited:
		if c != 0 {
			t.Errorf("serve exited %d:\n%s", c, serr.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not stop")
	}
}
