package synth

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strconv"
)

// checkEvery is how many rows a writer produces between looks at its context.
const checkEvery = 1 << 14

// povertyName returns the poverty column's value for a household type.
func povertyName(k int8) string {
	switch k {
	case povertyFormer:
		return "former_registered"
	case povertyMarginal:
		return "marginal"
	case povertyMonitored:
		return "monitored"
	}
	return "none"
}

// statusName returns the status column's value for a student status.
func statusName(k int8) string {
	switch k {
	case statusSuspended:
		return "suspended"
	case statusTransferred:
		return "transferred"
	case statusDropped:
		return "dropped"
	}
	return "enrolled"
}

// appendStudentID appends the 学籍号: the prefix letter and the body.
func appendStudentID(b []byte, st *student) []byte {
	b = append(b, st.prefix)
	return append(b, st.body[:]...)
}

// nationalID returns the student's national ID, or nil for a student with a
// temporary number.
func (st *student) nationalID() []byte {
	if st.prefix != 'G' {
		return nil
	}
	return st.body[:]
}

func writeStudents(ctx context.Context, dir string, p *population, r *rand.Rand) (FileCount, error) {
	t, err := createTable(dir, "students.csv", "id", "name", "gender", "birth_date", "national_id",
		"school_id", "grade", "class", "homeroom_teacher_id", "status", "suspended_until", "returned_at",
		"township", "village", "left_behind", "migrant", "returning", "orphan", "boarding", "disabled",
		"disability_type", "disability_level", "hardship", "poverty", "home_taught",
		"pairing_teacher_id", "guardian_phone")
	if err != nil {
		return FileCount{}, err
	}
	d := p.d
	var idb []byte
	for i := range p.students {
		if i%checkEvery == 0 {
			if err := ctx.Err(); err != nil {
				t.close()
				return FileCount{}, fmt.Errorf("write students.csv: %w", err)
			}
		}
		st := &p.students[i]
		idb = appendStudentID(idb[:0], st)
		t.bytes(idb)
		t.str(st.name)
		if st.male {
			t.str("M")
		} else {
			t.str("F")
		}
		t.date(st.birth)
		t.bytes(st.nationalID())
		t.str(d.schools[st.school].id)
		t.num(int(st.grade))
		t.sep()
		t.b = strconv.AppendInt(t.b, int64(st.class), 10)
		t.b = append(t.b, "班"...)
		t.str(d.teachers[st.homeroom].id)
		t.str(statusName(st.status))
		t.date(st.suspended)
		t.date(st.returned)
		v := &d.villages[st.village]
		t.str(d.townships[v.township].name)
		t.str(v.name)
		t.num(int(st.leftBehind))
		t.flag(st.has(flagMigrant))
		t.flag(st.has(flagReturning))
		t.flag(st.has(flagOrphan))
		t.flag(st.has(flagBoarding))
		t.flag(st.disType > 0)
		if st.disType > 0 {
			t.str(disabilityType(st.disType))
		} else {
			t.str("")
		}
		t.num(int(st.disLevel))
		t.flag(st.has(flagHardship))
		t.str(povertyName(st.poverty))
		t.flag(st.has(flagHomeTaught))
		if st.pairing >= 0 {
			t.str(d.teachers[st.pairing].id)
		} else {
			t.str("")
		}
		if r.IntN(100) < 95 {
			t.str(mobile(r))
		} else {
			t.str("")
		}
		t.end()
	}
	return FileCount{t.name, t.rows}, t.close()
}
