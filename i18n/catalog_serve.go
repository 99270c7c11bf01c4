package i18n

// The daemon, baoxue serve: its help, flags, refusals and the log lines a
// person reads. Run ids are passed as strings (identifiers, not counts).
var _ = register([]entry{
	{Key: "cmd.serve.summary", Zh: "守护进程：按时间表评估、发送通知，提供健康检查", En: "the daemon: run the schedules, deliver notifications, answer health checks"},
	{Key: "serve.flag.migrate", Zh: "启动前先升级数据库结构（同 baoxue migrate）", En: "upgrade the database schema first (as baoxue migrate does)"},
	{Key: "serve.unexpected_arg", Zh: "serve：多余的参数 %q", En: "serve: unexpected argument %q"},
	{Key: "serve.listen", Zh: "无法在 %s 上监听（http.listen）：%s", En: "cannot listen on %s (http.listen): %s"},
	{Key: "serve.not_loopback", Zh: "HTTP 服务监听在 %s，本机以外也能访问，且未加密：请只绑定 127.0.0.1 并在前面加带 HTTPS 和访问控制的反向代理，或设置 http.tls_cert 和 http.tls_key",
		En: "the HTTP server listens on %s, reachable beyond this machine, unencrypted: bind to 127.0.0.1 behind a reverse proxy with HTTPS and access control, or set http.tls_cert and http.tls_key"},
	{Key: "serve.listening", Zh: "HTTP 服务监听在 %s（/healthz、/readyz、/metrics、/api/v1/）", En: "the HTTP server listens on %s (/healthz, /readyz, /metrics, /api/v1/)"},
	{Key: "serve.http_failed", Zh: "HTTP 服务出错：%s", En: "the HTTP server failed: %s"},
	{Key: "serve.started", Zh: "baoxue 服务已启动，数据库：%s", En: "baoxue serve started on %s"},
	{Key: "serve.stopped", Zh: "baoxue 服务已停止", En: "baoxue serve stopped"},
	{Key: "serve.evaluated", Zh: "评估运行 #%s 已写入：新预警 %d 条，发出通知的预警 %d 条", En: "run #%s written: new alerts: %d, alerts notified: %d"},
	{Key: "serve.not_ready.rules", Zh: "规则尚未加载", En: "no rules loaded"},
	{Key: "serve.not_ready.leader", Zh: "还没有哪个 baoxue 服务在负责定时任务（刚启动时会等几秒）", En: "no baoxue daemon schedules the jobs yet (for a few seconds after a start)"},
	{Key: "serve.not_ready.database", Zh: "数据库无响应：%s", En: "the database does not answer: %s"},
	{Key: "serve.holder_unknown", Zh: "进程未登记", En: "process unrecorded"},
})
