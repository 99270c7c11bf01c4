package i18n

// Rule files: loading, checking, evaluating (package rules).
var _ = register([]entry{
	{Key: "rules.run.student", Zh: "学生 %s：%s", En: "student %s: %s"},
})
