package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"baoxue/civil"
	"baoxue/i18n"
	"baoxue/store"
)

// Prefix is where the API is mounted: every route of it starts with it.
const Prefix = "/api/v1/"

// MaxBody is the most bytes a request body may have (413 beyond).
const MaxBody = 64 << 10

// maxText is the most characters of a free-text field (a note, a
// contact's outcome): the contacts import's limit on the same columns.
const maxText = 500

// Options are what the API needs besides the store.
type Options struct {
	// Location is the installation's time zone: "today" for overdue tasks
	// and contact dates. Nil is UTC.
	Location *time.Location
	// Printer renders the error messages, in the installation's language.
	// Nil is Chinese.
	Printer *i18n.Printer
	// RuleName returns the name of a loaded rule ("" when it is not
	// loaded); nil shows no names. It is called on every request, so a
	// reload shows at once.
	RuleName func(id string) string
	// Logger logs the failures that are not the caller's (500). Nil is
	// slog.Default().
	Logger *slog.Logger
	// Now is the clock; nil is time.Now.
	Now func() time.Time
}

// API is the teacher API, an http.Handler for the paths under Prefix.
type API struct {
	st  *store.Store
	opt Options
	mux *http.ServeMux
}

// New returns the API on st.
func New(st *store.Store, opt Options) *API {
	if opt.Location == nil {
		opt.Location = time.UTC
	}
	if opt.Printer == nil {
		opt.Printer = i18n.Default()
	}
	if opt.Logger == nil {
		opt.Logger = slog.Default()
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.RuleName == nil {
		opt.RuleName = func(string) string { return "" }
	}
	a := &API{st: st, opt: opt, mux: http.NewServeMux()}
	a.mux.Handle(Prefix+"tasks", a.endpoint(http.MethodGet, a.listTasks))
	a.mux.Handle(Prefix+"tasks/{id}/ack", a.endpoint(http.MethodPost, a.ackTask))
	a.mux.Handle(Prefix+"tasks/{id}/close", a.endpoint(http.MethodPost, a.closeTask))
	a.mux.Handle(Prefix+"contacts", a.endpoint(http.MethodPost, a.addContact))
	a.mux.Handle(Prefix+"students", a.endpoint(http.MethodGet, a.listStudents))
	a.mux.Handle(Prefix+"students/{key}", a.endpoint(http.MethodGet, a.student))
	a.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		a.fail(w, r, &apiError{status: http.StatusNotFound, msg: i18n.M("api.not_found")})
	})
	return a
}

// ServeHTTP authenticates the caller (401 without a valid token), then
// answers the route. Every answer is JSON and not to be cached.
func (a *API) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	jsonHeaders(w)
	r.Body = http.MaxBytesReader(w, r.Body, MaxBody)
	p, err := a.authenticate(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.mux.ServeHTTP(w, r.WithContext(withPrincipal(r.Context(), p)))
}

func jsonHeaders(w http.ResponseWriter) {
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
}

// endpointFunc answers one route for the authenticated p: the status and
// the body to send as JSON, or an error (an *apiError says what to tell
// the caller; any other is a 500, logged).
type endpointFunc func(r *http.Request, p *Principal) (int, any, error)

// endpoint answers method with fn, any other method with 405.
func (a *API) endpoint(method string, fn endpointFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != method {
			w.Header().Set("Allow", method)
			a.fail(w, r, &apiError{status: http.StatusMethodNotAllowed, msg: i18n.M("api.method", r.Method, method)})
			return
		}
		status, body, err := fn(r, principalOf(r.Context()))
		if err != nil {
			a.fail(w, r, err)
			return
		}
		a.writeJSON(w, status, body)
	})
}

// apiError is an answer other than success: its status, the message the
// caller reads and, for 401, the WWW-Authenticate challenge.
type apiError struct {
	status    int
	msg       i18n.Message
	challenge string
}

func (e *apiError) Error() string { return e.msg.String() }

func notFound(key string, args ...any) error {
	return &apiError{status: http.StatusNotFound, msg: i18n.M(key, args...)}
}

