package engine

import (
	"slices"
	"sort"

	"baoxue/store"
)

// directory finds the teachers responsible for a student: homeroom, pairing,
// the school's principals, the center's admins.
type directory struct {
	schools    map[string]store.DirSchool
	teachers   map[string]store.DirTeacher
	principals map[string][]string // school -> principal ids, sorted
	centers    map[string][]string // center -> center admin ids, sorted
	staff      map[string][]string // school -> ids of role teacher, sorted (pairing candidates)
}

func newDirectory(schools []store.DirSchool, teachers []store.DirTeacher) *directory {
	d := &directory{
		schools: make(map[string]store.DirSchool, len(schools)), teachers: make(map[string]store.DirTeacher, len(teachers)),
		principals: map[string][]string{}, centers: map[string][]string{}, staff: map[string][]string{},
	}
	for _, s := range schools {
		d.schools[s.ID] = s
	}
	for _, t := range teachers {
		d.teachers[t.ID] = t
		switch t.Role {
		case "principal":
			d.principals[t.SchoolID] = append(d.principals[t.SchoolID], t.ID)
		case "center_admin":
			center := t.Center
			if center == "" {
				center = d.schools[t.SchoolID].Center
			}
			d.centers[center] = append(d.centers[center], t.ID)
		case "teacher", "":
			d.staff[t.SchoolID] = append(d.staff[t.SchoolID], t.ID)
		}
	}
	// Sorted here, not by the database, whose collation may differ between
	// engines and installations: the first principal is the same everywhere.
	for _, m := range []map[string][]string{d.principals, d.centers, d.staff} {
		for _, ids := range m {
			sort.Strings(ids)
		}
	}
	return d
}

// names returns the names of the schools and teachers by id.
func (d *directory) names() (schools, teachers map[string]string) {
	schools, teachers = make(map[string]string, len(d.schools)), make(map[string]string, len(d.teachers))
	for id, s := range d.schools {
		schools[id] = s.Name
	}
	for id, t := range d.teachers {
		teachers[id] = t.Name
	}
	return schools, teachers
}

// Gap is a fallback the run used, or a student with nobody to notify.
type Gap struct {
	Student string `json:"student"`
	School  string `json:"school"`
	Rule    string `json:"rule,omitempty"`
	Want    string `json:"want"` // homeroom, pairing, principal, center
	Got     string `json:"got"`  // the fallback used, or "nobody"
	// Name, Class and opaque Key of the student, for reports.
	Name  string `json:"-"`
	Class string `json:"-"`
	Key   string `json:"-"`
}

func gap(f *FiredStudent, rule, want, got string) Gap {
	return Gap{Student: f.ID, School: f.School, Rule: rule, Want: want, Got: got, Name: f.Name, Class: f.Class, Key: f.Key}
}

// resolve returns the teachers for one notify or assign target, following
// SPEC §7's fallbacks: homeroom, else the principal; pairing, else homeroom;
// principal, else the center admins; center, the center admins.
func (d *directory) resolve(target string, f *FiredStudent) (ids []string, got string) {
	switch target {
	case "homeroom":
		if _, ok := d.teachers[f.Homeroom]; ok && f.Homeroom != "" {
			return []string{f.Homeroom}, "homeroom"
		}
		ids, got = d.resolve("principal", f)
		return ids, got
	case "pairing":
		p := f.Pairing
		if p == "" {
			p = f.assignedPairing
		}
		if _, ok := d.teachers[p]; ok && p != "" {
			return []string{p}, "pairing"
		}
		return d.resolve("homeroom", f)
	case "principal":
		if ps := d.principals[f.School]; len(ps) > 0 {
			return ps, "principal"
		}
		return d.resolve("center", f)
	case "center":
		if cs := d.centers[d.schools[f.School].Center]; len(cs) > 0 {
			return cs, "center"
		}
		return nil, "nobody"
	}
	return nil, "nobody"
}

// recipients resolves a rule's notify list to sorted, distinct teacher ids and
// the gaps met on the way.
func (d *directory) recipients(notify []string, f *FiredStudent, rule string) ([]string, []Gap) {
	if len(notify) == 0 {
		notify = []string{"homeroom"}
	}
	var out []string
	var gaps []Gap
	for _, target := range notify {
		ids, got := d.resolve(target, f)
		if got != target {
			gaps = append(gaps, gap(f, rule, target, got))
		}
		for _, id := range ids {
			if !slices.Contains(out, id) { // a handful at most
				out = append(out, id)
			}
		}
	}
	sort.Strings(out)
	return out, gaps
}

// assignee resolves a task's assign target to one teacher ("" when nobody).
func (d *directory) assignee(target string, f *FiredStudent, rule string) (string, []Gap) {
	ids, got := d.resolve(target, f)
	var gaps []Gap
	if got != target {
		gaps = append(gaps, gap(f, rule, target, got))
	}
	if len(ids) == 0 {
		return "", gaps
	}
	return ids[0], gaps
}
