// Package deploy holds the files that install baoxue serve (a systemd unit,
// a Dockerfile, an example configuration) and the tests that check them as
// far as this machine allows: the unit with systemd-analyze verify, the
// Dockerfile by reading it and running its build command, the example
// configuration with the real loader and a real serve on PostgreSQL.
package deploy

import (
	"bufio"
	"context"
	"debug/buildinfo"
	"debug/elf"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"baoxue/config"
	"baoxue/store/storetest"
)

// serveGrace is how long baoxue serve waits, once asked to stop, for the
// job under way and the deliveries in flight (cmd/baoxue: serveGrace; SPEC
// §8); a supervisor must wait longer before it kills.
const serveGrace = 30 * time.Second

// The configuration path the unit and the image run serve with.
const configPath = "/etc/baoxue/baoxue.yaml"

// secrets are values for the variables the example configuration reads.
var secrets = map[string]string{
	"BAOXUE_DB_PASSWORD": "pa55word",
	"WECOM_CORP_ID":      "ww-test",
	"WECOM_AGENT_ID":     "1000002",
	"WECOM_SECRET":       "wecom-s3cret",
	"WECOM_WEBHOOK_URL":  "http://127.0.0.1:1/webhook",
}

// instruction is one Dockerfile instruction, continuation lines joined.
type instruction struct {
	cmd, args string
	line      int
}

// stage is one FROM of a Dockerfile and the instructions under it.
type stage struct {
	image, name string
	ins         []instruction
}

