package i18n

// The evaluation (package engine): the details of its refusals and its
// warnings. The refusals themselves are in catalog_errors.go.
var _ = register([]entry{
	{Key: "engine.refuse.earlier",
		Zh: "%s：本次评估日期为 %s，最近一次运行为 %s（确需运行请加 --force）",
		En: "%s: %s is before %s (use --force to run anyway)"},
	{Key: "engine.refuse.not_reported",
		Zh: "%s：没有任何学校上报 %s 的考勤（%s），每所学校都只能按更早的日期评估。" +
			"请先导入这一天的考勤（`baoxue import attendance FILE`，覆盖全区每所学校的文件加 --reported；" +
			"或 `baoxue import reports FILE`），或加 --force 运行",
		En: "%s: no school has reported its attendance for %s (%s): every school would be evaluated as of an earlier day. " +
			"Import the day first (`baoxue import attendance FILE`, with --reported for a district-wide file that covers every school, " +
			"or `baoxue import reports FILE`), or run with --force"},
	{Key: "engine.refuse.latest_reported", Zh: "各校上报的最近一天是 %s", En: "the latest day any school reported is %s"},
	{Key: "engine.refuse.none_reported", Zh: "还没有任何学校上报过考勤", En: "no school has reported any day yet"},
	{Key: "engine.refuse.no_students",
		Zh: "%s：请先导入学生名册（baoxue import students FILE），或检查 --db",
		En: "%s: import a roster first (baoxue import students FILE), or check --db"},
	one("engine.refuse.retire",
		"%s：%s：本次运行会注销这些规则的 %d 条未结预警，并以 rule_retired 关闭其未完成的任务。确属本意请加 --retire 运行，否则请恢复这些规则",
		3,
		"%s: %s: this run would retire their %d open alert and close its open task as rule_retired. Run with --retire if that is intended, or restore the rules",
		"%s: %s: this run would retire their %d open alerts and close their open tasks as rule_retired. Run with --retire if that is intended, or restore the rules"),
	one("engine.retire.removed", "%s（已不在规则文件中；%d 条未结预警）", 2,
		"%s (no longer in the rule files; %d open alert)", "%s (no longer in the rule files; %d open alerts)"),
	one("engine.retire.disabled", "%s（已停用；%d 条未结预警）", 2,
		"%s (disabled; %d open alert)", "%s (disabled; %d open alerts)"),
	{Key: "engine.warn.would_refuse", Zh: "写入运行会被拒绝：%s", En: "a writing run would be refused: %s"},
	{Key: "engine.warn.dry_not_reported",
		Zh: "没有任何学校上报 %s 的考勤：写入运行会被拒绝（请先导入这一天，或加 --force）；每所学校均按其最近上报的一天评估",
		En: "no school has reported its attendance for %s: a writing run would be refused " +
			"(import the day first, or --force); every school is evaluated as of the last day it reported"},
	{Key: "engine.warn.forced_not_reported",
		Zh: "已强制运行：没有任何学校上报 %s 的考勤；每所学校均按其最近上报的一天评估",
		En: "forced: no school has reported its attendance for %s; every school is evaluated as of the last day it reported"},
	{Key: "engine.warn.no_calendar",
		Zh: "%s 至 %s 没有校历：每个工作日都按上学日计算（导入校历：baoxue import calendar FILE）",
		En: "no calendar row covers %s to %s: every weekday is taken as a school day (baoxue import calendar FILE)"},
	{Key: "engine.student.birth_date",
		Zh: "学生 %s：出生日期 %q 不是 YYYY-MM-DD 格式",
		En: "student %s: birth date %q is not YYYY-MM-DD"},
	{Key: "engine.student.facts",
		Zh: "学生 %s：预存的缺勤、家校联系和送教记录摘要（student_facts）无法读取；运行 baoxue migrate --rebuild-facts 从记录重建",
		En: "student %s: the stored summary of absences, contacts and home teaching (student_facts) cannot be read; run baoxue migrate --rebuild-facts to rebuild it from the records"},
	{Key: "engine.facts.row",
		Zh: "内部编号为 %s 的学生：预存的名册和记录摘要（student_facts）无法读取；运行 baoxue migrate --rebuild-facts 从名册和记录重建",
		En: "the student of internal number %s: the stored summary of roster and records (student_facts) cannot be read; run baoxue migrate --rebuild-facts to rebuild it from the roster and the records"},
	{Key: "engine.report_date", Zh: "学校 %s 的考勤上报：%s", En: "attendance report of school %s: %s"},
	{Key: "engine.calendar.date", Zh: "从 %s 开始的校历行：%s", En: "calendar row from %s: %s"},
	{Key: "engine.calendar.order", Zh: "从 %s 开始的校历行：结束日期（%s）早于开始日期", En: "calendar row from %s: ends (%s) before it starts"},
	{Key: "engine.commit", Zh: "提交本次运行：%s", En: "commit run: %s"},
})
