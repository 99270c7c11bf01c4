package config

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// Duration is a time.Duration written in YAML as "7d", "30s", "1h", "1d12h"
// or any Go duration (see ParseDuration). It marshals back in the same form.
type Duration time.Duration

const day = 24 * time.Hour

// dayUnits are the units ParseDuration adds to Go's: calendar days, weeks
// and years of 365 days (China has no daylight saving time, so a day is 24h).
var dayUnits = map[byte]time.Duration{'d': day, 'w': 7 * day, 'y': 365 * day}

// ParseDuration parses a duration: "Nd" (days of 24h), "Nw" (weeks), "Ny"
// (years of 365 days), optionally followed by a Go duration ("1d12h"), or a
// plain Go duration ("30s", "1h30m", "0"). A leading "-" negates the whole
// duration. It is the duration syntax of every baoxue flag and key.
func ParseDuration(s string) (time.Duration, error) {
	orig := s
	neg := strings.HasPrefix(s, "-")
	if neg {
		s = s[1:]
	}
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	unit, ok := time.Duration(0), false
	if i > 0 && i < len(s) {
		unit, ok = dayUnits[s[i]]
	}
	if !ok {
		d, err := time.ParseDuration(orig)
		if err != nil {
			return 0, fmt.Errorf("bad duration %q: want Nd, Nw, Ny or a Go duration like 30s or 1h30m", orig)
		}
		return d, nil
	}
	n, err := strconv.ParseInt(s[:i], 10, 64)
	if err != nil || n > math.MaxInt64/int64(unit) {
		return 0, fmt.Errorf("bad duration %q: too large", orig)
	}
	d := time.Duration(n) * unit
	if rest := s[i+1:]; rest != "" {
		r, err := time.ParseDuration(rest)
		if err != nil || r < 0 || d > math.MaxInt64-r {
			return 0, fmt.Errorf("bad duration %q: want Nd, Nw, Ny or a Go duration like 30s or 1h30m", orig)
		}
		d += r
	}
	if neg {
		d = -d
	}
	return d, nil
}

// String formats d as whole days ("7d") when it is a positive multiple of
// 24h, else as a Go duration ("1h0m0s").
func (d Duration) String() string {
	td := time.Duration(d)
	if td > 0 && td%day == 0 {
		return strconv.FormatInt(int64(td/day), 10) + "d"
	}
	return td.String()
}

// UnmarshalYAML decodes a scalar with ParseDuration. Errors are
// *yaml.TypeError, so that decoding goes on with the other keys.
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode {
		return &yaml.TypeError{Errors: []string{"expected a duration like 7d or 30s"}}
	}
	v, err := ParseDuration(n.Value)
	if err != nil {
		return &yaml.TypeError{Errors: []string{err.Error()}}
	}
	*d = Duration(v)
	return nil
}

// MarshalYAML encodes d as String does.
func (d Duration) MarshalYAML() (any, error) {
	return d.String(), nil
}