func badRequest(key string, args ...any) error {
	return &apiError{status: http.StatusBadRequest, msg: i18n.M(key, args...)}
}

func conflict(key string, args ...any) error {
	return &apiError{status: http.StatusConflict, msg: i18n.M(key, args...)}
}

// fail answers err as {"error": "…"} in the installation's language: an
// *apiError with its status, anything else as 500, logged (the caller
// learns nothing of the database from it).
func (a *API) fail(w http.ResponseWriter, r *http.Request, err error) {
	var e *apiError
	if !errors.As(err, &e) {
		if r.Context().Err() == nil {
			a.opt.Logger.Error(a.opt.Printer.Sprintf("api.log.failed", r.Method, r.URL.Path, err))
		}
		e = &apiError{status: http.StatusInternalServerError, msg: i18n.M("api.internal")}
	}
	if e.challenge != "" {
		w.Header().Set("WWW-Authenticate", e.challenge)
	}
	a.writeJSON(w, e.status, errorBody{Error: a.opt.Printer.Text(e.msg)})
}

type errorBody struct {
	Error string `json:"error"`
}

func (a *API) writeJSON(w http.ResponseWriter, status int, body any) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(body); err != nil {
		a.opt.Logger.Error(a.opt.Printer.Sprintf("api.log.encode", err))
		status = http.StatusInternalServerError
		b.Reset()
		enc.Encode(errorBody{Error: a.opt.Printer.Sprintf("api.internal")})
	}
	w.Header().Set("Content-Length", strconv.Itoa(b.Len()))
	w.WriteHeader(status)
	w.Write(b.Bytes())
}

// decode reads the request body, one JSON object, into v: unknown fields,
// values of the wrong type and anything after the object are 400, a body
// over MaxBody 413. An empty body is the empty object when emptyOK, else
// 400.
func decode(r *http.Request, v any, emptyOK bool) error {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return &apiError{status: http.StatusRequestEntityTooLarge, msg: i18n.M("api.body.too_large", strconv.Itoa(MaxBody))}
		}
		return badRequest("api.body.unreadable")
	}
	if len(bytes.TrimSpace(body)) == 0 {
		if emptyOK {
			return nil
		}
		return badRequest("api.body.empty")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return badRequest("api.body.trailing")
	}
	return nil
}

// jsonError says what is wrong with a body encoding/json refused.
func jsonError(err error) error {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syntax):
		return badRequest("api.body.syntax", strconv.FormatInt(syntax.Offset, 10))
	case errors.Is(err, io.ErrUnexpectedEOF):
		return badRequest("api.body.truncated")
	case errors.As(err, &typ) && typ.Field == "":
		return badRequest("api.body.not_object")
	case errors.As(err, &typ):
		return badRequest("api.body.type", typ.Field)
	}
	// encoding/json has no type for an unknown field: `json: unknown field "x"`.
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		if n, err := strconv.Unquote(name); err == nil {
			name = n
		}
		return badRequest("api.body.unknown_field", name)
	}
	return badRequest("api.body.invalid")
}

// text checks a free-text field: at most max characters, no control
// characters but line breaks and tabs; it returns the value trimmed, with
// line breaks as \n.
func text(field, v string, max int) (string, error) {
	v = strings.TrimSpace(strings.ReplaceAll(strings.ReplaceAll(v, "\r\n", "\n"), "\r", "\n"))
	if n := utf8.RuneCountInString(v); n > max {
		return "", badRequest("api.field.too_long", field, n, max)
	}
	for _, c := range v {
		if c == '\n' || c == '\t' {
			continue
		}
		if c < 0x20 || c == 0x7f || c >= 0x80 && c < 0xa0 || c == utf8.RuneError {
			return "", badRequest("api.field.control", field)
		}
	}
	return v, nil
}

// now returns the clock's instant and today's date in the installation's
// time zone.
func (a *API) now() (time.Time, civil.Day) {
	t := a.opt.Now()
	return t, civil.DayOf(t.In(a.opt.Location))
}

// inTx runs fn in one transaction of the store.
func (a *API) inTx(ctx context.Context, fn func(tx *store.Tx) error) error {
	return a.st.InTx(ctx, fn)
}
