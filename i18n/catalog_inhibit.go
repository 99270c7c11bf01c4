package i18n

// Inhibition (SPEC §5 `inhibits`, §7): the checks of a rule's `inhibits`,
// and how summaries, listings and rule tests speak of inhibited alerts.
// Rule ids, keys and campaign names stay as written.
var _ = register([]entry{
	// Checking `inhibits` (package rules).
	{Key: "rules.inhibits.bad_id", Zh: "inhibits：%q 不是规则 id：规则 id 只由小写字母 a-z、数字和连字符组成（例如 repeated-absence）",
		En: "inhibits: %q is not a rule id: a rule id uses lowercase letters a-z, digits and dashes (e.g. repeated-absence)"},
	{Key: "rules.inhibits.unknown", Zh: "inhibits：没有 id 为 %q 的规则%s", En: "inhibits: no rule has the id %q%s"},
	{Key: "rules.inhibits.self", Zh: "inhibits：规则不能抑制自己", En: "inhibits: a rule cannot inhibit itself"},
	{Key: "rules.inhibits.not_id", Zh: "inhibits：应写规则 id，例如 [repeated-absence, grade9-absence]，而不是%s",
		En: "inhibits: want rule ids such as [repeated-absence, grade9-absence], not %s"},
	{Key: "rules.inhibits.cycle", Zh: "inhibits：规则互相抑制，形成环（%s）：它们同时触发时会互相压下，谁也不通知；请删去其中一处",
		En: "inhibits: the rules inhibit each other in a cycle (%s): firing together, they would silence each other and nobody would be told; remove one of these entries"},
	{Key: "rules.inhibits.campaigns", Zh: "inhibits：%[1]q 在本规则不评估的运行中也评估（本规则：%[2]s；%[1]q：%[3]s）：它的预警会在本规则评估的运行中被抑制，在其他运行中又重新通知；请让本规则在 %[1]q 评估的每次运行中都评估，或从 inhibits 中删去 %[1]q",
		En: "inhibits: %[1]q is evaluated in runs that this rule is not (this rule: %[2]s; %[1]q: %[3]s): its alerts would be inhibited in this rule's runs and notified again in the others; make this rule run wherever %[1]q runs, or remove %[1]q from inhibits"},
	{Key: "rules.inhibits.every_run", Zh: "每次运行", En: "every run"},
	{Key: "rules.inhibits.only_campaigns", Zh: "只在 %s 活动月运行", En: "only the %s campaign runs"},

	// Summaries and listings (package report).
	{Key: "report.summary.inhibited",
		Zh: "另有被抑制的预警 %d 条（同一学生有更具体的规则在提醒，这些预警只保留记录，不通知，不建任务）：%s",
		En: "%d more alerts inhibited (a more specific rule speaks for the same student: kept, not notified, no task): %s"},
	{Key: "report.summary.inhibited_rule", Zh: "%s %d 条", En: "%s %d"},
	{Key: "report.overview.head_inhibited",
		Zh: "默认规则在 %s 的评估：评估学生 %d 名，有风险 %d 名（预警 %d 条，另有 %d 条被更具体的规则抑制），创建任务 %d 项，为 %d 名学生安排结对帮扶教师。",
		En: "Evaluation of the default rules at %s: %d students evaluated, %d at risk (%d alerts, and %d inhibited by a more specific rule), %d tasks created, pairing teachers assigned to %d students."},
	{Key: "lists.col.inhibited", Zh: "抑制", En: "Inhibited"},
	{Key: "lists.alert.inhibited", Zh: "被抑制", En: "inhibited"},

	// Rule tests (package ruletest): an expected or found firing that is
	// inhibited, and its message under -v.
	{Key: "ruletest.inhibited", Zh: "%s（被 %s 抑制）", En: "%s (inhibited by %s)"},
	{Key: "ruletest.message_inhibited", Zh: "    %s：（被抑制时不发送）", En: "    %s: (not sent while inhibited)"},
})