// parseDockerfile reads the stages of a Dockerfile: it joins lines ending
// in a backslash and drops comments and blank lines.
func parseDockerfile(t *testing.T, path string) []stage {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var stages []stage
	var cur strings.Builder
	start := 0
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if cur.Len() == 0 && (line == "" || strings.HasPrefix(line, "#")) {
			continue
		}
		if cur.Len() == 0 {
			start = n
		}
		if s, ok := strings.CutSuffix(line, `\`); ok {
			cur.WriteString(s + " ")
			continue
		}
		cur.WriteString(line)
		cmd, args, _ := strings.Cut(cur.String(), " ")
		cur.Reset()
		in := instruction{cmd: strings.ToUpper(cmd), args: strings.TrimSpace(args), line: start}
		if in.cmd == "FROM" {
			f := strings.Fields(in.args)
			s := stage{image: f[len(f)-1]}
			if len(f) >= 3 && strings.EqualFold(f[len(f)-2], "AS") {
				s = stage{image: f[len(f)-3], name: f[len(f)-1]}
			}
			stages = append(stages, s)
			continue
		}
		if len(stages) == 0 {
			t.Fatalf("%s:%d: %s before FROM", path, start, in.cmd)
		}
		stages[len(stages)-1].ins = append(stages[len(stages)-1].ins, in)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return stages
}

// all returns the instructions of s named cmd.
func (s stage) all(cmd string) []instruction {
	var out []instruction
	for _, in := range s.ins {
		if in.cmd == cmd {
			out = append(out, in)
		}
	}
	return out
}

// execForm decodes the JSON array of an ENTRYPOINT or CMD.
func execForm(t *testing.T, in instruction) []string {
	t.Helper()
	var args []string
	if err := json.Unmarshal([]byte(in.args), &args); err != nil {
		t.Fatalf("line %d: %s %s is not in exec form (a JSON array): signals would go to a shell", in.line, in.cmd, in.args)
	}
	return args
}

// buildCommand is the RUN of the build stage that runs go build.
func buildCommand(t *testing.T) string {
	t.Helper()
	st := parseDockerfile(t, "Dockerfile")
	for _, in := range st[0].all("RUN") {
		if strings.Contains(in.args, "go build") {
			return in.args
		}
	}
	t.Fatal("the build stage has no RUN … go build")
	return ""
}

var (
	buildOnce sync.Once
	builtBin  string
	buildOut  []byte
	buildErr  error
	buildDir  string
)

// TestMain removes what the tests built.
func TestMain(m *testing.M) {
	code := m.Run()
	if buildDir != "" {
		os.RemoveAll(buildDir)
	}
	os.Exit(code)
}

// binary builds baoxue once by the Dockerfile's exact build command, run
// from the repository's root (the build stage's WORKDIR holds the whole
// context), writing to a temporary directory instead of /out/.
func binary(t *testing.T) string {
	t.Helper()
	cmd := buildCommand(t)
	buildOnce.Do(func() {
		if _, err := exec.LookPath("go"); err != nil {
			buildErr = errors.New("no go command on PATH")
			return
		}
		if buildDir, buildErr = os.MkdirTemp("", "baoxue-deploy-"); buildErr != nil {
			return
		}
		sh := exec.Command("sh", "-c", strings.ReplaceAll(cmd, "/out/", buildDir+"/"))
		sh.Dir = ".."
		buildOut, buildErr = sh.CombinedOutput()
		builtBin = filepath.Join(buildDir, "baoxue")
	})
	if buildErr != nil {
		t.Fatalf("%s: %v\n%s", cmd, buildErr, buildOut)
	}
	return builtBin
}

// TestDockerfile: a build stage on the Go of go.mod, a final stage on a
// distroless static image running as a user without privileges, nothing
// secret copied or set, and serve run in exec form (signals reach it) with
// the configuration the image carries, on the port it exposes.
func TestDockerfile(t *testing.T) {
	st := parseDockerfile(t, "Dockerfile")
	if len(st) < 2 {
		t.Fatalf("%d stages, want a build stage and a final one", len(st))
	}
	build, final := st[0], st[len(st)-1]
	gomod, err := os.ReadFile("../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^go (\d+\.\d+)`).FindSubmatch(gomod)
	if m == nil || !strings.HasPrefix(build.image, "golang:"+string(m[1])) || build.name == "" {
		t.Errorf("build stage FROM %s AS %q, want golang:%s… AS a name (go.mod's Go)", build.image, build.name, m[1])
	}
	if !strings.Contains(final.image, "distroless/static") || !strings.HasSuffix(final.image, ":nonroot") {
		t.Errorf("final stage FROM %s, want a distroless static nonroot image", final.image)
	}
	users := final.all("USER")
	if len(users) == 0 {
		t.Error("the final stage sets no USER: it would run as root")
	} else if u := users[len(users)-1].args; slices.Contains([]string{"root", "0", "root:root", "0:0"}, u) || strings.HasPrefix(u, "0:") || strings.HasPrefix(u, "root:") {
		t.Errorf("the final stage runs as %s", u)
	}
	secretName := regexp.MustCompile(`(?i)secret|password|passwd|token|\.env\b|\.key\b|\.pem\b|credential`)
	for _, s := range st {
		for _, in := range s.ins {
			switch in.cmd {
			case "ADD":
				t.Errorf("line %d: ADD (use COPY; ADD fetches URLs and unpacks archives)", in.line)
			case "COPY", "ENV", "ARG":
				if secretName.MatchString(in.args) {
					t.Errorf("line %d: %s %s looks like a secret baked into the image", in.line, in.cmd, in.args)
				}
			}
		}
	}

	// The binary the final stage runs is the one the build stage wrote.
	out := regexp.MustCompile(`-o (\S+)`).FindStringSubmatch(buildCommand(t))
	if out == nil {
		t.Fatal("the go build command names no -o output")
	}
	copies := map[string]string{} // destination -> source
	for _, in := range final.all("COPY") {
		f := strings.Fields(in.args)
		src := f[len(f)-2]
		if slices.Contains(f, "--from="+build.name) {
			src = "build:" + src
		}
		copies[f[len(f)-1]] = src
	}
	entry := final.all("ENTRYPOINT")
	cmds := final.all("CMD")
	if len(entry) != 1 || len(cmds) != 1 {
		t.Fatalf("final stage: %d ENTRYPOINT, %d CMD, want one each", len(entry), len(cmds))
	}
	ep := execForm(t, entry[0])
	if len(ep) != 1 || copies[ep[0]] != "build:"+out[1] {
		t.Errorf("ENTRYPOINT %v, want the binary copied from %s (copies: %v)", ep, out[1], copies)
	}
	if args := execForm(t, cmds[0]); !slices.Equal(args, []string{"--config", configPath, "serve"}) {
		t.Errorf("CMD %v, want --config %s serve", args, configPath)
	}
	if copies[configPath] != "deploy/baoxue.yaml" {
		t.Errorf("%s is not the example configuration: copies %v", configPath, copies)
	}
	// The port exposed is the one the configuration listens on in the image.
	var listen, port string
	for _, in := range final.all("ENV") {
		if v, ok := strings.CutPrefix(in.args, "BAOXUE_LISTEN="); ok {
			listen = v
		}
	}
	if e := final.all("EXPOSE"); len(e) == 1 {
		port = e[0].args
	}
	if _, p, err := net.SplitHostPort(listen); err != nil || p != port {
		t.Errorf("ENV BAOXUE_LISTEN=%s and EXPOSE %s do not match", listen, port)
	}
	if host, _, _ := net.SplitHostPort(listen); host == "127.0.0.1" || host == "localhost" {
		t.Errorf("the image listens on %s: unreachable from outside the container", listen)
	}
}

