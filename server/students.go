package server

import (
	"net/http"

	"baoxue/report"
	"baoxue/store"
)

// What a student's page shows of their history.
const (
	recentContacts = 20 // the latest contacts with the family
	absenceDays    = 30 // the absences of the last days
	studentTasks   = 100
)

// studentJSON is what a teacher sees of a student to do their job: never
// the 学籍号, the national ID or the birth date.
type studentJSON struct {
	Key            string        `json:"key"`
	Name           string        `json:"name"`
	Gender         string        `json:"gender"`
	Grade          int           `json:"grade"`
	Class          string        `json:"class"`
	School         string        `json:"school"`
	SchoolName     string        `json:"school_name"`
	Center         string        `json:"center"`
	Status         string        `json:"status"`
	SuspendedUntil string        `json:"suspended_until"`
	ReturnedAt     string        `json:"returned_at"`
	Township       string        `json:"township"`
	Village        string        `json:"village"`
	Homeroom       *teacherJSON  `json:"homeroom_teacher"`
	Pairing        *teacherJSON  `json:"pairing_teacher"`
	GuardianPhone  string        `json:"guardian_phone"`
	Groups         groupsJSON    `json:"groups"`
	OpenAlerts     []alertJSON   `json:"open_alerts"`
	OpenTasks      []taskJSON    `json:"open_tasks"`
	Contacts       []contactJSON `json:"recent_contacts"`
	Absences       []absenceJSON `json:"recent_absences"`
}

type teacherJSON struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

func newTeacherJSON(id, name string) *teacherJSON {
	if id == "" {
		return nil
	}
	return &teacherJSON{ID: id, Name: name}
}

// groupsJSON are the special-group facts (POLICY §3, §5, §6) the follow-up
// of a student depends on.
type groupsJSON struct {
	LeftBehind      int    `json:"left_behind"`
	Migrant         bool   `json:"migrant"`
	Returning       bool   `json:"returning"`
	Orphan          bool   `json:"orphan"`
	Boarding        bool   `json:"boarding"`
	Disabled        bool   `json:"disabled"`
	DisabilityType  string `json:"disability_type"`
	DisabilityLevel int    `json:"disability_level"`
	Hardship        bool   `json:"hardship"`
	Poverty         string `json:"poverty"`
	HomeTaught      bool   `json:"home_taught"`
}

type alertJSON struct {
	ID       int64  `json:"id"`
	Rule     string `json:"rule"`
	RuleName string `json:"rule_name"`
	Severity string `json:"severity"`
	Opened   string `json:"opened"`
	Message  string `json:"message"`
}

type absenceJSON struct {
	Date   string `json:"date"`
	Status string `json:"status"`
	Note   string `json:"note"`
}

// student answers GET /api/v1/students/{key}: the student, if within the
// caller's scope (404 otherwise), with their open alerts, the open tasks
// the caller sees, the latest contacts and the absences of the last 30
// days. The read is audited in the transaction that makes it.
func (a *API) student(r *http.Request, p *Principal) (int, any, error) {
	ctx := r.Context()
	key := r.PathValue("key")
	now, today := a.now()
	sc := p.scope()
	var out studentJSON
	err := a.inTx(ctx, func(tx *store.Tx) error {
		d, ok, err := tx.ScopedStudent(ctx, sc, key)
		if err != nil {
			return err
		}
		if !ok {
			return notFound("api.student.not_found", key)
		}
		if err := tx.AppendAudit(ctx, store.Audit{At: now, Actor: p.Actor(), Action: "read",
			Object: "student:" + key, Detail: "details"}); err != nil {
			return err
		}
		out = newStudentJSON(&d)
		alerts, err := tx.StudentOpenAlerts(ctx, d.SID)
		if err != nil {
			return err
		}
		for _, al := range alerts {
			out.OpenAlerts = append(out.OpenAlerts, alertJSON{ID: al.ID, Rule: al.Rule, RuleName: a.opt.RuleName(al.Rule),
				Severity: al.Severity, Opened: al.OpenedAt, Message: report.ScrubIdentityNumbers(al.Message)})
		}
		tasks, err := tx.ScopedTasks(ctx, store.ScopedTaskFilter{Scope: sc, State: store.TasksOpen, At: today.String(),
			SID: d.SID, Limit: studentTasks})
		if err != nil {
			return err
		}
		for i := range tasks {
			out.OpenTasks = append(out.OpenTasks, a.taskJSON(&tasks[i]))
		}
		contacts, err := tx.StudentContacts(ctx, d.SID, "", recentContacts)
		if err != nil {
			return err
		}
		for i := range contacts {
			out.Contacts = append(out.Contacts, newContactJSON(&contacts[i], ""))
		}
		absences, err := tx.StudentAbsences(ctx, d.SID, (today - absenceDays + 1).String(), today.String())
		if err != nil {
			return err
		}
		for _, ab := range absences {
			out.Absences = append(out.Absences, absenceJSON{Date: ab.Date, Status: ab.Status,
				Note: report.ScrubIdentityNumbers(ab.Note)})
		}
		return nil
	})
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, struct {
		Student studentJSON `json:"student"`
	}{out}, nil
}

func newStudentJSON(d *store.StudentDetail) studentJSON {
	return studentJSON{Key: d.Key, Name: d.Name, Gender: d.Gender, Grade: d.Grade, Class: d.Class, School: d.SchoolID,
		SchoolName: d.SchoolName, Center: d.Center, Status: d.Status, SuspendedUntil: d.SuspendedUntil,
		ReturnedAt: d.ReturnedAt, Township: d.Township, Village: d.Village,
		Homeroom: newTeacherJSON(d.HomeroomTeacherID, d.HomeroomTeacherName),
		Pairing:  newTeacherJSON(d.PairingTeacherID, d.PairingTeacherName), GuardianPhone: d.GuardianPhone,
		Groups: groupsJSON{LeftBehind: d.LeftBehind, Migrant: d.Migrant, Returning: d.Returning, Orphan: d.Orphan,
			Boarding: d.Boarding, Disabled: d.Disabled, DisabilityType: d.DisabilityType,
			DisabilityLevel: d.DisabilityLevel, Hardship: d.Hardship, Poverty: d.Poverty, HomeTaught: d.HomeTaught},
		OpenAlerts: []alertJSON{}, OpenTasks: []taskJSON{}, Contacts: []contactJSON{}, Absences: []absenceJSON{}}
}
