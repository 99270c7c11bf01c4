package i18n

// Rule unit tests: `baoxue rules test` (package ruletest). Keys of a test
// file, columns, rule ids and campaign names stay as written.
var _ = register([]entry{
	// What a run prints.
	{Key: "ruletest.pass", Zh: "  通过 %s", En: "  PASS %s"},
	{Key: "ruletest.fail", Zh: "  未通过 %s（第 %s 行，评估日 %s）", En: "  FAIL %s (line %s, at %s)"},
	{Key: "ruletest.missing", Zh: "    应触发而未触发：%s", En: "    missing: %s"},
	{Key: "ruletest.extra", Zh: "    不应触发而触发：%s", En: "    extra:   %s"},
	{Key: "ruletest.message", Zh: "    %s %s：", En: "    %s %s:"},
	{Key: "ruletest.no_message", Zh: "    %s %s：（此规则没有 message）", En: "    %s %s: (no message)"},
	{Key: "ruletest.summary", Zh: "规则测试：%d 个通过，%d 个未通过", En: "rules test: %d passed, %d failed"},
	{Key: "ruletest.failed", Zh: "规则测试：共 %[2]d 个测试，%[1]d 个未通过", En: "rules test: %[1]d of %[2]d tests failed"},
	{Key: "ruletest.usage", Zh: "用法：baoxue rules test [-v] FILE...", En: "usage: baoxue rules test [-v] FILE..."},
	{Key: "ruletest.flag.v", Zh: "打印每个预期触发的 message，以便上线前检查模板",
		En: "print the message of each expected firing, to check a template before deploying it"},

	// A test file that cannot be run.
	{Key: "ruletest.file.not_exist", Zh: "文件不存在", En: "no such file"},
	{Key: "ruletest.file.permission", Zh: "没有读取权限", En: "permission denied"},
	{Key: "ruletest.file.read", Zh: "无法读取：%s", En: "read: %s"},
	{Key: "ruletest.yaml.broken", Zh: "YAML 格式错误：%s", En: "broken YAML: %s"},
	{Key: "ruletest.yaml.decode", Zh: "测试文件有误：%s", En: "%s"},
	{Key: "ruletest.rule_files.empty", Zh: "rule_files 为空：请写出要测试的规则文件（路径相对于本测试文件）",
		En: "rule_files is empty: name the rule files to test, relative to this file"},
	{Key: "ruletest.key.unknown_near", Zh: "未知的键 `%s`（是否应为 `%s`？）", En: "unknown key `%s` (did you mean `%s`?)"},
	{Key: "ruletest.key.unknown", Zh: "未知的键 `%s`（%s）", En: "unknown key `%s` (%s)"},
	{Key: "ruletest.key.allowed", Zh: "此处可用的键：%s", En: "allowed here: %s"},
	{Key: "ruletest.norms.prefix", Zh: "norms：%s", En: "norms: %s"},
	{Key: "ruletest.norms.not_mapping", Zh: "norms：应为映射，例如 {suspected_dropout_days: 5}",
		En: "norms: want a mapping such as {suspected_dropout_days: 5}"},
	{Key: "ruletest.norms.are", Zh: "可用的 norms：%s", En: "norms are %s"},
	{Key: "ruletest.norms.value", Zh: "norms：%s：应为不小于 1 的整数，而不是 %q",
		En: "norms: %s: want a whole number of at least 1, got %q"},

	// A test's own problems.
	{Key: "ruletest.in_test", Zh: "测试 %q：%s", En: "test %q: %s"},
	{Key: "ruletest.test.unnamed", Zh: "第 %s 个测试", En: "test %s"},
	{Key: "ruletest.test.at", Zh: "at：%s", En: "at: %s"},
	{Key: "ruletest.test.campaign", Zh: "campaign %q：应为 march、may、september 或留空",
		En: "campaign %q: want march, may, september or empty"},
	{Key: "ruletest.test.expect_no_rule", Zh: "有一个 expect 条目没有写 rule", En: "an expect entry has no rule"},
	{Key: "ruletest.expect.no_rule", Zh: "expect：%[2]s 中没有规则 %[1]q", En: "expect: no rule %[1]q in %[2]s"},
	{Key: "ruletest.expect.no_rule_near", Zh: "expect：%[2]s 中没有规则 %[1]q（是否应为 %[3]q？）",
		En: "expect: no rule %[1]q in %[2]s (did you mean %[3]q?)"},
	{Key: "ruletest.eval", Zh: "%s: 测试 %q：%s", En: "%s: test %q: %s"},
	{Key: "ruletest.rule_failed", Zh: "规则运行出错：%s", En: "a rule fails: %s"},

	// Inline rows.
	{Key: "ruletest.row.not_mapping", Zh: "每一行都应是由“列名: 值”组成的映射", En: "each row is a mapping of column to value"},
	{Key: "ruletest.row.not_single", Zh: "应为单个值", En: "want a single value"},
	{Key: "ruletest.row.columns", Zh: "可用的列与 `baoxue import %s` 相同", En: "the columns are those of `baoxue import %s`"},
	{Key: "ruletest.row.ignored", Zh: "未知的列 %s（可用的列与 `baoxue import %s` 相同）",
		En: "unknown column %s (the columns are those of `baoxue import %s`)"},
})
