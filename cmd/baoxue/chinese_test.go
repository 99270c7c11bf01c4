package main

import (
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// englishWord is a word of plain English prose: letters only, perhaps with
// the punctuation that follows a word in a sentence.
var englishWord = regexp.MustCompile(`^\(?[A-Za-z]+[,.;:!?)]*$`)

// cjk matches a word with a Chinese character, which ends a run of English.
var cjk = regexp.MustCompile(`\p{Han}`)

// notProse are the English words that are interfaces, not sentences: the
// words of baoxue's commands, flags, KINDs, severities and placeholders,
// which stay English in every language (SPEC §3).
var notProse = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`baoxue go run build test cmd demo gen import rules check show defaults
		eval alerts tasks runs migrate version help completion bash zsh fish
		KIND FILE PATH DIR DATE N S C R T ID CMD COMMAND FROM TO VALUE DSN
		schools teachers villages students calendar reports attendance contacts home teaching registry platform survey
		march may september info low medium high critical en zh file postgres sqlite
		TRUE FALSE OK UTF GBK GB CSV XLSX YAML JSON SQLite PostgreSQL WeCom DingTalk`) {
		notProse[strings.ToLower(w)] = true
	}
}

// englishSentences returns the lines of out that hold English prose: three
// or more English words that are not interface words, with no Chinese
// between them (numbers, identifiers and interface words neither count nor
// interrupt). Lines that
// show a command to run (they start with "baoxue ", "./baoxue " or "go ")
// and what follows a "#" on them are the user's to type, not prose.
func englishSentences(out string) []string {
	var found []string
	for _, line := range strings.Split(out, "\n") {
		trimmed := strings.TrimSpace(line)
		for _, cmd := range []string{"baoxue ", "./baoxue ", "go ", "$ "} {
			if strings.HasPrefix(trimmed, cmd) {
				trimmed = ""
			}
		}
		run := 0
		for _, w := range strings.Fields(trimmed) {
			switch {
			case cjk.MatchString(w):
				run = 0
			case englishWord.MatchString(w) && !notProse[strings.ToLower(strings.Trim(w, "(,.;:!?)"))]:
				run++
			}
			if run >= 3 {
				found = append(found, line)
				break
			}
		}
	}
	return found
}

func TestEnglishSentencesDetector(t *testing.T) {
	for in, want := range map[string]bool{
		"absent 22 school days in a row":                            true,
		"schools: 5 rows (5 new, 0 updated)":                        true,
		"默认规则在 2026-11-27 的评估：评估学生 4,988 名":                         false,
		"  ./baoxue --db file:baoxue-demo.db eval --dry-run":        false,
		"students：5,000 行（新增 5,000，更新 0）":                           false,
		"用法：baoxue eval [选项]":                                       false,
		"规则 x：severity \"hgh\" 不是 info、low、medium、high、critical 之一": false,
	} {
		if got := len(englishSentences(in)) > 0; got != want {
			t.Errorf("englishSentences(%q) found %v, want %v", in, got, want)
		}
	}
}

// TestChineseByDefault runs the demo and a set of failing commands under
// the default language and finds no English sentence in what they print
// (issue 11): every sentence comes from the catalog, in Chinese.
func TestChineseByDefault(t *testing.T) {
	var lang []string // the default
	dir := t.TempDir()
	rulesDir, err := filepath.Abs(filepath.Join("..", "..", "rules"))
	if err != nil {
		t.Fatal(err)
	}
	db := "file:" + filepath.Join(dir, "baoxue-demo.db")
	write(t, filepath.Join(dir, "students.csv"), "id,name,birth_date,school_id,grade\nS1,张一,2011-05-01,SCH01,9\nS2,张二,2011-13-01,SCH09,10\n")
	write(t, filepath.Join(dir, "noheader.csv"), "a,b\n1,2\n")
	write(t, filepath.Join(dir, "bad.yaml"), "rules:\n  - id: x\n    name: x\n    severity: hgh\n    when: student.grde == 9\n")
	write(t, filepath.Join(dir, "broken.yaml"), "timezone: Asia/Shanghai\ndatabse: {dsn: x}\nlang: fr\n")
	write(t, filepath.Join(dir, "fail.test.yaml"), "rule_files: ["+filepath.Join(rulesDir, "default", "attendance.yaml")+
		"]\ntests:\n  - name: nothing fires\n    at: 2026-03-10\n    students:\n      - {id: S1, nmae: 张一, birth_date: 2011-05-01, school_id: SCH01, grade: 9}\n    expect:\n      - {rule: grade9-absense, students: [S1]}\n")
	runs := [][]string{
		{"--db", db, "demo", "--students", "300"},
		{"frobnicate"},
		{"--db", "file:" + filepath.Join(dir, "none.db"), "eval"},
		{"--db", db, "eval", "--at", "2026-13-01"},
		{"--db", db, "eval", "--at", "2026-03-01"},
		{"--db", db, "eval", "--campaign", "june"},
		{"--db", db, "eval", "--jsn"},
		{"--db", db, "import", "students", "students.csv"},
		{"--db", db, "import", "students", "noheader.csv"},
		{"--db", db, "import", "pupils", "students.csv"},
		{"--db", db, "import", "schools", "nope.csv"},
		{"rules", "check", "bad.yaml"},
		{"rules", "check", "nothere"},
		{"rules", "test", "fail.test.yaml"},
		{"--config", "broken.yaml", "eval"},
		{"--db", db, "alerts", "--open", "--resolved"},
		{"--db", db, "tasks", "--at", "tomorrow"},
		{"--db", "mysql://x", "migrate"},
		{"gen", "--students", "many"},
		{"completion", "tcsh"},
	}
	for _, args := range runs {
		code, out, errs := cli(t, dir, append(lang, args...)...)
		if !slices.Contains(args, "demo") && code == 0 {
			t.Errorf("%v: exit 0, want a failure\n%s%s", args, out, errs)
		}
		for _, l := range englishSentences(out + errs) {
			t.Errorf("%v prints English: %q", args, l)
		}
	}
}
