package synth

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
)

// surveyWriter writes survey.csv, the teachers' home-visit survey of every
// school-age child in the villages (大家访).
type surveyWriter struct {
	p    *population
	r    *rand.Rand
	t    *table
	seen map[string]struct{} // township+village+name+birth of rows without an ID
	key  []byte
}

// writeSurvey writes a row for nearly every roster student at home in a
// village (a few families were not reached), naming the school by code or
// by name as teachers do; dropouts with no school. Then the children outside
// the roster: registry-only students, children out of school, at school
// outside the district, or past compulsory age. A few names carry a stray
// full-width space; a few children are recorded twice, once without an ID in
// another village; students sharing a name and birth date are recorded
// without an ID, so matching them is ambiguous.
func writeSurvey(ctx context.Context, dir string, p *population, r *rand.Rand) (FileCount, error) {
	t, err := createTable(dir, "survey.csv", "village", "township", "name", "birth_date", "national_id",
		"enrolled_school", "note")
	if err != nil {
		return FileCount{}, err
	}
	w := &surveyWriter{p: p, r: r, t: t, seen: make(map[string]struct{})}
	d := p.d
	for i := range p.students {
		if i%checkEvery == 0 {
			if err := ctx.Err(); err != nil {
				t.close()
				return FileCount{}, fmt.Errorf("write survey.csv: %w", err)
			}
		}
		st := &p.students[i]
		if st.status == statusTransferred || (st.flags&(flagAmbiguous|flagSurveyTwice) == 0 && r.IntN(100) < 3) {
			continue
		}
		sc := &d.schools[st.school]
		school := sc.id
		if r.IntN(2) == 0 {
			school = sc.name
		}
		note := ""
		switch {
		case st.status == statusDropped:
			school, note = "", "辍学在家"
		case st.status == statusSuspended:
			note = "休学在家"
		case st.has(flagHomeTaught):
			note = "送教上门"
		case st.leftBehind == 2 && r.IntN(4) == 0:
			note = "父母均在外务工，随祖父母生活"
		}
		name := st.name
		if r.IntN(1000) < 3 {
			name = name[:3] + "\u3000" + name[3:] // a stray full-width space after the surname
		}
		var nid []byte
		if st.prefix == 'G' && !st.has(flagAmbiguous) && r.IntN(100) < 88 {
			nid = st.body[:]
		}
		w.row(st.village, name, st.birth, nid, st.nationalID(), school, note)
		if st.has(flagSurveyTwice) {
			tw := &d.townships[d.villages[st.village].township]
			if other := tw.villages[r.IntN(len(tw.villages))]; other != st.village {
				w.row(other, st.name, st.birth, nil, nil, school, "与户籍所在村重复登记")
			}
		}
	}
	for i := range p.extras {
		x := &p.extras[i]
		var nid []byte
		if x.hasID {
			nid = x.body[:]
		}
		school := x.attended
		if x.kind == extraRegistryOnly {
			school = d.schools[x.school].id
		}
		w.row(x.village, x.name, x.birth, nid, x.body[:], school, x.note)
	}
	return FileCount{t.name, t.rows}, t.close()
}

// row writes one survey row. A row without an ID whose key (village, name,
// birth date) was used before shows the fallback ID instead, or is dropped
// when there is none: the key must be unique in the file.
func (w *surveyWriter) row(v int32, name string, birth int32, nid, fallback []byte, school, note string) {
	if nid == nil {
		w.key = strconv.AppendInt(w.key[:0], int64(v), 10)
		w.key = append(w.key, '|')
		w.key = append(w.key, strings.ReplaceAll(name, "\u3000", "")...)
		w.key = strconv.AppendInt(append(w.key, '|'), int64(birth), 10)
		if _, dup := w.seen[string(w.key)]; dup {
			if fallback == nil {
				return
			}
			nid = fallback
		} else {
			w.seen[string(w.key)] = struct{}{}
		}
	}
	d := w.p.d
	t := w.t
	t.str(d.villages[v].name)
	t.str(d.townships[d.villages[v].township].name)
	t.str(name)
	t.date(birth)
	t.bytes(nid)
	t.str(school)
	t.str(note)
	t.end()
}
