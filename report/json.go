package report

import (
	"bufio"
	"encoding/json"
	"io"

	"baoxue/engine"
)

// WriteJSON prints the run as JSON lines (SPEC §7), sorted by type: alert
// lines, resolved lines and retired lines, each sorted by rule then student,
// then unreported lines by school. The bytes depend only on the result, so
// the same data gives the same output on every engine.
func WriteJSON(w io.Writer, res *engine.Result) error {
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	for i := range res.Alerts {
		if err := enc.Encode(&res.Alerts[i].Line); err != nil {
			return err
		}
	}
	for _, ls := range [][]engine.ResolvedLine{res.Resolved, res.Retired} {
		for i := range ls {
			if err := enc.Encode(&ls[i]); err != nil {
				return err
			}
		}
	}
	for i := range res.Unreported {
		if err := enc.Encode(&res.Unreported[i]); err != nil {
			return err
		}
	}
	return bw.Flush()
}
