package i18n

// Counts of students (SPEC §7): a person counts children, not rule
// firings, so a run says how many students are at risk and how many of
// them are new beside its counts of alerts.
var _ = register([]entry{
	{Key: "lists.col.at_risk", Zh: "有风险学生", En: "At risk"},
	{Key: "lists.col.at_risk_new", Zh: "新增有风险", En: "Newly at risk"},
	{Key: "report.summary.students",
		Zh: "评估学生 %d 名，有风险 %d 名（新增 %d 名，此前已有预警 %d 名）",
		En: "%d students evaluated, %d at risk (%d newly, %d with alerts before)"},
	{Key: "report.summary.alerts",
		Zh: "触发预警 %d 条（新增 %d，持续 %d，排队待通知 %d）；已解除 %d 条",
		En: "%d alerts firing (%d new, %d ongoing, %d queued to notify); %d resolved"},
	{Key: "report.summary.alerts_dry",
		Zh: "触发预警 %d 条（新增 %d，持续 %d，将排队待通知 %d）；将解除 %d 条",
		En: "%d alerts firing (%d new, %d ongoing, %d would be queued to notify); %d would resolve"},
	{Key: "report.summary.by_top_severity", Zh: "有风险的学生，按最高风险等级：", En: "Students at risk by highest severity:"},
})
