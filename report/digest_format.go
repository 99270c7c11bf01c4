package report

import (
	"encoding/json"
	"html"
	"regexp"
	"strings"
	"unicode/utf8"

	"baoxue/engine"
	"baoxue/i18n"
	"baoxue/idnum"
)

// section is a heading ("" for none) and its items. An item is one line,
// or (a student's entry) a first line and lines under it joined with
// "\n": the formats indent them under the item, and a cut keeps or drops
// the item whole.
type section struct {
	head  string
	items []string
}

// digestDoc is a digest laid out in lines, before it takes a form.
type digestDoc struct {
	p     *i18n.Printer
	title string
	secs  []section
	link  string
}

// formatter renders the first keep items of d in one form, and, when cut
// items were left out, a last line saying how many and where to read them.
type formatter func(d *digestDoc, keep, cut int) string

// fit renders d with every item, or, when that is longer than max bytes,
// with as many of the first items as fit and the line about the rest. It
// returns the rendering and how many items it left out. Items are whole
// lines, so a cut never falls inside one, nor inside a character; only a
// max too small for the title and that last line cuts inside a line, at a
// character boundary.
func (d *digestDoc) fit(f formatter, max int) (string, int) {
	total := 0
	for _, s := range d.secs {
		total += len(s.items)
	}
	out := f(d, total, 0)
	if max <= 0 || len(out) <= max {
		return out, 0
	}
	// The length grows with keep (an item adds more bytes than a shorter
	// count saves), so the largest keep that fits is found by bisection.
	best, lo, hi := -1, 0, total-1
	for lo <= hi {
		mid := (lo + hi) / 2
		if len(f(d, mid, total-mid)) <= max {
			best, lo = mid, mid+1
		} else {
			hi = mid - 1
		}
	}
	if best < 0 {
		return truncateUTF8(f(d, 0, total), max), total
	}
	return f(d, best, total-best), total - best
}

// kept returns the sections with only the first keep items in all,
// dropping the sections left with none.
func (d *digestDoc) kept(keep int) []section {
	var out []section
	for _, s := range d.secs {
		if keep <= 0 {
			break
		}
		n := min(keep, len(s.items))
		out = append(out, section{head: s.head, items: s.items[:n]})
		keep -= n
	}
	return out
}

func formatText(d *digestDoc, keep, cut int) string {
	lines := []string{d.title}
	for _, s := range d.kept(keep) {
		bullet := ""
		if s.head != "" {
			lines = append(lines, s.head)
			bullet = "· "
		}
		for _, it := range s.items {
			first, subs := itemLines(it)
			lines = append(lines, bullet+first)
			for _, sub := range subs {
				lines = append(lines, "  "+sub)
			}
		}
	}
	switch {
	case cut > 0:
		lines = append(lines, d.p.Sprintf("digest.more", cut, d.link))
	case d.link != "":
		lines = append(lines, d.p.Sprintf("digest.link", d.link))
	}
	return strings.Join(lines, "\n")
}

func formatMarkdown(d *digestDoc, keep, cut int) string {
	lines := []string{"### " + d.title}
	for _, s := range d.kept(keep) {
		bullet := ""
		if s.head != "" {
			lines = append(lines, "**"+s.head+"**")
			bullet = "- "
		}
		for _, it := range s.items {
			first, subs := itemLines(it)
			lines = append(lines, bullet+first)
			for _, sub := range subs {
				lines = append(lines, "  - "+sub)
			}
		}
	}
	link := ""
	if d.link != "" {
		link = "[" + d.p.Sprintf("digest.link.label") + "](" + d.link + ")"
	}
	switch {
	case cut > 0:
		lines = append(lines, d.p.Sprintf("digest.more", cut, link))
	case link != "":
		lines = append(lines, link)
	}
	return strings.Join(lines, "\n")
}

func formatHTML(d *digestDoc, keep, cut int) string {
	esc := html.EscapeString
	lines := []string{"<h3>" + esc(d.title) + "</h3>"}
	for _, s := range d.kept(keep) {
		if s.head != "" {
			lines = append(lines, "<p><strong>"+esc(s.head)+"</strong></p>")
		}
		lines = append(lines, "<ul>")
		for _, it := range s.items {
			first, subs := itemLines(it)
			li := esc(first)
			for _, sub := range subs {
				li += "<br>" + esc(sub)
			}
			lines = append(lines, "<li>"+li+"</li>")
		}
		lines = append(lines, "</ul>")
	}
	link := ""
	if d.link != "" {
		link = `<a href="` + esc(d.link) + `">` + esc(d.p.Sprintf("digest.link.label")) + "</a>"
	}
	switch {
	case cut > 0:
		// The sentence is escaped, then the link put in its place.
		const mark = "\x00link\x00"
		lines = append(lines, "<p>"+strings.Replace(esc(d.p.Sprintf("digest.more", cut, mark)), mark, link, 1)+"</p>")
	case link != "":
		lines = append(lines, "<p>"+link+"</p>")
	}
	return strings.Join(lines, "\n")
}

