package i18n

// Words and phrases shared by every part of the program.
var _ = register([]entry{
	{Key: "lang.unknown", Zh: "不支持的语言 %q（可用 zh 或 en）", En: "unknown language %q (zh or en)"},
	one("common.students", "%d 名学生", 1, "%d student", "%d students"),
	one("common.rows", "%d 行", 1, "%d row", "%d rows"),
	one("common.schools", "%d 所学校", 1, "%d school", "%d schools"),
	{Key: "common.list.sep", Zh: "、", En: ", "},
	{Key: "common.error", Zh: "错误：%s", En: "error: %s"},
	{Key: "common.warning", Zh: "警告：%s", En: "warning: %s"},
})
