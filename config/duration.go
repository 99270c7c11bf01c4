package config

import (
	"errors"
	"reflect"
	"strconv"
	"time"

	"gopkg.in/yaml.v3"

	"baoxue/civil"
	"baoxue/i18n"
)

// Duration is a time.Duration written in YAML as "7d", "30s", "1h", "1d12h"
// or any Go duration (see ParseDuration). It marshals back in the same form.
type Duration time.Duration

const day = 24 * time.Hour

// ParseDuration parses a duration as civil.ParseDuration does: "Nd" (days
// of 24h), "Nw" (weeks), "Ny" (years of 365 days), optionally followed by a
// Go duration ("1d12h"), or a plain Go duration ("30s", "1h30m", "0"). A
// leading "-" negates the whole duration. It is the duration syntax of every
// baoxue flag and key. Errors are *i18n.Error, naming s.
func ParseDuration(s string) (time.Duration, error) {
	d, err := civil.ParseDuration(s)
	var de *civil.DurationError
	switch {
	case errors.As(err, &de) && de.Range:
		return 0, i18n.Errorf("config.duration.too_large", s)
	case err != nil:
		return 0, i18n.Errorf("config.duration.bad", s)
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
		return &yaml.TypeError{Errors: []string{i18n.M("config.expected_only", describe(reflect.TypeFor[Duration]())).String()}}
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
