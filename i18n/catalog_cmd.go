package i18n

// The command line (cmd/baoxue): usage and help, language selection,
// flags, errors of the command line, gen, migrate, version, completion.
// Commands, flags, placeholders (FILE, KIND, DSN) and config keys are
// interfaces and stay as they are in both languages.
var _ = register([]entry{
	{Key: "gen.no_out", Zh: "baoxue gen：缺少 --out DIR（写入 CSV 文件的目录）", En: "baoxue gen: --out DIR is missing (the directory to write the CSV files to)"},
	{Key: "gen.students", Zh: "baoxue gen：--students 应为正整数（如 --students 100000），得到 %s", En: "baoxue gen: --students wants a positive number (say --students 100000), got %s"},
	{Key: "demo.students", Zh: "baoxue demo：--students %s：应为正整数（默认 5000）", En: "baoxue demo: --students %s: want a positive number (default 5000)"},
	// Errors and notices of the command line.
	{Key: "main.failed", Zh: "baoxue：%s", En: "baoxue: %s"},
	{Key: "main.failed_cmd", Zh: "baoxue %s：%s", En: "baoxue %s: %s"},
	{Key: "main.unknown_command", Zh: "baoxue：没有 %q 这个命令（baoxue help 列出全部命令）", En: "baoxue: unknown command %q (baoxue help lists them)"},
	{Key: "main.later", Zh: "baoxue %s：这个版本还没有这个命令（见 SPEC 第 3 节）", En: "baoxue %s: not available in this version yet (see SPEC §3)"},
	{Key: "main.lang_source", Zh: "%s：%s", En: "%s: %s"},
	{Key: "main.cpu_profile", Zh: "baoxue：CPU 性能分析：%s", En: "baoxue: cpu profile: %s"},
	{Key: "main.mem_profile", Zh: "baoxue：内存分析：%s", En: "baoxue: memory profile: %s"},
	{Key: "cmd.unexpected_arg", Zh: "%s：多余的参数 %q", En: "%s: unexpected argument %q"},

	// Global flags.
	{Key: "global.needs_value", Zh: "选项 --%s 需要一个值", En: "flag --%s needs a value"},
	{Key: "global.lock_timeout_bad", Zh: "选项 --lock-timeout 的值 %q 不是时长：应写成 30s、10m 或 1h 这样（0 表示一直等到被中断）",
		En: "flag --lock-timeout %q: want a duration such as 30s, 10m or 1h (0: wait until interrupted)"},
	{Key: "global.config", Zh: "配置文件（默认 ./baoxue.yaml；没有这个文件时使用内置默认值）", En: "configuration (default ./baoxue.yaml; built-in defaults when absent)"},
	{Key: "global.db", Zh: "数据库：file:路径（SQLite）或 postgres://…（默认 file:baoxue.db）", En: "database: file:PATH (SQLite) or postgres://… (default file:baoxue.db)"},
	{Key: "global.rules", Zh: "规则文件或目录（默认使用内置规则）", En: "rule file or directory (default: the built-in rules)"},
	{Key: "global.lock_timeout", Zh: "import 和 eval 等待其他写入者的最长时间（默认一直等到被中断）", En: "how long eval and import wait for another writer (default: until interrupted)"},
	{Key: "global.lang", Zh: "输出的语言：zh（中文，默认）或 en（英文）；也可用环境变量 BAOXUE_LANG 或 baoxue.yaml 中的 lang:",
		En: "language of the output: zh (Chinese, the default) or en (English); also BAOXUE_LANG or lang: in baoxue.yaml"},

	// Errors of a command's flags (the flag package's, said again).
	{Key: "flag.undefined", Zh: "%[1]s：没有 --%[2]s 这个选项（baoxue help %[3]s 列出全部选项）",
		En: "%[1]s: flag provided but not defined: --%[2]s (baoxue help %[3]s lists the flags)"},
	{Key: "flag.needs_value", Zh: "%s：选项 --%s 需要一个值", En: "%s: flag needs an argument: --%s"},
	{Key: "flag.bad_value", Zh: "%[1]s：选项 --%[2]s 的值 %[3]q 无效", En: "%[1]s: invalid value %[3]q for flag --%[2]s"},
	{Key: "flag.syntax", Zh: "%s：选项格式不对：%s", En: "%s: bad flag syntax: %s"},

	// The commands, as help lists them.
	{Key: "cmd.demo.summary", Zh: "在 ./baoxue-demo.db（单独的文件）中生成一个模拟学区，评估一次并打印摘要",
		En: "a synthetic district in ./baoxue-demo.db (a file of its own), one evaluation, a summary"},
	{Key: "cmd.gen.summary", Zh: "把一个逼真的模拟学区写成 CSV 文件，每种导入类型（KIND）一个文件", En: "write a realistic synthetic district as CSV files, one per import KIND"},
	{Key: "cmd.import.summary", Zh: "导入 CSV 或 XLSX 数据", En: "load CSV or XLSX data"},
	{Key: "cmd.rules.summary", Zh: "检查、测试或查看规则", En: "check, test or show the rules"},
	{Key: "cmd.rules.check.summary", Zh: "检查规则文件（默认检查配置的规则或内置规则），每个错误都给出 文件:行:列",
		En: "validate rule files (default: the configured or built-in rules); every error at FILE:LINE:COL"},
	{Key: "cmd.rules.test.summary", Zh: "运行规则的单元测试（SPEC 第 6 节）", En: "run rule unit tests (SPEC section 6)"},
	{Key: "cmd.rules.show_defaults.summary", Zh: "打印内置的默认规则", En: "print the built-in default rules"},
	{Key: "cmd.eval.summary", Zh: "评估规则，生成预警和帮扶任务", En: "evaluate the rules, raising alerts and tasks"},
	{Key: "cmd.alerts.summary", Zh: "列出预警，可按状态、学校、管理中心、规则或日期筛选", En: "list the alerts, by state, school, center, rule or date"},
	{Key: "cmd.tasks.summary", Zh: "列出帮扶任务，可按状态、教师或学校筛选", En: "list the follow-up tasks, by state, teacher or school"},
	{Key: "cmd.runs.summary", Zh: "列出已记录的运行，最近的在前", En: "list the recorded runs, latest first"},
	{Key: "cmd.migrate.summary", Zh: "创建或升级数据库结构（只有这个命令会升级结构）", En: "create or upgrade the database schema (the only command that upgrades it)"},
	{Key: "cmd.version.summary", Zh: "打印这个构建的版本、修订和时间", En: "print the version, revision and time of this build"},
	{Key: "cmd.help.summary", Zh: "列出全部命令，或显示某个命令的用法和选项", En: "list the commands, or show a command's usage and flags"},
	{Key: "cmd.completion.summary", Zh: "打印 bash、zsh 或 fish 的命令补全脚本", En: "print a completion script for bash, zsh or fish"},

	// Help.
	{Key: "help.about", Zh: "baoxue（保学）：让每个孩子都完成义务教育。", En: "baoxue (保学): keep every child in compulsory education."},
	{Key: "help.usage_line", Zh: "用法：baoxue [全局选项] 命令 [参数]", En: "Usage: baoxue [global flags] COMMAND [ARGS]"},
	{Key: "help.commands", Zh: "命令：", En: "Commands:"},
	{Key: "help.global_flags", Zh: "全局选项（写在命令之前或之后均可）：", En: "Global flags go before or after the command:"},
	{Key: "help.exit_status", Zh: "退出状态：0 成功，1 输入有误，2 运行失败。", En: "Exit status: 0 success, 1 bad input, 2 runtime failure."},
	{Key: "help.more", Zh: "查看某个命令的用法和选项：baoxue help 命令，或 baoxue 命令 --help。", En: "A command's usage and flags: baoxue help COMMAND, or baoxue COMMAND --help."},
	{Key: "help.title", Zh: "baoxue %s：%s", En: "baoxue %s: %s"},
	{Key: "help.usage", Zh: "用法：", En: "Usage:"},
	{Key: "help.flags", Zh: "选项：", En: "Flags:"},
	{Key: "help.flags_arg", Zh: "[选项]", En: "[flags]"},
	{Key: "help.subcommands", Zh: "子命令：", En: "Subcommands:"},
	{Key: "help.default", Zh: "（默认 %s）", En: " (default %s)"},
	{Key: "help.kinds", Zh: "KIND（按此顺序导入）及其必需的列：", En: "KINDs, in the order to import them, with their required columns:"},
	{Key: "help.kinds_more", Zh: "表头也可以用中文（学籍号、姓名、出生日期……）；可选的列见 docs/SPEC.md 第 4 节。",
		En: "Headers may also be Chinese (学籍号, 姓名, 出生日期, …); the optional columns are in docs/SPEC.md section 4."},
	{Key: "help.see_global", Zh: "全局选项（%s）见 baoxue help。", En: "Global flags (%s): see baoxue help."},
	{Key: "help.unknown_sub", Zh: "baoxue %s：没有 %q 这个子命令（可用：%s）", En: "baoxue %s: unknown subcommand %q (want %s)"},

	// completion
	{Key: "completion.usage", Zh: "用法：baoxue completion bash|zsh|fish", En: "usage: baoxue completion bash|zsh|fish"},
	{Key: "completion.unknown_shell", Zh: "completion：不支持 %q（可用 bash、zsh 或 fish）", En: "completion: unknown shell %q (want bash, zsh or fish)"},
	{Key: "completion.help", Zh: "显示帮助", En: "show help"},

	// gen
	{Key: "gen.flag.students", Zh: "学生人数（必填）", En: "number of students (required)"},
	{Key: "gen.flag.seed", Zh: "随机种子：种子相同，生成的文件也相同", En: "random seed: the same seed gives the same files"},
	{Key: "gen.flag.out", Zh: "写入 CSV 文件的目录（必填）", En: "directory to write the CSV files into (required)"},
	{Key: "gen.flag.force", Zh: "覆盖目录中已有的 CSV 文件", En: "overwrite CSV files already in the directory"},
	{Key: "gen.usage", Zh: "用法：baoxue gen --students N [--seed S] --out DIR", En: "usage: baoxue gen --students N [--seed S] --out DIR"},
	{Key: "gen.exists", Zh: "gen：%s 已存在：请换一个 --out 目录，或加 --force 覆盖", En: "gen: %s exists: choose another --out directory, or add --force to overwrite"},
	{Key: "gen.write_failed", Zh: "gen：无法写入 %s：%s", En: "gen: cannot write %s: %s"},
	one("gen.file_rows", "%-18s %9d 行", 2, "%-18s %9d row", "%-18s %9d rows"),
	{Key: "gen.wrote", Zh: "已写入 %s；请按以下顺序导入：baoxue import KIND %s", En: "wrote %s; import the files in this order: baoxue import KIND %s"},
	{Key: "gen.kinds", Zh: "  KIND：%s", En: "  KIND: %s"},

	// demo
	{Key: "demo.flag.students", Zh: "模拟区县的学生人数", En: "students in the synthetic district"},
	{Key: "demo.flag.seed", Zh: "模拟区县的随机种子", En: "random seed of the district"},

	// eval
	{Key: "eval.flag.at", Zh: "评估日期：2026-03-09、2026/3/9、2026.3.9 或 2026年3月9日（默认：配置时区的今天）",
		En: "evaluation date: 2026-03-09, 2026/3/9, 2026.3.9 or 2026年3月9日 (default: today in the configured timezone)"},
	{Key: "eval.flag.dry_run", Zh: "只计算并打印结果，不写入数据库，也不发送任何通知", En: "compute and print, write and send nothing"},
	{Key: "eval.flag.json", Zh: "输出 JSON 行（SPEC 第 7 节），而不是摘要", En: "print JSON lines (SPEC §7) instead of a summary"},
	{Key: "eval.flag.campaign", Zh: "按活动月的运行方式评估：march（三月活动月）、may（五月攻坚月）或 september（九月活动月）",
		En: "evaluate as the campaign run would: march, may or september"},
	{Key: "eval.flag.force", Zh: "允许写入的运行使用早于最近一次运行的日期，或没有任何学校上报考勤的日期",
		En: "allow a writing run at a date before the latest run, or at a date no school has reported"},
	{Key: "eval.flag.retire", Zh: "允许写入的运行注销已删除或已停用的规则的未结预警",
		En: "let a writing run retire the open alerts of rules that were removed or disabled"},

	// import
	{Key: "import.cmd.flag.snapshot", Zh: "仅用于 students：文件是其中各学校完整的学籍名册",
		En: "students only: the file is the complete roster of the schools it contains"},
	{Key: "import.cmd.flag.allow_mass_update", Zh: "仅用于 students：允许文件改动其匹配的已有学生中超过 10%% 的姓名",
		En: "students only: let the file change the names of more than 10%% of the stored students it matches"},
	{Key: "import.cmd.flag.reported", Zh: "仅用于 attendance：文件覆盖每所学校从首日到末日的每一天",
		En: "attendance only: the file covers every school for every day from its first date to its last"},
	{Key: "import.cmd.flag.reported_dates", Zh: "与 --reported 一起使用：文件覆盖的日期，FROM..TO 或单个 DATE（没有数据行的文件则表示这些天全区无人缺勤）",
		En: "with --reported: the days the file covers, FROM..TO or one DATE (a file without rows then reports a day with no absence anywhere)"},

	// migrate
	{Key: "migrate.no_args", Zh: "migrate：不接受参数", En: "migrate: takes no arguments"},
	{Key: "migrate.done", Zh: "%s：数据库结构为版本 %s", En: "%s: schema at version %s"},
	{Key: "migrate.flag.rebuild_facts",
		Zh: "从缺勤、家校联系和送教记录重建每个学生的预存摘要（student_facts），用于评估",
		En: "rebuild every student's stored summary of absences, contacts and home teaching (student_facts), which evaluations read, from the records"},
	{Key: "migrate.rebuilt_facts", Zh: "已重建 %d 名学生的记录摘要", En: "rebuilt the records summary of %d students"},

	// version
	{Key: "version.version", Zh: "baoxue %s", En: "baoxue %s"},
	{Key: "version.revision", Zh: "修订：%s", En: "revision: %s"},
	{Key: "version.revision_modified", Zh: "修订：%s（构建时有未提交的修改）", En: "revision: %s (dirty: built with uncommitted changes)"},
	{Key: "version.time", Zh: "提交时间：%s", En: "commit time: %s"},
	{Key: "version.go", Zh: "Go 版本：%s", En: "go version: %s"},
	{Key: "version.unknown", Zh: "未知", En: "unknown"},

	// Opening the database (cmd/baoxue/app.go).
	{Key: "app.config_missing", Zh: "配置文件 %s 不存在", En: "config %s: no such file"},
	{Key: "app.created", Zh: "已在 %s 新建 baoxue 数据库", En: "created a new baoxue database at %s"},
	{Key: "app.no_database", Zh: "%s；请检查 --db 是否写错；要新建数据库，请运行 %s", En: "%s; check --db for a typo, or %s creates one"},
	{Key: "app.migrate_same", Zh: "`baoxue migrate`（使用相同的 --db 或配置）", En: "`baoxue migrate` (with the same --db or configuration)"},
	{Key: "app.migrate_cmd", Zh: "`baoxue migrate --db %s`", En: "`baoxue migrate --db %s`"},
	{Key: "app.schema_older", Zh: "%s：请运行 %s", En: "%s: run %s"},
	{Key: "app.rules_missing", Zh: "规则 %s（设置于 %s）不存在：请改正路径，或删去这一项以使用内置规则",
		En: "rules %s (set at %s) does not exist: fix the path, or remove it to use the built-in rules"},
	{Key: "app.lock_waiting", Zh: "baoxue %s：正在等待另一个运行写完数据库：%s", En: "baoxue %s: waiting for %s to finish writing the database"},
	{Key: "app.lock_waiting_forever", Zh: "baoxue %s：正在等待另一个运行写完数据库：%s；用 --lock-timeout 时长 可设定等待的上限",
		En: "baoxue %s: waiting for %s to finish writing the database (--lock-timeout DURATION gives up after a while)"},
})
