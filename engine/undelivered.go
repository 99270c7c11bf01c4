package engine

import "baoxue/store"

// DigestUndelivered is a notification to a teacher of the center that
// ended failed or undeliverable (SPEC §8): who it was for, where they
// teach, on which channel and why; never what it said. A writing run lists
// each such notification once, in its summary and in the digests of the
// center admins, and records that it did (store.ReportOutbox).
type DigestUndelivered struct {
	// ID is the notification's number in the outbox (outbox retry ID).
	ID          int64  `json:"id"`
	Status      string `json:"status"` // failed or undeliverable
	Teacher     string `json:"teacher"`
	TeacherName string `json:"teacher_name"`
	School      string `json:"school"`
	SchoolName  string `json:"school_name"`
	Center      string `json:"center"`
	Channel     string `json:"channel"`
	Reason      string `json:"reason"`
}

// MaxUndeliveredListed bounds the undelivered notifications one digest
// lists; it counts the rest (Digest.UndeliveredMore). A channel missing
// every teacher's address would otherwise put a district's teachers in
// every center admin's digest.
const MaxUndeliveredListed = 50

// undelivered is a notification to report and the center admins who hear
// of it.
type undelivered struct {
	DigestUndelivered
	admins []string
}

// undeliveredFor pairs the notifications no run has reported yet with the
// admins of their recipient's center (none for a recipient outside the
// directory, or a center without admins: the summary still counts them).
// An admin never hears of their own undelivered notification: the digest
// saying so could not reach them either, and would itself be reported to
// them at the next run, and so on every run.
func undeliveredFor(rows []store.Undelivered, dir *directory) []undelivered {
	out := make([]undelivered, len(rows))
	for i, r := range rows {
		out[i] = undelivered{DigestUndelivered: DigestUndelivered{ID: r.ID, Status: r.Status, Teacher: r.Recipient,
			TeacherName: r.Name, School: r.School, SchoolName: r.SchoolName, Center: r.Center, Channel: r.Channel,
			Reason: r.Reason}}
		if r.Center == "" {
			continue
		}
		for _, a := range dir.centers[r.Center] {
			if a != r.Recipient {
				out[i].admins = append(out[i].admins, a)
			}
		}
	}
	return out
}
