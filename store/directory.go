package store

import (
	"context"
	"fmt"
)

// DirTeacher is a teacher as the engine needs it to find recipients.
type DirTeacher struct {
	ID       string `db:"id"`
	Name     string `db:"name"`
	SchoolID string `db:"school_id"`
	Center   string `db:"center"`
	Role     string `db:"role"`
}

// DirSchool is a school as the engine needs it.
type DirSchool struct {
	ID     string `db:"id"`
	Name   string `db:"name"`
	Center string `db:"center"`
}

// Directory returns every school and teacher, ordered by id.
func (s *queries) Directory(ctx context.Context) ([]DirSchool, []DirTeacher, error) {
	var schools []DirSchool
	if err := s.db.SelectContext(ctx, &schools, `SELECT id, name, center FROM schools ORDER BY id`); err != nil {
		return nil, nil, fmt.Errorf("read schools: %w", err)
	}
	// The teachers scanned by hand: a city has tens of thousands, read at
	// every run, and sqlx's reflective scan of them was ~0.3 s of a 1M
	// dry run's CPU. The values that repeat (schools, centers, roles) are
	// interned.
	var n int
	if err := s.db.GetContext(ctx, &n, `SELECT COUNT(*) FROM teachers`); err != nil {
		return nil, nil, fmt.Errorf("read teachers: %w", err)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT id, name, school_id, center, role FROM teachers ORDER BY id`)
	if err != nil {
		return nil, nil, fmt.Errorf("read teachers: %w", err)
	}
	defer rows.Close()
	teachers := make([]DirTeacher, 0, n)
	in := make(Interner, len(schools)+16)
	for rows.Next() {
		teachers = append(teachers, DirTeacher{})
		t := &teachers[len(teachers)-1]
		if err := rows.Scan(&t.ID, &t.Name, &t.SchoolID, &t.Center, &t.Role); err != nil {
			return nil, nil, fmt.Errorf("read teachers: %w", err)
		}
		t.SchoolID, t.Center, t.Role = in.Intern(t.SchoolID), in.Intern(t.Center), in.Intern(t.Role)
	}
	if err := rows.Err(); err != nil {
		return nil, nil, fmt.Errorf("read teachers: %w", err)
	}
	return schools, teachers, nil
}
