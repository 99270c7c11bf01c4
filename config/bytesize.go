package config

import (
	"math"
	"reflect"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"baoxue/i18n"
)

// ByteSize is a number of bytes written in YAML as "512MiB", "2GiB",
// "500MB" or a plain number of bytes (see ParseByteSize). It marshals back
// as String gives it.
type ByteSize int64

// byteUnits are the units ParseByteSize reads, matched without case:
// binary (KiB = 1024 bytes) and decimal (kB = 1000 bytes).
var byteUnits = map[string]int64{
	"b":   1,
	"kib": 1 << 10, "mib": 1 << 20, "gib": 1 << 30, "tib": 1 << 40,
	"kb": 1e3, "mb": 1e6, "gb": 1e9, "tb": 1e12,
}

// ParseByteSize parses a size: a whole number, optionally followed (with or
// without a space) by B, KiB, MiB, GiB, TiB (powers of 1024) or kB, MB,
// GB, TB (powers of 1000), in any case. A leading "-" negates it. Errors
// are *i18n.Error, naming s.
func ParseByteSize(s string) (int64, error) {
	t := strings.TrimSpace(s)
	neg := strings.HasPrefix(t, "-")
	t = strings.TrimPrefix(t, "-")
	i := 0
	for i < len(t) && t[i] >= '0' && t[i] <= '9' {
		i++
	}
	unit := int64(1)
	if u := strings.ToLower(strings.TrimSpace(t[i:])); u != "" {
		var ok bool
		if unit, ok = byteUnits[u]; !ok {
			return 0, i18n.Errorf("config.size.bad", s)
		}
	}
	n, err := strconv.ParseInt(t[:i], 10, 64)
	if err != nil {
		return 0, i18n.Errorf("config.size.bad", s)
	}
	if n > math.MaxInt64/unit {
		return 0, i18n.Errorf("config.size.too_large", s)
	}
	if neg {
		return -n * unit, nil
	}
	return n * unit, nil
}

// String formats b in the largest binary unit that divides it ("512MiB"),
// else as a number of bytes.
func (b ByteSize) String() string {
	for _, u := range []string{"TiB", "GiB", "MiB", "KiB"} {
		if n := byteUnits[strings.ToLower(u)]; b != 0 && int64(b)%n == 0 {
			return strconv.FormatInt(int64(b)/n, 10) + u
		}
	}
	return strconv.FormatInt(int64(b), 10)
}

// UnmarshalYAML decodes a scalar with ParseByteSize. Errors are
// *yaml.TypeError, so that decoding goes on with the other keys.
func (b *ByteSize) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode {
		return &yaml.TypeError{Errors: []string{i18n.M("config.expected_only", describe(reflect.TypeFor[ByteSize]())).String()}}
	}
	v, err := ParseByteSize(n.Value)
	if err != nil {
		return &yaml.TypeError{Errors: []string{err.Error()}}
	}
	*b = ByteSize(v)
	return nil
}

// MarshalYAML encodes b as String does.
func (b ByteSize) MarshalYAML() (any, error) {
	return b.String(), nil
}
