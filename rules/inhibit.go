package rules

import (
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"baoxue/i18n"
)

// placedRule is a parsed rule with the file it is in, for the checks that
// need every rule of the set.
type placedRule struct {
	src *source
	pr  parsedRule
}

// checkInhibits checks every rule's `inhibits` against the whole set
// (SPEC §5) and, when it holds, records on each rule the rules that
// inhibit it. An entry must name a rule of the set (not the rule itself)
// that runs in no run its inhibitor does not run in, and the rules must
// not inhibit each other in a cycle: each problem is placed at the entry
// it is about. byID holds the first rule of each id. When complete is
// false, a file or a rule could not be read, so an id the set lacks may
// be in it: unknown ids are then not reported, lest a broken file read as
// a dozen misspellings.
func checkInhibits(c *collector, all []placedRule, byID map[string]*Rule, complete bool) {
	ids := make([]string, 0, len(byID))
	for id := range byID {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	ok := true
	for _, pl := range all {
		r := pl.pr.rule
		for i, target := range r.Inhibits {
			node := pl.pr.inhibits[i]
			t := byID[target]
			switch {
			case target == r.ID:
				c.atNode(pl.src, node, r.ID, i18n.M("rules.inhibits.self"))
				ok = false
			case t == nil:
				if complete {
					others := slices.DeleteFunc(slices.Clone(ids), func(id string) bool { return id == r.ID })
					c.atNode(pl.src, node, r.ID, i18n.M("rules.inhibits.unknown", target, suggest(target, others)))
				}
				ok = false
			case !runsWherever(r, t):
				c.atNode(pl.src, node, r.ID, i18n.M("rules.inhibits.campaigns", target, runsWhere(r), runsWhere(t)))
				ok = false
			}
		}
	}
	for _, cyc := range inhibitCycles(all, byID) {
		c.atNode(cyc.src, cyc.node, cyc.rule, i18n.M("rules.inhibits.cycle", i18n.Raw(strings.Join(cyc.path, " → "))))
		ok = false
	}
	if !ok {
		return
	}
	for _, pl := range all {
		r := pl.pr.rule
		if byID[r.ID] != r {
			continue // a duplicate id, reported
		}
		for _, target := range r.Inhibits {
			t := byID[target]
			t.inhibitedBy = append(t.inhibitedBy, r.ID)
		}
	}
	for _, r := range byID {
		slices.Sort(r.inhibitedBy)
	}
}

// runsWherever reports whether rule r runs in every run that rule t runs
// in, so that whenever t is evaluated, whether r fires is known too: an
// inhibitor that ran only in campaign runs would silence t there and let
// it be notified again the next day.
func runsWherever(r, t *Rule) bool {
	if len(r.Campaigns) == 0 {
		return true
	}
	if len(t.Campaigns) == 0 {
		return false
	}
	for _, c := range t.Campaigns {
		if !slices.Contains(r.Campaigns, c) {
			return false
		}
	}
	return true
}

// runsWhere says in which runs a rule runs: every run, or only the
// campaign runs it names.
func runsWhere(r *Rule) i18n.Message {
	if len(r.Campaigns) == 0 {
		return i18n.M("rules.inhibits.every_run")
	}
	return i18n.M("rules.inhibits.only_campaigns", names(r.Campaigns))
}

// cycle is one cycle of `inhibits`, reported at the entry of its first
// rule (in load order) that names the next rule of the cycle.
type cycle struct {
	src  *source
	node *yaml.Node
	rule string
	path []string // the ids around the cycle, the first one again at the end
}

// inhibitCycles finds the cycles of `inhibits` among rules that inhibit
// rules other than themselves (a rule naming itself is reported as such):
// one for each group of rules that reach each other (a strongly connected
// component), the shortest cycle through its first rule in load order.
func inhibitCycles(all []placedRule, byID map[string]*Rule) []cycle {
	order := map[string]int{}
	place := map[string]placedRule{}
	for i, pl := range all {
		r := pl.pr.rule
		if byID[r.ID] == r {
			order[r.ID] = i
			place[r.ID] = pl
		}
	}
	next := func(id string) []string {
		var out []string
		for _, t := range byID[id].Inhibits {
			if t != id && byID[t] != nil {
				out = append(out, t)
			}
		}
		return out
	}
	var out []cycle
	for _, comp := range components(all, byID, next) {
		if len(comp) < 2 {
			continue
		}
		in := map[string]bool{}
		for _, id := range comp {
			in[id] = true
		}
		start := slices.MinFunc(comp, func(a, b string) int { return order[a] - order[b] })
		path := shortestCycle(start, next, in)
		pl := place[start]
		r := pl.pr.rule
		i := slices.Index(r.Inhibits, path[1])
		out = append(out, cycle{src: pl.src, node: pl.pr.inhibits[i], rule: start, path: path})
	}
	return out
}

// components returns the strongly connected components of the graph of
// `inhibits` (Tarjan's algorithm), visiting rules in load order.
func components(all []placedRule, byID map[string]*Rule, next func(string) []string) [][]string {
	index, low := map[string]int{}, map[string]int{}
	onStack := map[string]bool{}
	var stack []string
	var out [][]string
	var visit func(id string)
	visit = func(id string) {
		index[id], low[id] = len(index), len(index)
		stack = append(stack, id)
		onStack[id] = true
		for _, t := range next(id) {
			if _, seen := index[t]; !seen {
				visit(t)
				low[id] = min(low[id], low[t])
			} else if onStack[t] {
				low[id] = min(low[id], index[t])
			}
		}
		if low[id] != index[id] {
			return
		}
		var comp []string
		for {
			top := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			onStack[top] = false
			comp = append(comp, top)
			if top == id {
				break
			}
		}
		out = append(out, comp)
	}
	for _, pl := range all {
		id := pl.pr.rule.ID
		if byID[id] != pl.pr.rule {
			continue
		}
		if _, seen := index[id]; !seen {
			visit(id)
		}
	}
	return out
}

// shortestCycle returns the shortest path from start back to start within
// the rules in, as ids (start first and last), found breadth first in
// the order each rule lists its entries.
func shortestCycle(start string, next func(string) []string, in map[string]bool) []string {
	prev := map[string]string{}
	queue := []string{start}
	for len(queue) > 0 {
		id := queue[0]
		queue = queue[1:]
		for _, t := range next(id) {
			if !in[t] {
				continue
			}
			if t == start {
				path := []string{start}
				for at := id; at != start; at = prev[at] {
					path = append(path, at)
				}
				slices.Reverse(path[1:])
				return append(path, start)
			}
			if _, seen := prev[t]; !seen {
				prev[t] = id
				queue = append(queue, t)
			}
		}
	}
	return []string{start, start} // cannot happen: start is on a cycle within in
}
