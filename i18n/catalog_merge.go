package i18n

// One task per student, kind and assignee (SPEC §7): the alerts that join
// a task as its reasons, in the run's summary and in the digests.
var _ = register([]entry{
	one("report.summary.merged", "%d 条预警并入了同一学生、同类、同一负责教师的任务，作为它的原因，未另建任务", 1,
		"%d alert joined a task of the same student, kind and teacher as a reason; no second task",
		"%d alerts joined a task of the same student, kind and teacher as reasons; no second task"),
	one("report.summary.merged_dry", "%d 条预警将并入同一学生、同类、同一负责教师的任务，作为它的原因，不另建任务", 1,
		"%d alert would join a task of the same student, kind and teacher as a reason; no second task",
		"%d alerts would join a task of the same student, kind and teacher as reasons; no second task"),
	one("digest.tasks.updated", "已有任务增加了原因 %d 项（截止日期取最早的）：", 1,
		"%d open task with a new reason (due at the earliest of its reasons):",
		"%d open tasks with new reasons (due at the earliest of their reasons):"),
	{Key: "digest.task.reasons", Zh: "（原因：%s）", En: " (reasons: %s)"},
	{Key: "digest.task.reason_sep", Zh: "；", En: "; "},
	one("digest.group.tasks_updated", "任务增加原因 %d 项", 1, "%d task with a new reason", "%d tasks with new reasons"),
})
