package store

import (
	"net/url"
	"slices"
	"strings"
	"unicode"
)

// redactedMark replaces a secret in what RedactDSN returns.
const redactedMark = "xxxxx"

// RedactDSN returns dsn fit to be printed or logged: the password of a
// URL's user info, and the value of every query parameter (URL form) or
// setting (key=value form, "host=db password=…") whose name contains
// "password", "passwd" or "secret", or is "sslkey" (with lib/pq's sslinline,
// the private key itself), are replaced by "xxxxx"; a URL's fragment is
// dropped. A URL that does not parse is redacted all the same: everything
// before its last "@" but the user name is taken for user info. A key=value
// DSN that does not parse is cut where it stops parsing. SQLite DSNs
// (file:PATH) hold no secret and keep their path.
func RedactDSN(dsn string) string {
	scheme, rest, isURL := strings.Cut(dsn, "://")
	switch {
	case isURL:
		return scheme + "://" + redactURLRest(rest)
	case strings.HasPrefix(dsn, "file:"):
		path, query, ok := strings.Cut(dsn, "?")
		if !ok {
			return dsn
		}
		return path + "?" + redactQuery(query)
	default:
		out, _ := scanSettings(dsn, nil)
		return out
	}
}

// secretName reports whether a DSN parameter or setting of that name holds
// a secret.
func secretName(name string) bool {
	n := strings.ToLower(name)
	return strings.Contains(n, "password") || strings.Contains(n, "passwd") ||
		strings.Contains(n, "secret") || n == "sslkey"
}

// redactURLRest redacts what follows "scheme://" in a URL DSN.
func redactURLRest(rest string) string {
	// An unescaped '/', '?' or '#' in a password ends the authority for a URL
	// parser ("bob:1234/Secret@db" reads as host bob, port 1234, path
	// "/Secret@db"): when an '@' stands after the authority the parser
	// found, the parse is not the user's meaning, so the text is redacted
	// as a URL that does not parse.
	authority := rest
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		authority = rest[:i]
	}
	if !strings.Contains(authority, "@") && strings.Contains(rest, "@") {
		return redactUnparsed(rest)
	}
	if u, err := url.Parse("x://" + rest); err == nil && u.Opaque == "" {
		out := ""
		if u.User != nil {
			out = url.User(u.User.Username()).String()
			if _, ok := u.User.Password(); ok {
				out += ":" + redactedMark
			}
			out += "@"
		}
		out += u.Host + u.EscapedPath()
		if u.RawQuery != "" || u.ForceQuery {
			out += "?" + redactQuery(u.RawQuery)
		}
		return out
	}
	return redactUnparsed(rest)
}

// redactUnparsed redacts a URL DSN's rest that no URL parser reads as its
// user meant: it keeps the user name and the part after the last "@"
// (host, path, query), whatever the part between may be.
func redactUnparsed(rest string) string {
	host := rest
	user := ""
	if at := strings.LastIndexByte(rest, '@'); at >= 0 {
		info := rest[:at]
		host = rest[at+1:]
		name, _, hasPass := strings.Cut(info, ":")
		user = url.User(name).String()
		if hasPass {
			user += ":" + redactedMark
		}
		user += "@"
	}
	if h, q, ok := strings.Cut(host, "?"); ok {
		host = h + "?" + redactQuery(q)
	}
	if h, _, ok := strings.Cut(host, "#"); ok {
		host = h
	}
	return user + host
}

// redactQuery redacts the secret values of a raw URL query, keeping the
// order and spelling of everything else.
func redactQuery(q string) string {
	parts := strings.Split(q, "&")
	for i, p := range parts {
		name, _, hasValue := strings.Cut(p, "=")
		unescaped, err := url.QueryUnescape(name)
		if err != nil {
			unescaped = name
		}
		if secretName(unescaped) || secretName(name) {
			if hasValue {
				parts[i] = name + "=" + redactedMark
			}
		}
	}
	return strings.Join(parts, "&")
}

// scanSettings walks a key=value DSN as lib/pq reads it (values bare or in
// single quotes, backslash escapes) and returns it with secret values
// replaced; it calls secret, when not nil, with each secret value as lib/pq
// would see it. Where the DSN stops parsing, the rest is cut off.
func scanSettings(dsn string, secret func(string)) (string, bool) {
	var b strings.Builder
	s := []rune(dsn)
	i := 0
	skip := func() {
		for i < len(s) && unicode.IsSpace(s[i]) {
			i++
		}
	}
	for {
		skip()
		if i >= len(s) {
			return b.String(), true
		}
		start := i
		for i < len(s) && s[i] != '=' && !unicode.IsSpace(s[i]) {
			i++
		}
		key := string(s[start:i])
		skip()
		if i >= len(s) || s[i] != '=' {
			return cut(&b), false
		}
		i++
		skip()
		value, raw, ok := settingValue(s, &i)
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(key + "=")
		if secretName(key) {
			b.WriteString(redactedMark)
			if secret != nil && value != "" {
				secret(value)
			}
		} else {
			b.WriteString(raw)
		}
		if !ok {
			return cut(&b), false
		}
	}
}

