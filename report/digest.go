package report

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"baoxue/engine"
	"baoxue/i18n"
	"baoxue/rules"
)

// DigestMode says what of a digest a channel may show (SPEC §8).
type DigestMode int

const (
	// DigestPersonal is for a channel that reaches one teacher (an app
	// message, a work notice, email, a webhook): students' names in full,
	// rule names, messages, tasks with their due dates. Identity numbers
	// never: the digest holds none, and any that a message carries is
	// masked.
	DigestPersonal DigestMode = iota
	// DigestGroup is for a group chat (a WeCom or DingTalk robot): no
	// student names, no rule names (a rule's name may reveal a special
	// group), no messages: per teacher, counts of what is new, an
	// @mention and a link to the teacher's page.
	DigestGroup
	// DigestMasked is for the log channel: students' names masked (张*),
	// no messages (they name the student in full), and the names of
	// sensitive rules withheld.
	DigestMasked
)

// DigestTo is the teacher a digest is rendered for.
type DigestTo struct {
	Teacher string
	Name    string
	// Phone, when known, is @mentioned on a group channel.
	Phone string
}

// DigestOptions says how to render a digest for one channel.
type DigestOptions struct {
	Mode DigestMode
	// MaxBytes bounds each of Text, Markdown and HTML in bytes of UTF-8;
	// 0 is no bound. A longer digest is cut after a whole item, with a
	// last line saying how many items were left out and where to read
	// them (Link); never inside a character.
	MaxBytes int
	// Link is the teacher's page (TeacherLink); "" shows none.
	Link string
}

// RenderedDigest is a digest rendered for one channel.
type RenderedDigest struct {
	// Title is one line: a mail subject, a card's heading.
	Title string
	// Text, Markdown and HTML are the body in each form the channels send.
	Text, Markdown, HTML string
	// Mentions are the phone numbers a group message @mentions.
	Mentions []string
	// Payload is the digest as JSON, holding what the mode may show: for a
	// webhook's body.
	Payload []byte
	// Cut is how many items Text left out to stay within MaxBytes.
	Cut int
}

// TeacherLink returns the link to a teacher's page: publicURL (the
// configuration's http.public_url) followed by /t/ and the teacher's id.
// Without a public URL the link is the relative path /t/ID, which the
// teacher can open only from a page of the server: set http.public_url for
// links that work from a phone.
func TeacherLink(publicURL, teacher string) string {
	return strings.TrimSuffix(publicURL, "/") + "/t/" + url.PathEscape(teacher)
}

// WorstSeverity returns the most severe severity among the digest's alerts,
// "" when it has none: the severity a route matches.
func WorstSeverity(d *engine.Digest) string {
	worst := ""
	for _, a := range d.Alerts {
		if rules.SeverityRank(a.Severity) > rules.SeverityRank(worst) {
			worst = a.Severity
		}
	}
	return worst
}

// RenderDigest renders d for to, as o says, in p's language. The sentences
// come from the message catalog; rule names and messages come from the rule
// files as they are.
func RenderDigest(p *i18n.Printer, d *engine.Digest, to DigestTo, o DigestOptions) (*RenderedDigest, error) {
	name := to.Name
	if name == "" {
		name = to.Teacher
	}
	doc := digestDoc{p: p, link: o.Link}
	if o.Mode == DigestMasked {
		name = MaskName(name)
	}
	doc.title = p.Sprintf("digest.title", name, d.At)
	var mentions []string
	if o.Mode == DigestGroup {
		doc.secs = []section{{items: []string{groupLine(p, d, name)}}}
		if to.Phone != "" {
			mentions = []string{to.Phone}
		}
	} else {
		doc.secs = personalSections(p, d, o.Mode == DigestMasked)
	}
	payload, err := digestPayload(d, to, o)
	if err != nil {
		return nil, fmt.Errorf("digest for %s: %w", to.Teacher, err)
	}
	r := &RenderedDigest{Title: doc.title, Mentions: mentions, Payload: payload}
	r.Text, r.Cut = doc.fit(formatText, o.MaxBytes)
	r.Markdown, _ = doc.fit(formatMarkdown, o.MaxBytes)
	r.HTML, _ = doc.fit(formatHTML, o.MaxBytes)
	return r, nil
}

