package i18n

// Errors and refusals of the user's input (package inputerr and the
// refusals of engine and importer).
var _ = register([]entry{
	{Key: "raw", Zh: "%s", En: "%s"},
	{Key: "inputerr.none", Zh: "没有错误", En: "no errors"},
	{Key: "refusal.not_reported", Zh: "考勤未上报", En: "attendance not reported"},
	{Key: "refusal.no_students", Zh: "没有在读或休学的学生", En: "no enrolled or suspended students"},
	{Key: "refusal.retire", Zh: "规则已删除或停用", En: "rules removed or disabled"},
	{Key: "refusal.earlier", Zh: "评估日期早于最近一次运行的日期", En: "evaluation date is earlier than the latest run"},
	{Key: "refusal.unknown_kind", Zh: "未知的导入类型", En: "unknown import kind"},
})