// settingValue reads the value of a key=value setting at s[*i:]: the
// unescaped value, its text as written, and whether it was well formed.
func settingValue(s []rune, i *int) (string, string, bool) {
	start := *i
	quoted := *i < len(s) && s[*i] == '\''
	if quoted {
		*i++
	}
	var v []rune
	for *i < len(s) {
		r := s[*i]
		switch {
		case r == '\\':
			*i++
			if *i >= len(s) {
				return string(v), "", false
			}
			v = append(v, s[*i])
		case quoted && r == '\'':
			*i++
			return string(v), string(s[start:*i]), true
		case !quoted && unicode.IsSpace(r):
			return string(v), string(s[start:*i]), true
		default:
			v = append(v, r)
		}
		*i++
	}
	if quoted {
		return string(v), "", false
	}
	return string(v), string(s[start:*i]), true
}

// cut ends a redacted DSN that stopped parsing.
func cut(b *strings.Builder) string {
	if b.Len() > 0 {
		b.WriteByte(' ')
	}
	b.WriteString("…")
	return b.String()
}

// dsnSecrets returns the secrets dsn holds, in every spelling a driver or
// URL parser may echo them in (as written, unescaped, escaped again,
// quoted as lib/pq quotes a setting), longest first, for scrubbing them
// out of error messages.
func dsnSecrets(dsn string) []string {
	var out []string
	add := func(v string) {
		if v == "" {
			return
		}
		forms := []string{v, url.QueryEscape(v), url.PathEscape(v), settingQuoter.Replace(v)}
		if u, err := url.QueryUnescape(v); err == nil {
			forms = append(forms, u, settingQuoter.Replace(u))
		}
		if u, err := url.PathUnescape(v); err == nil {
			forms = append(forms, u)
		}
		for _, f := range forms {
			if f != "" && !slices.Contains(out, f) {
				out = append(out, f)
			}
		}
	}
	_, rest, isURL := strings.Cut(dsn, "://")
	switch {
	case isURL:
		urlSecrets(dsn, rest, add)
	case !strings.HasPrefix(dsn, "file:"):
		scanSettings(dsn, add)
	}
	slices.SortStableFunc(out, func(a, b string) int { return len(b) - len(a) })
	return out
}

// settingQuoter escapes a value as lib/pq writes it into a key=value
// setting.
var settingQuoter = strings.NewReplacer(`\`, `\\`, `'`, `\'`)

// urlSecrets calls add with each secret of a URL DSN, parsed or not.
func urlSecrets(dsn, rest string, add func(string)) {
	// The user info runs to the last "@" before the host, or, should the
	// DSN not be a URL, to the last "@" at all: take the password either way.
	if at := strings.LastIndexByte(rest, '@'); at >= 0 {
		if _, pass, ok := strings.Cut(rest[:at], ":"); ok {
			add(pass)
		}
	}
	if u, err := url.Parse(dsn); err == nil && u.User != nil {
		if p, ok := u.User.Password(); ok {
			add(p)
		}
	}
	if _, q, ok := strings.Cut(rest, "?"); ok {
		q, _, _ = strings.Cut(q, "#")
		for _, p := range strings.Split(q, "&") {
			name, value, ok := strings.Cut(p, "=")
			if n, err := url.QueryUnescape(name); err == nil {
				name = n
			}
			if ok && secretName(name) {
				add(value)
			}
		}
	}
	if _, frag, ok := strings.Cut(rest, "#"); ok {
		add(frag)
	}
}

// scrubbed is an error whose message has had secrets replaced; it unwraps
// to the original, for errors.Is and errors.As (whoever prints what
// errors.As finds must redact it too).
type scrubbed struct {
	msg string
	err error
}

func (e *scrubbed) Error() string { return e.msg }
func (e *scrubbed) Unwrap() error { return e.err }

// scrub returns err with every secret of dsn replaced in its message by
// "xxxxx": drivers and the URL parser may echo the DSN or parts of it.
func scrub(err error, dsn string) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	clean := maskAll(msg, dsnSecrets(dsn))
	if clean == msg {
		return err
	}
	return &scrubbed{msg: clean, err: err}
}

// maskAll replaces every occurrence of every secret in msg with the mark.
// Occurrences are found in msg as it is and merged where they overlap, so
// that masking one secret cannot break the text of another that overlaps it
// and leave part of it in clear.
func maskAll(msg string, secrets []string) string {
	covered := make([]bool, len(msg))
	for _, s := range secrets {
		for from := 0; ; {
			i := strings.Index(msg[from:], s)
			if i < 0 {
				break
			}
			for j := from + i; j < from+i+len(s); j++ {
				covered[j] = true
			}
			from += i + 1
		}
	}
	var b strings.Builder
	for i := 0; i < len(msg); {
		if !covered[i] {
			b.WriteByte(msg[i])
			i++
			continue
		}
		b.WriteString(redactedMark)
		for i < len(msg) && covered[i] {
			i++
		}
	}
	return b.String()
}