// TestDockerBuild: the build stage's go build makes a static binary (no
// interpreter, no shared library), built with -trimpath and without cgo,
// that runs.
func TestDockerBuild(t *testing.T) {
	bin := binary(t)
	f, err := elf.Open(bin)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			t.Error("the binary names a dynamic loader: it is not static")
		}
	}
	if libs, _ := f.ImportedLibraries(); len(libs) > 0 {
		t.Errorf("the binary needs %v", libs)
	}
	bi, err := buildinfo.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	settings := map[string]string{}
	for _, s := range bi.Settings {
		settings[s.Key] = s.Value
	}
	if settings["-trimpath"] != "true" || settings["CGO_ENABLED"] != "0" {
		t.Errorf("build settings %v, want -trimpath and CGO_ENABLED=0", settings)
	}
	out, err := exec.Command(bin, "version").CombinedOutput()
	if err != nil || !strings.Contains(string(out), runtime.Version()) {
		t.Errorf("baoxue version: %v\n%s", err, out)
	}
}

// unit reads a systemd unit into "Section.Key" -> values, in order.
func unit(t *testing.T, path string) map[string][]string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	u := map[string][]string{}
	section := ""
	for _, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		switch {
		case line == "" || strings.HasPrefix(line, "#") || strings.HasPrefix(line, ";"):
		case strings.HasPrefix(line, "["):
			section = strings.Trim(line, "[]")
		default:
			k, v, _ := strings.Cut(line, "=")
			u[section+"."+k] = append(u[section+"."+k], v)
		}
	}
	return u
}

