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
	var teachers []DirTeacher
	if err := s.db.SelectContext(ctx, &teachers, `SELECT id, name, school_id, center, role FROM teachers ORDER BY id`); err != nil {
		return nil, nil, fmt.Errorf("read teachers: %w", err)
	}
	return schools, teachers, nil
}

// PairingLoads returns how many enrolled or suspended students each teacher
// is the pairing teacher of (students who left do not count toward the cap).
func (s *queries) PairingLoads(ctx context.Context) (map[string]int, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT pairing_teacher_id, COUNT(*) FROM students
		WHERE pairing_teacher_id <> '' AND status IN ('enrolled', 'suspended') GROUP BY pairing_teacher_id`)
	if err != nil {
		return nil, fmt.Errorf("read pairing loads: %w", err)
	}
	defer rows.Close()
	loads := map[string]int{}
	for rows.Next() {
		var t string
		var n int
		if err := rows.Scan(&t, &n); err != nil {
			return nil, fmt.Errorf("read pairing loads: %w", err)
		}
		loads[t] = n
	}
	return loads, rows.Err()
}
