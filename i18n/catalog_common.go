package i18n

// Words and phrases shared by every part of the program.
var _ = register([]entry{
	{Key: "lang.unknown", Zh: "不支持的语言 %q（可用 zh 或 en）", En: "unknown language %q (zh or en)"},
	one("common.students", "%d 名学生", 1, "%d student", "%d students"),
	one("common.rows", "%d 行", 1, "%d row", "%d rows"),
	one("common.schools", "%d 所学校", 1, "%d school", "%d schools"),
	{Key: "common.list.sep", Zh: "、", En: ", "},
	{Key: "common.error", Zh: "错误：%s", En: "error: %s"},
	{Key: "civil.bad_written_date", Zh: "日期 %q 无效（可写作 2026-03-09、2026/3/9、2026.3.9 或 2026年3月9日）",
		En: "date %q is not a valid date (write it 2026-03-09, 2026/3/9, 2026.3.9 or 2026年3月9日)"},
	{Key: "common.warning", Zh: "警告：%s", En: "warning: %s"},
})
