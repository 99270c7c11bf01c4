package server

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"baoxue/civil"
	"baoxue/i18n"
	"baoxue/report"
	"baoxue/store"
)

// channels are how a teacher contacts a family: the contacts import's
// values (SPEC §4).
var channels = []string{"phone", "visit", "online", "other"}

type contactBody struct {
	StudentKey string `json:"student_key"`
	Channel    string `json:"channel"`
	Outcome    string `json:"outcome"`
	Note       string `json:"note"`
	Date       string `json:"date"`
}

// contactJSON is a contact with a family as the API shows it.
type contactJSON struct {
	ID          int64  `json:"id"`
	StudentKey  string `json:"student_key,omitempty"`
	Date        string `json:"date"`
	Channel     string `json:"channel"`
	Outcome     string `json:"outcome"`
	Note        string `json:"note"`
	Teacher     string `json:"teacher"`
	TeacherName string `json:"teacher_name"`
	Source      string `json:"source"`
}

func newContactJSON(c *store.ContactRow, key string) contactJSON {
	return contactJSON{ID: c.ID, StudentKey: key, Date: c.Date, Channel: c.Channel,
		Outcome: report.ScrubIdentityNumbers(c.Outcome), Note: report.ScrubIdentityNumbers(c.Note),
		Teacher: c.TeacherID, TeacherName: c.TeacherName, Source: c.Source}
}

// addContact answers POST /api/v1/contacts: the caller's contact with the
// family of a student within their scope, on date (today when left out,
// never after today), recorded with source api, so that the next run's
// contacts(n) counts it. 201 with the contact; the same contact sent again
// (same student, date, teacher and channel, same outcome and note) is 200
// with the one recorded, and one that differs from it is 409: what was
// recorded is never overwritten through the API.
func (a *API) addContact(r *http.Request, p *Principal) (int, any, error) {
	ctx := r.Context()
	var body contactBody
	if err := decode(r, &body, false); err != nil {
		return 0, nil, err
	}
	if p.Admin {
		return 0, nil, &apiError{status: http.StatusForbidden, msg: i18n.M("api.contact.admin")}
	}
	now, today := a.now()
	c, key, err := contactOf(&body, today)
	if err != nil {
		return 0, nil, err
	}
	c.TeacherID = p.Teacher.ID
	status := http.StatusCreated
	var out store.ContactRow
	err = a.inTx(ctx, func(tx *store.Tx) error {
		s, ok, err := tx.ScopedStudent(ctx, p.scope(), key)
		if err != nil {
			return err
		}
		if !ok {
			return notFound("api.student.not_found", key)
		}
		c.SID = s.SID
		_, inserted, err := tx.InsertContact(ctx, c, store.ContactSourceAPI, now)
		if err != nil {
			return err
		}
		out, _, err = tx.ContactOf(ctx, c)
		if err != nil {
			return err
		}
		if !inserted {
			if out.Outcome != c.Outcome || out.Note != c.Note {
				return conflict("api.contact.duplicate", key, c.Date, c.Channel)
			}
			status = http.StatusOK
			return nil
		}
		return tx.AppendAudit(ctx, store.Audit{At: now, Actor: p.Actor(), Action: "change", Object: "student:" + key,
			Detail: "contact " + strconv.FormatInt(out.ID, 10) + " " + c.Date + " " + c.Channel})
	})
	if err != nil {
		return 0, nil, err
	}
	return status, struct {
		Contact contactJSON `json:"contact"`
	}{newContactJSON(&out, key)}, nil
}

// contactOf checks the body of a contact and returns it (without its
// student and teacher) and the student's key.
func contactOf(b *contactBody, today civil.Day) (store.Contact, string, error) {
	key := strings.TrimSpace(b.StudentKey)
	if key == "" {
		return store.Contact{}, "", badRequest("api.field.required", "student_key")
	}
	c := store.Contact{Channel: strings.TrimSpace(b.Channel)}
	switch {
	case c.Channel == "":
		return store.Contact{}, "", badRequest("api.field.required", "channel")
	case !slices.Contains(channels, c.Channel):
		return store.Contact{}, "", badRequest("api.field.channel", c.Channel, strings.Join(channels, ", "))
	}
	var err error
	if c.Outcome, err = text("outcome", b.Outcome, maxText); err != nil {
		return store.Contact{}, "", err
	}
	if c.Note, err = text("note", b.Note, maxText); err != nil {
		return store.Contact{}, "", err
	}
	day := today
	if s := strings.TrimSpace(b.Date); s != "" {
		d, err := civil.ParseDay(s)
		if y, _, _ := d.Date(); err != nil || y < 1900 {
			return store.Contact{}, "", badRequest("api.field.date", s)
		}
		if d > today {
			return store.Contact{}, "", badRequest("api.field.future_date", s, today.String())
		}
		day = d
	}
	c.Date = day.String()
	return c, key, nil
}
