package i18n

// The daemon's HTTPS (baoxue serve with http.tls_cert and http.tls_key):
// its refusals at start and its log lines. File paths are the resolved
// paths of the configuration. And the escalation run of the daemon's
// escalate schedule (engine.Escalate).
var _ = register([]entry{
	{Key: "serve.escalated", Zh: "逾期任务升级：升级 %d 项，排队待发送的通知 %d 条；找不到校长或片区管理员、改送他人的 %d 项",
		En: "escalation of overdue tasks: %d escalated, %d notifications queued; %d found no principal or center admin and went to another"},
	{Key: "lists.run.escalate", Zh: "逾期升级", En: "escalation"},
	{Key: "config.tls.missing", Zh: "设置了 %s 却没有设置 %s：两者须同时设置（HTTPS）或同时不设（HTTP）",
		En: "%s is set but %s is not: set both (HTTPS) or neither (HTTP)"},
	{Key: "serve.tls.load", Zh: "无法加载 HTTPS 证书 %s 和私钥 %s（设置于 %s）：%s",
		En: "cannot load the HTTPS certificate %s and key %s (set at %s): %s"},
	{Key: "serve.tls.expired", Zh: "HTTPS 证书 %s 已于 %s 过期：浏览器和客户端会拒绝连接，请换上新证书",
		En: "the HTTPS certificate %s expired on %s: browsers and clients will refuse it; install a new one"},
	{Key: "serve.tls.reloaded", Zh: "HTTPS 证书文件 %s 已更新，已换用新证书", En: "the HTTPS certificate %s changed: the new one is in use"},
	{Key: "serve.tls.reload_failed", Zh: "HTTPS 证书 %s 或私钥 %s 已改动，但无法加载，继续使用原证书：%s",
		En: "the HTTPS certificate %s or key %s changed but does not load; the previous one stays in use: %s"},
	{Key: "serve.listening_tls", Zh: "HTTPS 服务监听在 %s（/healthz、/readyz、/metrics、/api/v1/）", En: "the HTTPS server listens on %s (/healthz, /readyz, /metrics, /api/v1/)"},
})
