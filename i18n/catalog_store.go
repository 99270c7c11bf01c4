package i18n

// The store's errors and notices as the command line shows them. Package
// store imports nothing of ours, so its typed errors (NoDatabaseError,
// SchemaError, LockTimeoutError, ErrUnreachable) and its Holder are
// rendered from their fields by cmd/baoxue with these keys.
var _ = register([]entry{
	{Key: "store.no_database", Zh: "没有找到数据库 %s", En: "no database at %s"},
	{Key: "store.no_schema", Zh: "%s 中没有 baoxue 的数据库结构", En: "no baoxue schema in %s"},
	{Key: "store.schema_newer", Zh: "%s：这个数据库已由更新版本的 baoxue 升级（版本 %s）；请使用那个版本或更新的版本",
		En: "%s: this database was upgraded by a newer baoxue (version %s); use that version or newer"},
	{Key: "store.schema_older", Zh: "%s：这个数据库的结构比这个 baoxue 旧（版本 %s，需要 %s）",
		En: "%s: this database's schema is older than this baoxue (version %s, want %s)"},
	{Key: "store.lock_timeout", Zh: "%[1]s：等了 %[2]s，另一个运行仍在写入数据库，已放弃等待：%[3]s",
		En: "%[1]s: gave up after %[2]s waiting for %[3]s to finish writing"},
	{Key: "store.unreachable", Zh: "无法连接数据库 %s：%s", En: "connect to %s: database unreachable: %s"},
	{Key: "store.unreachable.cause", Zh: "无法连接数据库：%s", En: "database unreachable: %s"},
	{Key: "store.no_directory", Zh: "数据库 %s：目录 %s 不存在", En: "database %s: directory %s does not exist"},

	// Who holds the data lock: "import students (process 4242 on edu-srv,
	// started 2026-03-10 19:00:01)". Kinds (import students, eval) are
	// command names and stay as they are.
	{Key: "store.holder", Zh: "%s（%s）", En: "%s (%s)"},
	{Key: "store.holder.sep", Zh: "，", En: ", "},
	{Key: "store.holder.process", Zh: "进程 %s", En: "process %s"},
	{Key: "store.holder.process_on", Zh: "主机 %[2]s 的进程 %[1]s", En: "process %[1]s on %[2]s"},
	{Key: "store.holder.session", Zh: "服务器进程 %s", En: "server process %s"},
	{Key: "store.holder.started", Zh: "开始于 %s", En: "started %s"},
	{Key: "store.holder.pg_session", Zh: "一个 PostgreSQL 会话", En: "a PostgreSQL session"},
	{Key: "store.holder.unknown", Zh: "另一个写入者（未登记）", En: "another writer (unrecorded)"},
})
