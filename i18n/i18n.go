package i18n

import (
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"

	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// Lang is a language baoxue speaks.
type Lang string

// The languages of the catalog. Chinese is the default.
const (
	Chinese Lang = "zh"
	English Lang = "en"
)

// Langs lists the languages every key of the catalog has, default first.
func Langs() []Lang { return []Lang{Chinese, English} }

func (l Lang) tag() language.Tag {
	if l == English {
		return language.English
	}
	return language.Chinese
}

// ErrLang is returned by ParseLang for a language baoxue does not speak.
var ErrLang = errors.New("unknown language")

// ParseLang reads a language as a person or an environment gives it: "zh",
// "zh-CN", "zh_CN.UTF-8", "chinese", "中文", "en", "en-US", "english".
// The empty string is Chinese, the default. Anything else is ErrLang.
func ParseLang(s string) (Lang, error) {
	v := strings.ToLower(strings.TrimSpace(s))
	if i := strings.IndexAny(v, "-_."); i >= 0 {
		v = v[:i]
	}
	switch v {
	case "", "zh", "chinese", "中文", "cn":
		return Chinese, nil
	case "en", "english", "英文":
		return English, nil
	}
	return "", fmt.Errorf("%w %q (zh or en)", ErrLang, s)
}

// Message is a sentence kept as its catalog key and arguments, to be
// rendered in a language by a Printer. An argument may itself be a Message
// (rendered in the same language first) or an error (rendered with Error,
// or with Localize when it implements Localized).
type Message struct {
	Key  string
	Args []any
}

// M makes a Message.
func M(key string, args ...any) Message { return Message{Key: key, Args: args} }

// String renders the message in Chinese, the default, for contexts that
// have no Printer (e.g. an error's Error method).
func (m Message) String() string { return Default().Text(m) }

// Localized is implemented by values, typically errors, that render
// themselves in the language of a Printer.
type Localized interface {
	Localize(p *Printer) string
}

// Printer renders messages in one language. It is safe for concurrent use.
type Printer struct {
	lang Lang
	p    *message.Printer
	// errs renders errors of packages that may not import i18n (the
	// store); see WithErrors.
	errs func(p *Printer, err error) (string, bool)
}

// WithErrors returns a copy of p that renders an error that does not
// implement Localized with render, when render reports true: the errors of
// packages below the catalog (the store's typed errors) are rendered by the
// program that knows them, wherever they appear, also as the argument of a
// message.
func (p *Printer) WithErrors(render func(p *Printer, err error) (string, bool)) *Printer {
	c := *p
	c.errs = render
	return &c
}

// Default returns the Chinese Printer.
var Default = sync.OnceValue(func() *Printer { return NewPrinter(Chinese) })

// NewPrinter returns the Printer of lang; an unknown lang is Chinese.
func NewPrinter(lang Lang) *Printer {
	build()
	if lang != English {
		lang = Chinese
	}
	return &Printer{lang: lang, p: message.NewPrinter(lang.tag(), message.Catalog(cat))}
}

// Lang says which language p renders.
func (p *Printer) Lang() Lang { return p.lang }

// Sprintf renders the message key with args.
func (p *Printer) Sprintf(key string, args ...any) string {
	if !known[key] {
		// A missing key is a bug the catalog test should have caught;
		// showing the key beats showing nothing.
		return "<" + key + ">" + fmt.Sprint(p.args(args)...)
	}
	return p.p.Sprintf(key, p.args(args)...)
}

// Fprintf writes the message key with args to w.
func (p *Printer) Fprintf(w io.Writer, key string, args ...any) (int, error) {
	return io.WriteString(w, p.Sprintf(key, args...))
}

// Fprintln writes the message key with args to w, and a newline.
func (p *Printer) Fprintln(w io.Writer, key string, args ...any) (int, error) {
	return io.WriteString(w, p.Sprintf(key, args...)+"\n")
}

// Text renders m.
func (p *Printer) Text(m Message) string { return p.Sprintf(m.Key, m.Args...) }

// Error renders err: with its Localize method when it implements
// Localized, else as WithErrors says, else err.Error().
func (p *Printer) Error(err error) string {
	if err == nil {
		return ""
	}
	if l, ok := err.(Localized); ok {
		return l.Localize(p)
	}
	if p.errs != nil {
		if s, ok := p.errs(p, err); ok {
			return s
		}
	}
	return err.Error()
}

func (p *Printer) args(args []any) []any {
	out := args
	for i, a := range args {
		var s string
		switch v := a.(type) {
		case Message:
			s = p.Text(v)
		case Localized:
			s = v.Localize(p)
		case error:
			s = p.Error(v)
		default:
			continue
		}
		if &out[0] == &args[0] {
			out = append([]any(nil), args...)
		}
		out[i] = s
	}
	return out
}

// Keys returns every key of the catalog, sorted.
func Keys() []string {
	build()
	ks := make([]string, 0, len(known))
	for k := range known {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// Has says whether key is in the catalog in lang.
func Has(lang Lang, key string) bool {
	build()
	_, ok := texts[lang][key]
	return ok
}

// Source returns the catalog text of key in lang ("" when missing), for
// tests that compare the languages of a key.
func Source(lang Lang, key string) string {
	build()
	return texts[lang][key]
}

// Error is an error whose text is a catalog message. The errors among its
// arguments are the errors it wraps (errors.Is and errors.As see them), so
// Errorf replaces fmt.Errorf with %w where a person reads the result.
type Error struct {
	Msg Message
}

// Errorf returns an *Error of the message key with args.
func Errorf(key string, args ...any) error { return &Error{Msg: M(key, args...)} }

// Error renders the message in Chinese, the default.
func (e *Error) Error() string { return e.Msg.String() }

// Localize renders the message in p's language.
func (e *Error) Localize(p *Printer) string { return p.Text(e.Msg) }

// Unwrap returns the errors among the message's arguments.
func (e *Error) Unwrap() []error {
	var errs []error
	for _, a := range e.Msg.Args {
		if err, ok := a.(error); ok {
			errs = append(errs, err)
		}
	}
	return errs
}

// Raw is a message of text that is not the catalog's: what a library or
// the user's file says (a YAML parser's error, an expression compiler's),
// shown as it is in every language. Baoxue's own sentences are keys.
func Raw(text string) Message { return M("raw", text) }
