package synth

// Writers of the small files: schools, teachers, villages, calendar.

func writeSchools(dir string, d *district) (FileCount, error) {
	t, err := createTable(dir, "schools.csv", "id", "name", "center", "township")
	if err != nil {
		return FileCount{}, err
	}
	for i := range d.schools {
		s := &d.schools[i]
		t.str(s.id)
		t.str(s.name)
		t.str(d.centers[s.center].name)
		t.str(d.townships[s.township].name)
		t.end()
	}
	return FileCount{t.name, t.rows}, t.close()
}

func writeTeachers(dir string, d *district) (FileCount, error) {
	t, err := createTable(dir, "teachers.csv", "id", "name", "school_id", "center", "role", "phone",
		"wecom_userid", "dingtalk_userid", "email")
	if err != nil {
		return FileCount{}, err
	}
	for i := range d.teachers {
		tc := &d.teachers[i]
		t.str(tc.id)
		t.str(tc.name)
		if tc.school >= 0 {
			t.str(d.schools[tc.school].id)
		} else {
			t.str("")
		}
		if tc.center >= 0 {
			t.str(d.centers[tc.center].name)
		} else {
			t.str("")
		}
		t.str(tc.role)
		t.str(tc.phone)
		t.str(tc.wecom)
		t.str(tc.dingtalk)
		t.str(tc.email)
		t.end()
	}
	return FileCount{t.name, t.rows}, t.close()
}

func writeVillages(dir string, d *district) (FileCount, error) {
	t, err := createTable(dir, "villages.csv", "village", "township", "school_id")
	if err != nil {
		return FileCount{}, err
	}
	for i := range d.villages {
		v := &d.villages[i]
		t.str(v.name)
		t.str(d.townships[v.township].name)
		t.str(d.schools[v.school].id)
		t.end()
	}
	return FileCount{t.name, t.rows}, t.close()
}

// writeCalendar writes one row per holiday or make-up day; a one-day row
// leaves "to" empty, as the format allows.
func writeCalendar(dir string, d *district, c *schedule) (FileCount, error) {
	t, err := createTable(dir, "calendar.csv", "from", "to", "kind", "school_id", "note")
	if err != nil {
		return FileCount{}, err
	}
	for _, row := range c.rows {
		t.date(row.from)
		if row.to != row.from {
			t.date(row.to)
		} else {
			t.str("")
		}
		if row.holiday {
			t.str("holiday")
		} else {
			t.str("schoolday")
		}
		if row.school >= 0 {
			t.str(d.schools[row.school].id)
		} else {
			t.str("")
		}
		t.str(row.note)
		t.end()
	}
	return FileCount{t.name, t.rows}, t.close()
}
