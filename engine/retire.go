package engine

import (
	"context"
	"sort"

	"baoxue/i18n"
	"baoxue/rules"
	"baoxue/store"
)

// Retirements counts, by rule, the open alerts that a writing run with set
// would retire (SPEC §7): those for which Evaluate refuses with ErrRetire
// unless Options allow it, decided by the same test (retires). The daemon
// asks before it takes new rules, so that a reload cannot retire a
// district's cases unasked.
func Retirements(ctx context.Context, st *store.Store, set *rules.Set) (map[string]int, error) {
	counts, err := st.OpenAlertCounts(ctx)
	if err != nil {
		return nil, err
	}
	byID := make(map[string]*rules.Rule, len(set.Rules))
	for _, r := range set.Rules {
		byID[r.ID] = r
	}
	var by map[string]int
	for _, c := range counts {
		if retires(byID[c.Rule], c.StudentStatus) {
			if by == nil {
				by = map[string]int{}
			}
			by[c.Rule] += c.Alerts
		}
	}
	return by, nil
}

// retires reports whether a run retires an open alert of a student whose
// status is studentStatus when r is the alert's rule as the run loaded it
// (nil: no rule of that id is loaded): the rule is gone or disabled, and
// the student is still at school. (A student who left closes as such even
// when the rule went too: a dropout must not read as a retired rule.)
func retires(r *rules.Rule, studentStatus string) bool {
	return atSchool(studentStatus) && (r == nil || !r.Enabled)
}

// atSchool reports whether a student of this status is still evaluated:
// enrolled or suspended.
func atSchool(studentStatus string) bool {
	return studentStatus == "enrolled" || studentStatus == "suspended"
}

// unconsented returns the counts of byRule whose rules opt does not let a
// writing run retire: none with Retire, else those not in RetireRules.
func (o *Options) unconsented(byRule map[string]int) map[string]int {
	if o.Retire {
		return nil
	}
	var out map[string]int
	for id, n := range byRule {
		if !o.RetireRules[id] {
			if out == nil {
				out = map[string]int{}
			}
			out[id] = n
		}
	}
	return out
}

// RetireList names the rules of byRule, sorted, each with whether set
// removed or disabled it and its count of open alerts, as one list in the
// reader's language; total is the sum of the counts.
func RetireList(byRule map[string]int, set *rules.Set) (list i18n.Localized, total int) {
	ids := make([]string, 0, len(byRule))
	for id := range byRule {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	parts := make(messageList, len(ids))
	for i, id := range ids {
		how := "engine.retire.removed"
		if set.Rule(id) != nil {
			how = "engine.retire.disabled"
		}
		parts[i] = i18n.M(how, id, byRule[id])
		total += byRule[id]
	}
	return parts, total
}
