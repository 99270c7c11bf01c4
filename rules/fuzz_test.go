package rules

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"gopkg.in/yaml.v3"

	"baoxue/inputerr"
)

// fuzzSeeds returns the rule files of testdata and of the built-in rules.
func fuzzSeeds(f *testing.F) [][]byte {
	f.Helper()
	var seeds [][]byte
	for _, pattern := range []string{"testdata/*.yaml", "testdata/*/*.yaml", "default/*.yaml"} {
		names, err := filepath.Glob(pattern)
		if err != nil {
			f.Fatal(err)
		}
		for _, name := range names {
			data, err := os.ReadFile(name)
			if err != nil {
				f.Fatal(err)
			}
			seeds = append(seeds, data)
		}
	}
	if len(seeds) == 0 {
		f.Fatal("no seed files")
	}
	return seeds
}

// fuzzID is the 学籍号 of the fuzzed student; its middle, which Mask hides,
// must never reach a message.
const fuzzID, fuzzIDMiddle = "G500234201101010057", "20110101"

// fuzzFacts are the facts the fuzzed rules run on.
func fuzzFacts() *Facts {
	s := student9()
	s.ID = fuzzID
	w := newFake()
	w.absences[14], w.rate[60] = 3, 0.25
	return &Facts{Student: s, W: w, Today: "2026-03-10", Month: 3, Campaign: "march", Norms: DefaultNorms()}
}

// checkLoadError fails unless err is an inputerr.List, each problem placed
// in name within data's lines.
func checkLoadError(t *testing.T, name string, data []byte, err error) {
	t.Helper()
	var errs inputerr.List
	if !errors.As(err, &errs) || len(errs) == 0 {
		t.Fatalf("error %T %v, want an inputerr.List", err, err)
	}
	lines := len(newSource(name, data).lineStarts)
	for _, e := range errs {
		if e.File != name || e.Line < 0 || e.Line > lines || (e.Line > 0 && e.Col < 1) {
			t.Errorf("misplaced error (file has %d lines): %.300s", lines, e.Error())
		}
	}
}

// runAll evaluates and renders every rule of set: errors are allowed (a
// rule may divide by zero), panics and unbounded messages are not.
func runAll(t *testing.T, set *Set) {
	t.Helper()
	f := fuzzFacts()
	for _, r := range set.Rules {
		if _, err := r.Eval(nil, f); err != nil {
			continue
		}
		msg, err := r.Render(f)
		if err != nil {
			var e *RunError
			if !errors.As(err, &e) {
				t.Errorf("render error not placed: %v", err)
			}
			continue
		}
		if n := utf8.RuneCountInString(msg); n > MaxMessageLength {
			t.Errorf("message of %d characters", n)
		}
		if strings.Contains(msg, fuzzIDMiddle) && !strings.Contains(r.Message, fuzzIDMiddle) {
			t.Errorf("message shows the 学籍号: %q", msg)
		}
	}
}

// watchdog crashes the fuzz worker when an input runs for 10 s, so that a
// hang is reported, with its input saved, like a panic; call the returned
// function when the input is done.
func watchdog() func() {
	timer := time.AfterFunc(10*time.Second, func() { panic("fuzz input ran for 10 s: a hang") })
	return func() { timer.Stop() }
}

// FuzzCompile: any bytes as a rule file give a set or located errors,
// quickly, never a panic; a set's rules evaluate and render without one.
func FuzzCompile(f *testing.F) {
	for _, s := range fuzzSeeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		defer watchdog()()
		start := time.Now()
		set, err := Compile(File{Name: "fuzz.yaml", Data: data})
		if took := time.Since(start); took > 5*time.Second {
			t.Errorf("Compile took %v for %d bytes", took, len(data))
		}
		if err != nil {
			if set != nil {
				t.Fatal("a set and an error")
			}
			checkLoadError(t, "fuzz.yaml", data, err)
			return
		}
		if len(set.Rules) == 0 || len(set.Rules) > MaxRules {
			t.Fatalf("a set of %d rules", len(set.Rules))
		}
		runAll(t, set)
	})
}

// FuzzMessage: any text as a rule's message loads with located errors or
// renders within MaxMessageLength without the student's 学籍号.
func FuzzMessage(f *testing.F) {
	for _, s := range fuzzSeeds(f) {
		var file struct {
			Rules []struct{ Message string }
		}
		if yaml.Unmarshal(s, &file) != nil {
			continue
		}
		for _, r := range file.Rules {
			if r.Message != "" {
				f.Add(r.Message)
			}
		}
	}
	for _, s := range []string{
		"{{.student.id}} {{.student}} {{print .}}",
		"{{with .student}}{{.id}}{{end}}{{$s := .student}}{{$s.id}}",
		`{{printf "%99s" .student.name}}{{if lt (absences 14) 3}}少{{else}}多{{end}}`,
		`{{range .student}}{{.}}{{end}}{{template "x"}}{{define "x"}}{{end}}`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, message string) {
		defer watchdog()()
		if !utf8.ValidString(message) {
			return // YAML files are UTF-8
		}
		data, err := yaml.Marshal(map[string]any{"rules": []map[string]any{{
			"id": "m", "name": "m", "severity": "low", "when": "true", "message": message}}})
		if err != nil {
			t.Skip(err)
		}
		set, err := Compile(File{Name: "fuzz.yaml", Data: data})
		if err != nil {
			checkLoadError(t, "fuzz.yaml", data, err)
			return
		}
		runAll(t, set)
	})
}
