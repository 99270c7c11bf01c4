package rules

import (
	"errors"
	"reflect"
	"strings"
	"sync"
	"text/template"
	"unicode/utf8"

	"baoxue/idnum"
)

// envField is one field of Student or Norms as templates see it.
type envField struct {
	name  string // the expr tag
	index int
}

// studentFields and normsFields list the fields of Student and Norms by
// their rule-facing names; read-only tables computed once from the struct
// tags so that templates and `when` can never disagree on a name.
var (
	studentFields = exprFields(reflect.TypeFor[Student]())
	normsFields   = exprFields(reflect.TypeFor[Norms]())
)

func exprFields(t reflect.Type) []envField {
	fields := make([]envField, 0, t.NumField())
	for i := range t.NumField() {
		fields = append(fields, envField{name: t.Field(i).Tag.Get("expr"), index: i})
	}
	return fields
}

// topNames are the plain (non-function) names of the environment.
var topNames = []string{"student", "absent_streak", "unexcused_streak", "today", "month", "campaign", "norms"}

// studentNames returns the rule-facing names of Student's fields.
func studentNames() []string { return fieldNames(studentFields) }

// normsNames returns the rule-facing names of Norms' fields.
func normsNames() []string { return fieldNames(normsFields) }

func fieldNames(fields []envField) []string {
	names := make([]string, len(fields))
	for i, f := range fields {
		names[i] = f.name
	}
	return names
}

// messageTemplate is a compiled message. Rendering needs the template's
// functions bound to the Facts being rendered; a pool of clones, each
// reading its Facts from a slot, keeps that safe for concurrent renders
// without cloning the template every time.
type messageTemplate struct {
	base *template.Template
	// fields are the student fields the message reads; nil means all (the
	// message passes .student around, so which it reads is not known).
	fields []envField
	pool   sync.Pool // of *boundTemplate
	// fast is the message as parts (message_fast.go), nil when it uses
	// something they do not compile; render writes them instead of
	// executing the template.
	fast *messageRenderer
}

// boundTemplate is a clone of a message whose functions read f.
type boundTemplate struct {
	t *template.Template
	f *Facts
}

// render renders the message for f: its parts when it has them and they
// do not fail, else the template, which fails as it fails.
func (m *messageTemplate) render(f *Facts) (string, error) {
	if m.fast != nil {
		if text, ok := m.fast.renderSafe(f); ok {
			return text, nil
		}
	}
	return m.execute(f)
}

// execute executes the message's template for f.
func (m *messageTemplate) execute(f *Facts) (string, error) {
	bt, _ := m.pool.Get().(*boundTemplate)
	if bt == nil {
		c, err := m.base.Clone()
		if err != nil {
			return "", err
		}
		bt = &boundTemplate{}
		bt.t = c.Funcs(templateFuncs(func() *Facts { return bt.f }))
	}
	bt.f = f
	defer func() {
		bt.f = nil
		m.pool.Put(bt)
	}()
	var w cappedWriter
	if err := bt.t.Execute(&w, templateData(f, m.fields)); err != nil && !errors.Is(err, errMessageFull) {
		return "", err
	}
	return w.b.String(), nil
}

// errMessageFull stops a rendering that reached MaxMessageLength.
var errMessageFull = errors.New("message full")

// cappedWriter keeps the first MaxMessageLength characters written to it;
// past them it keeps MaxMessageLength-1 and "…", and fails the write so
// that the template stops.
type cappedWriter struct {
	b     strings.Builder
	runes int
}

func (w *cappedWriter) Write(p []byte) (int, error) {
	if n := utf8.RuneCount(p); w.runes+n <= MaxMessageLength {
		w.runes += n
		w.b.Write(p)
		return len(p), nil
	}
	s := []rune(w.b.String() + string(p))
	w.b.Reset()
	w.b.WriteString(string(s[:MaxMessageLength-1]))
	w.b.WriteString("…")
	w.runes = MaxMessageLength
	return 0, errMessageFull
}

// writeString is Write for a string, without converting it.
func (w *cappedWriter) writeString(p string) error {
	if n := utf8.RuneCountInString(p); w.runes+n <= MaxMessageLength {
		w.runes += n
		w.b.WriteString(p)
		return nil
	}
	s := []rune(w.b.String() + p)
	w.b.Reset()
	w.b.WriteString(string(s[:MaxMessageLength-1]))
	w.b.WriteString("…")
	w.runes = MaxMessageLength
	return errMessageFull
}

// templateData is the dot of a message template: the names of `when`,
// with the student fields in fields (all when nil). student.id is a 学籍号,
// an identity number; messages leave the operator's hands, so it is masked
// there (SPEC §2).
func templateData(f *Facts, fields []envField) map[string]any {
	if fields == nil {
		fields = studentFields
	}
	v := reflect.ValueOf(&f.Student).Elem()
	student := make(map[string]any, len(fields))
	for _, sf := range fields {
		if sf.name == "id" {
			student["id"] = idnum.Mask(f.Student.ID)
			continue
		}
		student[sf.name] = v.Field(sf.index).Interface()
	}
	nv := reflect.ValueOf(&f.Norms).Elem()
	norms := make(map[string]any, len(normsFields))
	for _, nf := range normsFields {
		norms[nf.name] = nv.Field(nf.index).Interface()
	}
	return map[string]any{
		"student":          student,
		"absent_streak":    f.AbsentStreak,
		"unexcused_streak": f.UnexcusedStreak,
		"today":            f.Today,
		"month":            f.Month,
		"campaign":         f.Campaign,
		"norms":            norms,
	}
}

// templateFuncs returns the windowed functions for templates; they call
// the Windows of the Facts that facts returns at call time.
func templateFuncs(facts func() *Facts) template.FuncMap {
	w := func() (Windows, error) {
		f := facts()
		if f == nil || f.W == nil {
			return nil, errors.New("facts have no Windows")
		}
		return f.W, nil
	}
	intFunc := func(call func(Windows, int) int) func(int) (int, error) {
		return func(n int) (int, error) {
			w, err := w()
			if err != nil {
				return 0, err
			}
			return call(w, n), nil
		}
	}
	return template.FuncMap{
		"absences":  intFunc(Windows.Absences),
		"unexcused": intFunc(Windows.Unexcused),
		"absence_rate": func(n int) (float64, error) {
			w, err := w()
			if err != nil {
				return 0, err
			}
			return w.AbsenceRate(n), nil
		},
		"contacts":               intFunc(Windows.Contacts),
		"home_teaching_sessions": intFunc(Windows.HomeTeachingSessions),
		"home_teaching_hours":    intFunc(Windows.HomeTeachingHours),
		"home_teaching_sessions_of": func(n, minHours int) (int, error) {
			w, err := w()
			if err != nil {
				return 0, err
			}
			return w.HomeTeachingSessionsOf(n, minHours), nil
		},
	}
}
