package i18n

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"testing"
)

// TestCatalogComplete fails when a key lacks a language.
func TestCatalogComplete(t *testing.T) {
	if len(Keys()) == 0 {
		t.Fatal("the catalog is empty")
	}
	for _, k := range Keys() {
		for _, l := range Langs() {
			if !Has(l, k) {
				t.Errorf("key %q has no %s text", k, l)
			}
		}
	}
}

var verb = regexp.MustCompile(`%(\[\d+\])?[-+# 0]*\d*(\.\d+)?[a-zA-Z%]`)

// TestCatalogSameArguments fails when the languages of a key take different
// arguments: the same verbs, counted by argument (indexes resolved).
func TestCatalogSameArguments(t *testing.T) {
	for _, k := range Keys() {
		zh, en := args(Source(Chinese, k)), args(Source(English, k))
		if !slices.Equal(zh, en) {
			t.Errorf("key %q: Chinese takes %v, English %v", k, zh, en)
		}
	}
}

// args lists, per argument position, the verb letter that consumes it.
func args(s string) []string {
	var out []string
	next := 0
	for _, m := range verb.FindAllStringSubmatch(s, -1) {
		v := m[0][len(m[0])-1:]
		if v == "%" {
			continue
		}
		i := next
		if m[1] != "" {
			fmt.Sscanf(m[1], "[%d]", &i)
			i--
		}
		for len(out) <= i {
			out = append(out, "")
		}
		if out[i] == "" || out[i] == v {
			out[i] = v
		} else {
			out[i] += "|" + v
		}
		next = i + 1
	}
	return out
}

func TestPrinter(t *testing.T) {
	en, zh := NewPrinter(English), NewPrinter(Chinese)
	for _, c := range []struct {
		p    *Printer
		key  string
		args []any
		want string
	}{
		{en, "common.students", []any{1}, "1 student"},
		{en, "common.students", []any{5000}, "5,000 students"},
		{zh, "common.students", []any{5000}, "5,000 名学生"},
		{en, "common.error", []any{M("common.rows", 2)}, "error: 2 rows"},
		{zh, "common.error", []any{M("common.rows", 2)}, "错误：2 行"},
		{zh, "no.such.key", []any{1}, "<no.such.key>1"},
	} {
		if got := c.p.Sprintf(c.key, c.args...); got != c.want {
			t.Errorf("%s %s %v = %q, want %q", c.p.Lang(), c.key, c.args, got, c.want)
		}
	}
}

func TestErrorf(t *testing.T) {
	base := errors.New("disk full")
	err := Errorf("common.error", base)
	if !errors.Is(err, base) {
		t.Error("Errorf does not wrap its error argument")
	}
	if got := NewPrinter(English).Error(err); got != "error: disk full" {
		t.Errorf("English: %q", got)
	}
	if got := err.Error(); got != "错误：disk full" {
		t.Errorf("default: %q", got)
	}
}

func TestParseLang(t *testing.T) {
	for in, want := range map[string]Lang{"": Chinese, "zh_CN.UTF-8": Chinese, "en-US": English, "EN": English} {
		if got, err := ParseLang(in); err != nil || got != want {
			t.Errorf("ParseLang(%q) = %q, %v", in, got, err)
		}
	}
	if _, err := ParseLang("fr"); !errors.Is(err, ErrLang) {
		t.Errorf("ParseLang(fr) = %v", err)
	}
}

type floorError struct{}

func (floorError) Error() string { return "floor" }

func TestWithErrors(t *testing.T) {
	p := NewPrinter(English).WithErrors(func(p *Printer, err error) (string, bool) {
		if _, ok := err.(floorError); ok {
			return "rendered " + string(p.Lang()), true
		}
		return "", false
	})
	if got := p.Error(Errorf("common.error", floorError{})); got != "error: rendered en" {
		t.Errorf("an argument error: %q", got)
	}
	if got := p.Error(errors.New("other")); got != "other" {
		t.Errorf("another error: %q", got)
	}
	if got := NewPrinter(English).Error(floorError{}); got != "floor" {
		t.Errorf("without WithErrors: %q", got)
	}
}