// itemLines splits an item into its first line and the lines under it.
func itemLines(item string) (string, []string) {
	lines := strings.Split(item, "\n")
	return lines[0], lines[1:]
}

// truncateUTF8 returns the longest prefix of s of at most n bytes that
// ends at a character boundary.
func truncateUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// idLike finds runs of digits, with a check character X and a leading
// letter as a 学籍号 has, that may be identity numbers.
var idLike = regexp.MustCompile(`[GJLgjl]?[0-9]{14,}[0-9Xx]`)

// ScrubIdentityNumbers masks (idnum.Mask) everything in s shaped like an
// identity number: 18 characters (17 digits and a digit or X), or an old
// 15-digit number, with or without the G, J or L of a 学籍号. Rule messages
// mask student.id already; this keeps a number typed into a message, or
// one that a future field lets through, out of every notification.
func ScrubIdentityNumbers(s string) string {
	return idLike.ReplaceAllStringFunc(s, func(m string) string {
		body := m
		if c := m[0]; c < '0' || c > '9' {
			body = m[1:]
		}
		if len(body) == 18 || len(body) == 15 && !strings.ContainsAny(body, "Xx") {
			return idnum.Mask(m)
		}
		return m
	})
}

// groupPayload is what a group channel's payload holds: counts.
type groupPayload struct {
	Run         int64  `json:"run"`
	At          string `json:"at"`
	Teacher     string `json:"teacher"`
	TeacherName string `json:"teacher_name,omitempty"`
	NewAlerts   int    `json:"new_alerts"`
	Reminders   int    `json:"reminders"`
	// NewStudents and RemindedStudents count students: with a new alert,
	// with reminders only.
	NewStudents       int    `json:"new_students"`
	RemindedStudents  int    `json:"reminded_students"`
	Tasks             int    `json:"tasks"`
	TasksUpdated      int    `json:"tasks_updated,omitempty"`
	Escalations       int    `json:"escalations"`
	Pairings          int    `json:"pairings"`
	UnreportedSchools int    `json:"unreported_schools"`
	Undelivered       int    `json:"undelivered,omitempty"`
	Link              string `json:"link,omitempty"`
}

// personalPayload is the digest with the recipient's name and the link.
type personalPayload struct {
	engine.Digest
	TeacherName string `json:"teacher_name,omitempty"`
	Link        string `json:"link,omitempty"`
}

// digestPayload is d as JSON, holding only what o.Mode may show.
func digestPayload(d *engine.Digest, to DigestTo, o DigestOptions) ([]byte, error) {
	if o.Mode == DigestGroup {
		g := groupPayload{Run: d.Run, At: d.At, Teacher: d.Teacher, TeacherName: to.Name,
			Escalations: len(d.Escalations), Pairings: len(d.Pairings), UnreportedSchools: len(d.Unreported),
			Undelivered: len(d.Undelivered) + d.UndeliveredMore, Link: o.Link}
		for _, a := range d.Alerts {
			if a.New {
				g.NewAlerts++
			} else {
				g.Reminders++
			}
		}
		g.NewStudents, g.RemindedStudents = studentCounts(d)
		g.Tasks, g.TasksUpdated = taskCounts(d)
		return json.Marshal(g)
	}
	c := personalPayload{Digest: *d, TeacherName: to.Name, Link: o.Link}
	masked := o.Mode == DigestMasked
	if masked {
		c.TeacherName = MaskName(to.Name)
	}
	c.Alerts = make([]engine.DigestAlert, len(d.Alerts))
	for i, a := range d.Alerts {
		a.Message = ScrubIdentityNumbers(a.Message)
		if masked {
			a.Name, a.Message = MaskName(a.Name), ""
			if a.Sensitive {
				a.Rule, a.RuleName = "", ""
			}
		}
		c.Alerts[i] = a
	}
	if masked {
		c.Tasks = make([]engine.DigestTask, len(d.Tasks))
		for i, t := range d.Tasks {
			t.Name, t.Rule = MaskName(t.Name), ""
			if t.Reasons != nil {
				rs := make([]engine.DigestReason, len(t.Reasons))
				for j, r := range t.Reasons {
					if r.Sensitive {
						r.Rule, r.RuleName = "", ""
					}
					rs[j] = r
				}
				t.Reasons = rs
			}
			c.Tasks[i] = t
		}
		c.Escalations = make([]engine.DigestEscal, len(d.Escalations))
		for i, e := range d.Escalations {
			e.Name, e.Rule = MaskName(e.Name), ""
			c.Escalations[i] = e
		}
		c.Pairings = make([]engine.DigestPaired, len(d.Pairings))
		for i, p := range d.Pairings {
			p.Name = MaskName(p.Name)
			c.Pairings[i] = p
		}
		c.Undelivered = make([]engine.DigestUndelivered, len(d.Undelivered))
		for i, u := range d.Undelivered {
			u.TeacherName = MaskName(u.TeacherName)
			c.Undelivered[i] = u
		}
	}
	return json.Marshal(c)
}