// groupLine is the one line a group chat gets about a teacher: an
// @mention and counts, nothing about any student.
func groupLine(p *i18n.Printer, d *engine.Digest, name string) string {
	news, reminders := studentCounts(d)
	tasks, updated := taskCounts(d)
	var counts []string
	for _, c := range []struct {
		key string
		n   int
	}{
		{"digest.group.students", news}, {"digest.group.students_reminded", reminders}, {"digest.group.tasks", tasks},
		{"digest.group.tasks_updated", updated},
		{"digest.group.escalations", len(d.Escalations)}, {"digest.group.pairings", len(d.Pairings)},
		{"digest.group.unreported", len(d.Unreported)}, {"digest.group.undelivered", len(d.Undelivered) + d.UndeliveredMore},
	} {
		if c.n > 0 {
			counts = append(counts, p.Sprintf(c.key, c.n))
		}
	}
	return p.Sprintf("digest.group.line", p.Sprintf("digest.mention", name), strings.Join(counts, p.Sprintf("digest.sep")))
}

// personalSections lists what the teacher must know, section by section:
// the students with new alerts, those with reminders (one entry per
// student, their tasks under them), the other new tasks, escalations,
// pairings, unreported schools. masked masks names, leaves out messages and withholds the names
// of sensitive rules and the rules of tasks (whose sensitivity a digest
// does not carry).
func personalSections(p *i18n.Printer, d *engine.Digest, masked bool) []section {
	who := func(name, class string) string {
		if masked {
			name = MaskName(name)
		}
		if class = strings.TrimSpace(class); class != "" {
			return p.Sprintf("digest.who", name, class)
		}
		return name
	}
	ruleNames := map[string]string{}
	for _, a := range d.Alerts {
		if !a.Sensitive || !masked {
			ruleNames[a.Rule] = a.RuleName
		}
	}
	students, rest := digestStudents(d)
	var news, reminders []string
	for _, st := range students {
		item := studentItem(p, st, masked, who)
		if st.anyNew {
			news = append(news, item)
		} else {
			reminders = append(reminders, item)
		}
	}
	var tasks, updated, escal, pairs, unrep []string
	for _, t := range rest {
		item := p.Sprintf("digest.task", taskLabel(p, t.Kind), who(t.Name, ""), t.Due) + taskReasons(p, t, masked)
		if t.Updated {
			updated = append(updated, item)
		} else {
			tasks = append(tasks, item)
		}
	}
	for _, e := range d.Escalations {
		rule := ruleNames[e.Rule]
		if rule == "" && !masked {
			rule = e.Rule
		}
		if rule == "" {
			rule = p.Sprintf("digest.escalation.task")
		}
		escal = append(escal, p.Sprintf("digest.escalation", rule, who(e.Name, ""), e.Due))
	}
	for _, pr := range d.Pairings {
		pairs = append(pairs, p.Sprintf("digest.pairing", who(pr.Name, ""), pairingReason(p, pr.Reason)))
	}
	for _, u := range d.Unreported {
		if u.Evaluated && u.ReportedThrough != "" {
			unrep = append(unrep, p.Sprintf("digest.unreported.behind", u.Students, u.Name, u.School, u.ReportedThrough))
		} else {
			unrep = append(unrep, p.Sprintf("digest.unreported.never", u.Students, u.Name, u.School))
		}
	}
	undeliv := undeliveredItems(p, d, masked)
	var secs []section
	for _, s := range []struct {
		key   string
		items []string
		n     int
	}{
		{"digest.students.new", news, len(news)}, {"digest.students.reminder", reminders, len(reminders)},
		{"digest.tasks", tasks, len(tasks)}, {"digest.tasks.updated", updated, len(updated)},
		{"digest.escalations", escal, len(escal)},
		{"digest.pairings", pairs, len(pairs)}, {"digest.unreported", unrep, len(unrep)},
		{"digest.undelivered", undeliv, len(d.Undelivered) + d.UndeliveredMore},
	} {
		if len(s.items) > 0 {
			secs = append(secs, section{head: p.Sprintf(s.key, s.n), items: s.items})
		}
	}
	return secs
}

// taskCounts counts a digest's new tasks and its open tasks given new
// reasons.
func taskCounts(d *engine.Digest) (created, updated int) {
	for _, t := range d.Tasks {
		if t.Updated {
			updated++
		} else {
			created++
		}
	}
	return created, updated
}