// TestSystemdUnit: the unit runs serve as the image does, reads its secrets
// from an EnvironmentFile, runs as a user of its own with the system read
// only, reloads with SIGHUP, waits for serve's grace before killing it, and
// restarts it on failure; systemd-analyze verify accepts it.
func TestSystemdUnit(t *testing.T) {
	u := unit(t, "baoxue.service")
	one := func(key string) string {
		if v := u[key]; len(v) > 0 {
			return v[len(v)-1]
		}
		return ""
	}
	exe := strings.Fields(one("Service.ExecStart"))
	if len(exe) == 0 || !slices.Equal(exe[1:], []string{"--config", configPath, "serve"}) || filepath.Base(exe[0]) != "baoxue" {
		t.Errorf("ExecStart=%s, want baoxue --config %s serve", one("Service.ExecStart"), configPath)
	}
	for key, want := range map[string]string{
		"Service.NoNewPrivileges": "yes", "Service.ProtectSystem": "strict", "Service.PrivateTmp": "yes",
		"Service.ProtectHome": "yes", "Service.Restart": "on-failure", "Service.EnvironmentFile": "/etc/baoxue/baoxue.env",
	} {
		if got := one(key); got != want {
			t.Errorf("%s=%s, want %s", key, got, want)
		}
	}
	if one("Service.DynamicUser") != "yes" && one("Service.User") == "" {
		t.Error("neither DynamicUser=yes nor User=: serve would run as root")
	}
	if r := one("Service.ExecReload"); !strings.Contains(r, "-HUP") || !strings.Contains(r, "$MAINPID") {
		t.Errorf("ExecReload=%s, want a SIGHUP to $MAINPID", r)
	}
	if d, err := time.ParseDuration(strings.ReplaceAll(one("Service.TimeoutStopSec"), " ", "")); err != nil || d <= serveGrace {
		if n, err2 := strconv.Atoi(one("Service.TimeoutStopSec")); err2 != nil || time.Duration(n)*time.Second <= serveGrace {
			t.Errorf("TimeoutStopSec=%s, want longer than serve's %s grace", one("Service.TimeoutStopSec"), serveGrace)
		}
	}
	for key, wants := range map[string][]string{
		"Unit.After": {"network-online.target", "postgresql.service"},
		"Unit.Wants": {"network-online.target"},
	} {
		got := strings.Fields(strings.Join(u[key], " "))
		for _, w := range wants {
			if !slices.Contains(got, w) {
				t.Errorf("%s lacks %s", key, w)
			}
		}
	}

	analyze, err := exec.LookPath("systemd-analyze")
	if err != nil {
		t.Skip("systemd-analyze is not installed: the unit was read but not verified by systemd")
	}
	// verify checks that ExecStart's binary exists and is executable: the
	// copy runs the binary the Dockerfile's command builds instead of
	// /usr/local/bin/baoxue.
	bin := binary(t)
	data, err := os.ReadFile("baoxue.service")
	if err != nil {
		t.Fatal(err)
	}
	verify := func(text string) (string, error) {
		dir := t.TempDir()
		path := filepath.Join(dir, "baoxue.service")
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command(analyze, "verify", "--man=no", path).CombinedOutput()
		return strings.TrimSpace(string(out)), err
	}
	text := strings.Replace(string(data), "ExecStart="+exe[0], "ExecStart="+bin, 1)
	if out, err := verify(text); err != nil || out != "" {
		t.Errorf("systemd-analyze verify: %v\n%s", err, out)
	}
	// verify says so of a key it does not know (exit status 0): the check
	// above reads its output, not only its status.
	if out, _ := verify(strings.Replace(text, "[Service]", "[Service]\nProtectSytem=strict", 1)); !strings.Contains(out, "ProtectSytem") {
		t.Errorf("systemd-analyze verify let a misspelt key pass: %q", out)
	}
}

// TestExampleConfig: deploy/baoxue.yaml loads with the real loader, its
// secrets from the environment, onto PostgreSQL on loopback HTTP; each
// variable it reads is in baoxue.env.example; without them it is refused
// naming the variable.
func TestExampleConfig(t *testing.T) {
	for k, v := range secrets {
		t.Setenv(k, v)
	}
	for _, k := range []string{config.DatabaseURLEnv, "BAOXUE_DB_HOST", "BAOXUE_DB_SSLMODE", "BAOXUE_LISTEN", "BAOXUE_TLS_CERT", "BAOXUE_TLS_KEY"} {
		t.Setenv(k, "")
		os.Unsetenv(k)
	}
	c, err := config.Load("baoxue.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if want := "postgres://baoxue:pa55word@127.0.0.1:5432/baoxue?sslmode=require"; c.Database.DSN != want {
		t.Errorf("dsn %q, want %q", c.Database.DSN, want)
	}
	if c.HTTP.Listen != "127.0.0.1:8080" || c.HTTP.TLSCert != "" || c.HTTP.TLSKey != "" || c.Timezone != "Asia/Shanghai" {
		t.Errorf("http %+v, timezone %s", c.HTTP, c.Timezone)
	}
	if c.Notifier.Default != "teachers" || len(c.Notifier.Channels) != 2 || c.Notifier.Channels[0].AgentID != 1000002 {
		t.Errorf("notifier %+v", c.Notifier)
	}

	// With TLS, as the unit's LoadCredential comment says.
	t.Setenv("BAOXUE_TLS_CERT", "/run/credentials/baoxue.service/tls.crt")
	t.Setenv("BAOXUE_TLS_KEY", "/run/credentials/baoxue.service/tls.key")
	if c, err := config.Load("baoxue.yaml"); err != nil || c.HTTP.TLSKey != "/run/credentials/baoxue.service/tls.key" {
		t.Errorf("with TLS: %v, %+v", err, c)
	}

	yaml, _ := os.ReadFile("baoxue.yaml")
	env, _ := os.ReadFile("baoxue.env.example")
	// Outside comments, each ${VAR} without a default.
	uncommented := regexp.MustCompile(`(?m)^\s*#.*$`).ReplaceAll(yaml, nil)
	for _, m := range regexp.MustCompile(`\$\{([A-Z_]+)\}`).FindAllSubmatch(uncommented, -1) {
		if !regexp.MustCompile(`(?m)^` + string(m[1]) + `=`).Match(env) {
			t.Errorf("baoxue.yaml reads ${%s}, which baoxue.env.example does not set", m[1])
		}
	}
	os.Unsetenv("WECOM_SECRET")
	_, err = config.Load("baoxue.yaml")
	if err == nil || !strings.Contains(err.Error(), "WECOM_SECRET") {
		t.Errorf("without WECOM_SECRET: %v", err)
	}
	for _, v := range secrets {
		if err != nil && strings.Contains(err.Error(), v) {
			t.Errorf("the error shows a secret: %v", err)
		}
	}
}

