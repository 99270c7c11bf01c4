package importer

import (
	"context"
	"strconv"
	"strings"

	"baoxue/i18n"
	"baoxue/store"
)

// schoolBatch imports schools (key: id).
type schoolBatch struct {
	e    *env
	rows []store.School
	seen map[string]int
}

func beginSchools(_ context.Context, e *env) (batch, error) {
	return &schoolBatch{e: e, seen: make(map[string]int)}, nil
}

func (b *schoolBatch) add(r *row) {
	s := store.School{ID: r.need("id"), Name: r.need("name"), Center: r.need("center"), Township: r.text("township")}
	if r.bad || !once(r, b.seen, s.ID, "id", "import.key.school_id") {
		return
	}
	b.rows = push(b.rows, s)
}

func (b *schoolBatch) write(ctx context.Context) (result, error) {
	c, err := b.e.tx.UpsertSchools(ctx, b.rows, b.e.h.present("name", "center", "township"), b.e.now)
	return result{Counts: c}, err
}

// once records a key at the row's line and fails the row when an earlier
// row of the file had the same key; what is the catalog key that names
// the key ("import.key.school_id").
func once[K comparable](r *row, seen map[K]int, key K, col, what string) bool {
	if prev, ok := seen[key]; ok {
		r.fail(col, "import.duplicate", i18n.M(what), strconv.Itoa(prev))
		return false
	}
	seen[key] = r.line
	return true
}

// teacherBatch imports teachers (key: id).
type teacherBatch struct {
	e    *env
	rows []store.Teacher
	seen map[string]int
}

func beginTeachers(ctx context.Context, e *env) (batch, error) {
	if err := e.loadSchools(ctx); err != nil {
		return nil, err
	}
	if err := e.loadTeachers(ctx); err != nil {
		return nil, err
	}
	return &teacherBatch{e: e, seen: make(map[string]int)}, nil
}

func (b *teacherBatch) add(r *row) {
	t := store.Teacher{
		ID: r.need("id"), Name: r.need("name"), SchoolID: r.text("school_id"), Center: r.text("center"),
		Role:  r.choice("role", parseRole, "teacher", i18n.M("import.allowed.role")),
		Phone: r.text("phone"), WecomUserID: r.text("wecom_userid"), DingtalkUserID: r.text("dingtalk_userid"),
		Email: r.text("email"),
	}
	switch {
	case t.Role == "center_admin" && t.Center == "":
		r.fail("center", "import.teacher.center")
	case t.Role != "center_admin" && t.Role != "district_admin" && t.SchoolID == "":
		r.fail("school_id", "import.teacher.school", t.Role)
	}
	b.e.school(r, "school_id", t.SchoolID)
	if t.Email != "" && !strings.Contains(t.Email, "@") {
		r.fail("email", "import.email.bad", t.Email)
	}
	if r.bad || !once(r, b.seen, t.ID, "id", "import.key.teacher_id") {
		return
	}
	b.rows = push(b.rows, t)
}

func (b *teacherBatch) write(ctx context.Context) (result, error) {
	if err := b.e.writeImplicit(ctx); err != nil {
		return result{}, err
	}
	update := b.e.h.present("name", "school_id", "center", "role", "phone", "wecom_userid", "dingtalk_userid", "email")
	c, err := b.e.tx.UpsertTeachers(ctx, b.rows, update, b.e.now)
	return result{Counts: c}, err
}

// villageBatch imports the responsible school of villages (key: township +
// village).
type villageBatch struct {
	e    *env
	rows []store.Village
	seen map[[2]string]int
}

func beginVillages(ctx context.Context, e *env) (batch, error) {
	if err := e.loadSchools(ctx); err != nil {
		return nil, err
	}
	return &villageBatch{e: e, seen: make(map[[2]string]int)}, nil
}

func (b *villageBatch) add(r *row) {
	v := store.Village{Village: r.need("village"), Township: r.text("township"), SchoolID: r.need("school_id")}
	b.e.school(r, "school_id", v.SchoolID)
	if r.bad || !once(r, b.seen, [2]string{v.Township, v.Village}, "village", "import.key.village") {
		return
	}
	b.rows = push(b.rows, v)
}

func (b *villageBatch) write(ctx context.Context) (result, error) {
	if err := b.e.writeImplicit(ctx); err != nil {
		return result{}, err
	}
	c, err := b.e.tx.UpsertVillages(ctx, b.rows, b.e.now)
	return result{Counts: c}, err
}
