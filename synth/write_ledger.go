package synth

import (
	"context"
	"fmt"
	"math/rand/v2"
)

// Writers of the three files the double-line verification compares with
// the roster: registry (学籍系统), platform (控辍保学平台), survey (大家访).

func appendPersonID(b []byte, x *person) []byte {
	b = append(b, 'G')
	return append(b, x.body[:]...)
}

// writeRegistry writes the registry export: the roster as the registry
// system sees it. Dropouts keep their 学籍 (enrolled); a transfer within the
// district shows at the receiving school, one out of the district as
// transferred; a few roster students are missing and a few registry
// students are not on the roster.
func writeRegistry(ctx context.Context, dir string, p *population, r *rand.Rand) (FileCount, error) {
	t, err := createTable(dir, "registry.csv", "id", "name", "birth_date", "national_id", "school_id", "grade", "status")
	if err != nil {
		return FileCount{}, err
	}
	var byGrade [10][]int32
	for i := range p.d.schools {
		for g := p.d.schools[i].lo; g <= p.d.schools[i].hi; g++ {
			byGrade[g] = append(byGrade[g], int32(i))
		}
	}
	var idb []byte
	for i := range p.students {
		if i%checkEvery == 0 {
			if err := ctx.Err(); err != nil {
				t.close()
				return FileCount{}, fmt.Errorf("write registry.csv: %w", err)
			}
		}
		st := &p.students[i]
		if st.has(flagNotInRegistry) {
			continue
		}
		school, status := st.school, "enrolled"
		switch st.status {
		case statusSuspended:
			status = "suspended"
		case statusTransferred:
			status = "transferred"
			for try := 0; try < 8 && st.has(flagTransferIn); try++ {
				if to := byGrade[st.grade][r.IntN(len(byGrade[st.grade]))]; to != st.school {
					school, status = to, "enrolled"
					break
				}
			}
		}
		idb = appendStudentID(idb[:0], st)
		t.bytes(idb)
		t.str(st.name)
		t.date(st.birth)
		t.bytes(st.nationalID())
		t.str(p.d.schools[school].id)
		t.num(int(st.grade))
		t.str(status)
		t.end()
	}
	for i := range p.extras {
		x := &p.extras[i]
		if x.kind != extraRegistryOnly {
			continue
		}
		idb = appendPersonID(idb[:0], x)
		t.bytes(idb)
		t.str(x.name)
		t.date(x.birth)
		t.bytes(x.body[:])
		t.str(p.d.schools[x.school].id)
		t.num(int(x.grade))
		t.str("enrolled")
		t.end()
	}
	return FileCount{t.name, t.rows}, t.close()
}

// writePlatform writes the dropout-monitoring platform export: every
// student not transferred away, marked enrolled, returned or dropped; a few
// enrolled roster students are marked dropped there, and one child out of
// school who is on no roster.
func writePlatform(ctx context.Context, dir string, p *population) (FileCount, error) {
	t, err := createTable(dir, "platform.csv", "id", "name", "birth_date", "national_id", "school_id", "status")
	if err != nil {
		return FileCount{}, err
	}
	var idb []byte
	for i := range p.students {
		if i%checkEvery == 0 {
			if err := ctx.Err(); err != nil {
				t.close()
				return FileCount{}, fmt.Errorf("write platform.csv: %w", err)
			}
		}
		st := &p.students[i]
		if st.status == statusTransferred {
			continue
		}
		status := "enrolled"
		switch {
		case st.status == statusDropped || st.has(flagPlatformDropped):
			status = "dropped"
		case st.returned != 0:
			status = "returned"
		}
		idb = appendStudentID(idb[:0], st)
		t.bytes(idb)
		t.str(st.name)
		t.date(st.birth)
		t.bytes(st.nationalID())
		t.str(p.d.schools[st.school].id)
		t.str(status)
		t.end()
	}
	for i := range p.extras {
		x := &p.extras[i]
		if x.kind != extraRegistryOnly && !x.dropped {
			continue
		}
		idb = appendPersonID(idb[:0], x)
		t.bytes(idb)
		t.str(x.name)
		t.date(x.birth)
		t.bytes(x.body[:])
		if x.kind == extraRegistryOnly {
			t.str(p.d.schools[x.school].id)
			t.str("enrolled")
		} else {
			t.str(p.d.schools[p.d.villages[x.village].school].id)
			t.str("dropped")
		}
		t.end()
	}
	return FileCount{t.name, t.rows}, t.close()
}
