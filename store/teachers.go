package store

import (
	"context"
	"fmt"
	"time"
)

// Teacher is one row of the teachers table. Role is teacher, principal,
// center_admin or district_admin.
type Teacher struct {
	ID, Name, SchoolID, Center, Role          string
	Phone, WecomUserID, DingtalkUserID, Email string
}

// TeacherRef is what the importer needs to know about an existing teacher.
type TeacherRef struct {
	SchoolID, Center, Role string
}

// teacherColumns are the writable columns of teachers, in Teacher's order.
func teacherColumns() []string {
	return []string{"id", "name", "school_id", "center", "role", "phone", "wecom_userid", "dingtalk_userid", "email"}
}

// UpsertTeachers inserts teachers and updates those whose id exists. update
// names the columns overwritten on existing rows (any of teacherColumns but
// id); the others keep their stored values.
func (tx *Tx) UpsertTeachers(ctx context.Context, rows []Teacher, update []string, now time.Time) (Counts, error) {
	return tx.writeTeachers(ctx, rows, update, true, now)
}

// EnsureTeachers creates the teachers that do not exist yet and leaves
// existing ones alone. Rule unit tests use it for the teachers their rows name.
func (tx *Tx) EnsureTeachers(ctx context.Context, rows []Teacher, now time.Time) error {
	_, err := tx.writeTeachers(ctx, rows, nil, false, now)
	return err
}

func (tx *Tx) writeTeachers(ctx context.Context, rows []Teacher, update []string, upd bool, now time.Time) (Counts, error) {
	cols := teacherColumns()
	if err := checkColumns("teachers", update, cols[1:]); err != nil {
		return Counts{}, err
	}
	u := upsert{table: "teachers", key: []string{"id"}, cols: append(cols, "updated_at")}
	if upd {
		u.update = append(append([]string{}, update...), "updated_at")
	}
	ts := FormatTime(now)
	return tx.bulkUpsert(ctx, u, len(rows), func(i int, d []any) {
		r := &rows[i]
		d[0], d[1], d[2], d[3], d[4] = r.ID, r.Name, r.SchoolID, r.Center, r.Role
		d[5], d[6], d[7], d[8], d[9] = r.Phone, r.WecomUserID, r.DingtalkUserID, r.Email, ts
	})
}

// TeacherRefs returns every teacher's school, center and role, by teacher id.
func (s *queries) TeacherRefs(ctx context.Context) (map[string]TeacherRef, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, school_id, center, role FROM teachers`)
	if err != nil {
		return nil, fmt.Errorf("load teachers: %w", err)
	}
	defer rows.Close()
	out := make(map[string]TeacherRef)
	for rows.Next() {
		var id string
		var r TeacherRef
		if err := rows.Scan(&id, &r.SchoolID, &r.Center, &r.Role); err != nil {
			return nil, fmt.Errorf("load teachers: %w", err)
		}
		out[id] = r
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("load teachers: %w", err)
	}
	return out, nil
}

// TeachersByID returns the teachers of ids that exist, by id, with the
// addresses the notification channels know them by. A teacher's Center is
// their school's when the row names none (only center admins name one).
// Ids that are not in the directory are absent from the map.
func (s *queries) TeachersByID(ctx context.Context, ids []string) (map[string]Teacher, error) {
	out := make(map[string]Teacher, len(ids))
	const chunk = 500 // well within either engine's limit on parameters
	for start := 0; start < len(ids); start += chunk {
		part := ids[start:min(start+chunk, len(ids))]
		args := make([]any, len(part))
		for i, id := range part {
			args[i] = id
		}
		rows, err := s.db.QueryContext(ctx, s.rebind(`SELECT t.id, t.name, t.school_id,
			COALESCE(NULLIF(t.center, ''), s.center, ''), t.role, t.phone, t.wecom_userid, t.dingtalk_userid, t.email
			FROM teachers t LEFT JOIN schools s ON s.id = t.school_id WHERE t.id IN (`+placeholders(len(part))+`)`), args...)
		if err != nil {
			return nil, fmt.Errorf("read teachers: %w", err)
		}
		for rows.Next() {
			var t Teacher
			if err := rows.Scan(&t.ID, &t.Name, &t.SchoolID, &t.Center, &t.Role, &t.Phone, &t.WecomUserID,
				&t.DingtalkUserID, &t.Email); err != nil {
				rows.Close()
				return nil, fmt.Errorf("read teachers: %w", err)
			}
			out[t.ID] = t
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, fmt.Errorf("read teachers: %w", err)
		}
	}
	return out, nil
}
