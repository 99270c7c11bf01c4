package engine

// Pairing is a one-to-one pairing teacher assigned (or, in a dry run, to be
// assigned) to a student.
type Pairing struct {
	Student string `json:"student"`
	School  string `json:"school"`
	Teacher string `json:"teacher"`
	Rule    string `json:"rule"`
	Reason  string `json:"reason"`
	sid     int64
	// task is the pairing task the run creates; nil when one of the
	// student and teacher is open already.
	task *runTask
}

// pairer assigns pairing teachers: a teacher of the student's school,
// preferring the homeroom teacher, so that no teacher exceeds the cap while
// another teacher of the school has room. Ties go to the lighter load, then
// the smaller teacher id, so the result depends only on the data.
type pairer struct {
	dir   *directory
	loads map[string]int
	cap   int
}

// assign picks a teacher for f, or "" when the school has no teachers at all.
func (p *pairer) assign(f *FiredStudent) (teacher, reason string) {
	if h := f.Homeroom; h != "" && p.dir.teachers[h].SchoolID == f.School && p.loads[h] < p.cap {
		p.loads[h]++
		return h, "homeroom teacher, under the cap"
	}
	// The least-loaded teacher of the school, the smallest id among
	// equals: one pass, since a first run pairs tens of thousands of
	// students and sorting the staff for each cost a second.
	staff := p.dir.staff[f.School]
	if len(staff) == 0 {
		return "", ""
	}
	best, least := staff[0], p.loads[staff[0]]
	for _, c := range staff[1:] {
		if l := p.loads[c]; l < least || l == least && c < best {
			best, least = c, l
		}
	}
	reason = "least-loaded teacher of the school"
	if p.loads[best] >= p.cap {
		reason = "every teacher of the school is at the cap; least-loaded teacher"
	}
	p.loads[best]++
	return best, reason
}
