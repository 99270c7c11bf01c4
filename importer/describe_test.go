package importer

import (
	"errors"
	"slices"
	"testing"
)

func TestColumns(t *testing.T) {
	req, opt, err := Columns("schools")
	if err != nil || !slices.Equal(req, []string{"id", "name", "center"}) || !slices.Equal(opt, []string{"township"}) {
		t.Errorf("schools: %v, %v, %v", req, opt, err)
	}
	for _, k := range Kinds {
		if req, _, err := Columns(k); err != nil || len(req) == 0 {
			t.Errorf("%s: required %v, %v", k, req, err)
		}
	}
	if _, _, err := Columns("pupils"); !errors.Is(err, ErrUnknownKind) {
		t.Errorf("pupils: %v", err)
	}
}