// TestServeFromExample: the binary the Dockerfile builds, run as the image
// and the unit run it (--config … serve) with the example configuration
// and its secrets from the environment, migrates and serves on PostgreSQL:
// /healthz and /readyz answer, and SIGTERM stops it with status 0.
func TestServeFromExample(t *testing.T) {
	dsn := storetest.PostgresDSN(t)
	bin := binary(t)
	conf, err := filepath.Abs("baoxue.yaml")
	if err != nil {
		t.Fatal(err)
	}
	env := []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir(), config.DatabaseURLEnv + "=" + dsn, "BAOXUE_LISTEN=127.0.0.1:0"}
	for k, v := range secrets {
		env = append(env, k+"="+v)
	}
	mig := exec.Command(bin, "--config", conf, "migrate")
	mig.Env = env
	if out, err := mig.CombinedOutput(); err != nil {
		t.Fatalf("migrate: %v\n%s", err, out)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "--config", conf, "serve")
	cmd.Env = env
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := make(chan string, 100)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			lines <- sc.Text()
		}
	}()
	var logs []string
	listening := regexp.MustCompile(`HTTP 服务监听在 (127\.0\.0\.1:\d+)`)
	addr := ""
	for addr == "" {
		select {
		case l, ok := <-lines:
			if !ok {
				cmd.Wait()
				t.Fatalf("serve exited:\n%s", strings.Join(logs, "\n"))
			}
			logs = append(logs, l)
			if !json.Valid([]byte(l)) {
				t.Errorf("not a JSON log line: %s", l)
			}
			if m := listening.FindStringSubmatch(l); m != nil {
				addr = m[1]
			}
		case <-time.After(30 * time.Second):
			t.Fatalf("serve did not listen:\n%s", strings.Join(logs, "\n"))
		}
	}
	// /readyz answers 200 once the daemon holds the scheduler's lock, a
	// moment after it listens.
	for _, path := range []string{"/healthz", "/readyz"} {
		deadline := time.Now().Add(20 * time.Second)
		for {
			resp, err := http.Get("http://" + addr + path)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode == 200 {
				break
			}
			if time.Now().After(deadline) {
				t.Errorf("%s: %d %s", path, resp.StatusCode, body)
				break
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	for l := range lines {
		logs = append(logs, l)
	}
	if err := cmd.Wait(); err != nil {
		t.Errorf("serve after SIGTERM: %v\n%s", err, strings.Join(logs, "\n"))
	}
	all := strings.Join(logs, "\n")
	if !strings.Contains(all, "baoxue 服务已停止") {
		t.Errorf("the log does not say serve stopped:\n%s", all)
	}
	for _, v := range secrets {
		if strings.Contains(all, v) {
			t.Errorf("the log shows a secret:\n%s", all)
		}
	}
}
