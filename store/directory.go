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
