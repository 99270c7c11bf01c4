package i18n

// One entry per student (SPEC §8): a teacher's digest lists each student
// once, with the highest severity, the firing rules most severe first and
// the student's tasks; its counts say students and tasks.
var _ = register([]entry{
	one("digest.students.new", "有新预警的学生 %d 名：", 1, "%d student with a new alert:", "%d students with new alerts:"),
	one("digest.students.reminder", "预警仍在持续的学生 %d 名（提醒）：", 1,
		"%d student whose alerts still fire (reminder):", "%d students whose alerts still fire (reminder):"),
	{Key: "digest.student", Zh: "【%s】%s：%s", En: "[%s] %s: %s"},
	{Key: "digest.student.task", Zh: "任务：%s，%s 前完成", En: "task: %s, due %s"},
	{Key: "digest.student.task_updated", Zh: "已有任务增加了原因：%s，%s 前完成",
		En: "open task with a new reason: %s, due %s"},
	one("digest.group.students", "新预警学生 %d 名", 1, "%d student with a new alert", "%d students with new alerts"),
	one("digest.group.students_reminded", "持续预警学生 %d 名", 1, "%d student whose alerts still fire",
		"%d students whose alerts still fire"),
})
