package i18n

// One entry per student where a person reads (SPEC §3, §8): `baoxue
// alerts` and `tasks` list one line per student, with the highest
// severity, the rules most severe first and the tasks, and count students
// and alerts (or tasks); the teacher API lists the caller's students.
var _ = register([]entry{
	{Key: "bystudent.flag.per_alert", Zh: "每条预警一行（而不是每名学生一行），表格和 JSON 都是",
		En: "one line per alert instead of one per student, in the table and in JSON"},
	{Key: "bystudent.flag.per_task", Zh: "每项任务一行（而不是每名学生一行），表格和 JSON 都是",
		En: "one line per task instead of one per student, in the table and in JSON"},

	// Column headers.
	{Key: "bystudent.col.severity", Zh: "最高级别", En: "Highest"},
	{Key: "bystudent.col.open_tasks", Zh: "未完成的任务", En: "Open tasks"},

	// Cells. A rule whose alert is not simply open says how it stands; a
	// task says what, who and by when.
	{Key: "bystudent.rule.marked", Zh: "%s（%s）", En: "%s (%s)"},
	{Key: "bystudent.task.open", Zh: "%[1]s：%[2]s，%[3]s 截止", En: "%[1]s: %[2]s, due %[3]s"},
	{Key: "bystudent.task.listed", Zh: "%[1]s（%[2]s）：%[3]s，%[4]s 截止", En: "%[1]s (%[2]s): %[3]s, due %[4]s"},
	{Key: "bystudent.task.escalated", Zh: "%s，已升级至%s", En: "%s, escalated to %s"},

	// After the table: students, then what they hold.
	one("bystudent.count.students", "共 %d 名学生", 1, "%d student", "%d students"),
	one("bystudent.count.alerts", "预警 %d 条", 1, "%d alert", "%d alerts"),
	one("bystudent.count.tasks", "任务 %d 项", 1, "%d task", "%d tasks"),
	{Key: "bystudent.total", Zh: "%s，%s", En: "%s, %s"},

	// The teacher API's list of students.
	{Key: "api.query.student_after", Zh: "after %q 不是这个列表给出的 next_after", En: "after %q is not a next_after this list gave"},
})