// taskReasons names the reasons of a task that several alerts ask for (a
// task of one reason is its alert, listed above it): their rule names, a
// sensitive rule's withheld when masked.
func taskReasons(p *i18n.Printer, t engine.DigestTask, masked bool) string {
	if len(t.Reasons) < 2 {
		return ""
	}
	names := make([]string, len(t.Reasons))
	for i, r := range t.Reasons {
		switch {
		case masked && r.Sensitive:
			names[i] = p.Sprintf("digest.sensitive")
		case r.RuleName != "":
			names[i] = r.RuleName
		default:
			names[i] = r.Rule
		}
	}
	return p.Sprintf("digest.task.reasons", strings.Join(names, p.Sprintf("digest.task.reason_sep")))
}

// undeliveredItems lists, for a center admin, the notifications to the
// center's teachers that could not be delivered: the teacher, the school,
// the channel and why, and a last item counting those not listed. masked
// masks the teachers' names (the log channel).
func undeliveredItems(p *i18n.Printer, d *engine.Digest, masked bool) []string {
	var items []string
	for _, u := range d.Undelivered {
		name := u.TeacherName
		if masked {
			name = MaskName(name)
		}
		where := TeacherLabel(p, u.Teacher, name)
		if u.School != "" {
			where = p.Sprintf("digest.undelivered.where", where, SchoolLabel(p, u.School, u.SchoolName))
		}
		status := p.Sprintf("digest.undelivered.status." + u.Status)
		if !i18n.Has(p.Lang(), "digest.undelivered.status."+u.Status) {
			status = u.Status
		}
		why := OutboxReason(p, u.Reason)
		if masked && why == u.Reason && why != "" {
			// A receiver's own words may echo what it was sent, names
			// included: the masked log shows our reasons only.
			why = p.Sprintf("digest.undelivered.reason_hidden")
		}
		id := strconv.FormatInt(u.ID, 10)
		if u.Channel != "" {
			items = append(items, p.Sprintf("digest.undelivered.item", id, where, status, u.Channel, why))
		} else {
			items = append(items, p.Sprintf("digest.undelivered.item_nochannel", id, where, status, why))
		}
	}
	if d.UndeliveredMore > 0 && len(items) > 0 {
		items = append(items, p.Sprintf("digest.undelivered.more", d.UndeliveredMore))
	}
	return items
}

// outboxReasons are the reasons the notifier and its channels record for
// a notification they cannot address (Channel.Address), by the catalog
// key that says them to a person. The outbox keeps them in English (they
// are what `outbox list --json` shows); a failure's reason is the
// platform's answer and is shown as it is.
var outboxReasons = map[string]string{
	"no wecom_userid":             "outbox.reason.no_wecom_userid",
	"no dingtalk_userid":          "outbox.reason.no_dingtalk_userid",
	"no email":                    "outbox.reason.no_email",
	"email is not a mail address": "outbox.reason.bad_email",
}

// OutboxReason says in p's language why a notification was not delivered,
// reason being what the outbox recorded: the reasons of outboxReasons, a
// recipient missing from the teachers directory and an unconfigured
// channel are translated; any other reason (a platform's error) is shown
// as it is.
func OutboxReason(p *i18n.Printer, reason string) string {
	if key, ok := outboxReasons[reason]; ok {
		return p.Sprintf(key)
	}
	if id, ok := strings.CutPrefix(reason, "recipient "); ok {
		if id, ok := strings.CutSuffix(id, " is not in the teachers directory"); ok {
			return p.Sprintf("outbox.reason.not_in_directory", id)
		}
	}
	if name, ok := strings.CutPrefix(reason, "no channel named "); ok {
		if name, ok := strings.CutSuffix(name, " is configured"); ok {
			return p.Sprintf("outbox.reason.no_channel", strings.Trim(name, `"`))
		}
	}
	return reason
}

func severityLabel(p *i18n.Printer, s string) string {
	if rules.SeverityRank(s) == 0 {
		return s
	}
	return p.Sprintf("digest.severity." + s)
}

func taskLabel(p *i18n.Printer, kind string) string {
	if i18n.Has(p.Lang(), "digest.task."+kind) {
		return p.Sprintf("digest.task." + kind)
	}
	return kind
}

// pairingReasons maps the engine's reasons for a pairing to catalog keys.
var pairingReasons = map[string]string{
	"homeroom teacher, under the cap":                                 "digest.pairing.homeroom",
	"least-loaded teacher of the school":                              "digest.pairing.least_loaded",
	"every teacher of the school is at the cap; least-loaded teacher": "digest.pairing.at_cap",
}

func pairingReason(p *i18n.Printer, reason string) string {
	if key, ok := pairingReasons[reason]; ok {
		return p.Sprintf(key)
	}
	return reason
}

// oneLine joins the lines of a message with spaces, so that every item of
// a digest is one line and a cut falls between items.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
