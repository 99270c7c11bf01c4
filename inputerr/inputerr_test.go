package inputerr

import (
	"errors"
	"fmt"
	"sort"
	"testing"

	"baoxue/i18n"
)

func TestErrorFormat(t *testing.T) {
	for _, tc := range []struct {
		e    Error
		want string
	}{
		{Error{File: "a.yaml", Line: 3, Col: 7, Field: "database.dsn", Msg: i18n.Raw("empty")}, "a.yaml:3:7: database.dsn: empty"},
		{Error{File: "a.yaml", Line: 3, Msg: i18n.Raw("bad")}, "a.yaml:3: bad"},
		{Error{File: "a.yaml", Col: 4, Msg: i18n.Raw("bad")}, "a.yaml: bad"},
		{Error{File: "s.csv", Line: 2, Field: "姓名", Msg: i18n.Raw("empty")}, "s.csv:2: 姓名: empty"},
		{Error{File: "s.csv", Msg: i18n.Raw("no rows")}, "s.csv: no rows"},
		{Error{Field: "database.dsn", Msg: i18n.Raw("empty")}, "database.dsn: empty"},
		{Error{Msg: i18n.Raw("bad")}, "bad"},
	} {
		if got := tc.e.Error(); got != tc.want {
			t.Errorf("%#v.Error() = %q, want %q", tc.e, got, tc.want)
		}
		if got := (&tc.e).Error(); got != tc.want {
			t.Errorf("pointer: %q, want %q", got, tc.want)
		}
	}
}

func TestListSortAndErr(t *testing.T) {
	var l List
	if l.Err() != nil {
		t.Fatal("empty List: Err() != nil")
	}
	if l.Error() != "没有错误" {
		t.Errorf("empty List renders %q", l.Error())
	}
	l.Add("b", 1, 1, "", i18n.Raw("x"))
	l.Add("a", 2, 1, "", i18n.Raw("y"))
	l.Add("a", 1, 5, "", i18n.Raw("z"))
	l.Add("a", 1, 2, "", i18n.Raw("w"))
	l.Add("a", 1, 2, "", i18n.Raw("v"))
	l.Add("a", 1, 0, "", i18n.Raw("u"))
	l.Sort()
	// At one position, the order found in (w before v), not the message's.
	want := "a:1: u\na:1:2: w\na:1:2: v\na:1:5: z\na:2:1: y\nb:1:1: x"
	if got := l.Err().Error(); got != want {
		t.Errorf("sorted:\n%s\nwant:\n%s", got, want)
	}
	l = l[:0]
	l.Add("b", 1, 1, "", i18n.Raw("x"))
	l.Add("a", 2, 1, "", i18n.Raw("y"))
	l.Add("a", 1, 5, "", i18n.Raw("z"))
	sort.Sort(l)
	if got, want := l.Error(), "a:1:5: z\na:2:1: y\nb:1:1: x"; got != want {
		t.Errorf("sort.Sort:\n%s\nwant:\n%s", got, want)
	}
}

// refusal is an error that says for itself whether it is bad input.
type refusal bool

func (r refusal) Error() string  { return "refused" }
func (r refusal) BadInput() bool { return bool(r) }

func TestIsBadInput(t *testing.T) {
	var l List
	l.Add("f", 1, 1, "", i18n.Raw("bad"))
	for _, tc := range []struct {
		err  error
		want bool
	}{
		{nil, false},
		{errors.New("disk full"), false},
		{&Error{Msg: i18n.Raw("bad")}, true},
		{Error{Msg: i18n.Raw("bad")}, true},
		{fmt.Errorf("load: %w", &Error{Msg: i18n.Raw("bad")}), true},
		{fmt.Errorf("load: %w", l.Err()), true},
		{refusal(true), true},
		{fmt.Errorf("x: %w", refusal(false)), false},
		{errors.Join(errors.New("a"), &Error{Msg: i18n.Raw("b")}), true},
	} {
		if got := IsBadInput(tc.err); got != tc.want {
			t.Errorf("IsBadInput(%v) = %v, want %v", tc.err, got, tc.want)
		}
	}
}
