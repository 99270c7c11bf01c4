package i18n

// The daemon's scheduler (package scheduler): its log lines, and the
// refusal of a second daemon on one SQLite file (store.LeaderHeldError,
// rendered by the command). The first argument of the run lines is the
// job's label (scheduler.job.*); dates are YYYY-MM-DD strings.
var _ = register([]entry{
	one("scheduler.interrupted", "上一个调度进程留下 %d 个未结束的运行（进程中断）：将重新运行", 1,
		"%d run left running by the previous scheduler (it was interrupted): it runs again",
		"%d runs left running by the previous scheduler (they were interrupted): they run again"),
	{Key: "scheduler.job.evaluate", Zh: "晚间评估", En: "the evening evaluation"},
	{Key: "scheduler.job.home_teaching", Zh: "送教上门周检", En: "the weekly home-teaching check"},
	{Key: "scheduler.job.escalate", Zh: "逾期任务升级", En: "the escalation of overdue tasks"},
	{Key: "scheduler.job.campaign_march", Zh: "三月控辍保学活动月", En: "the March campaign"},
	{Key: "scheduler.job.campaign_may", Zh: "五月攻坚月", En: "the May campaign"},
	{Key: "scheduler.job.campaign_september", Zh: "九月控辍保学活动月", En: "the September campaign"},
	{Key: "scheduler.job.dispatch", Zh: "通知发送", En: "the dispatcher"},

	{Key: "scheduler.bad_spec", Zh: "定时任务 %s 的时间表 %q 无效：%s", En: "schedule of %s %q: %s"},
	{Key: "scheduler.leading", Zh: "本进程负责定时任务", En: "this process runs the schedules"},
	{Key: "scheduler.standby", Zh: "另一个 baoxue 进程正在负责定时任务；本进程待命，随时接替",
		En: "another baoxue process runs the schedules; this one stands by to take over"},
	{Key: "scheduler.lock_failed", Zh: "无法获取定时任务锁，稍后重试：%s", En: "could not take the scheduler lock, trying again later: %s"},
	{Key: "scheduler.lock_lost", Zh: "失去定时任务锁，已停止调度，稍后重新获取：%s", En: "lost the scheduler lock; stopped scheduling, taking it again later: %s"},
	{Key: "scheduler.scheduled_not_built", Zh: "已排定%s，但这项功能尚未实现：到时只记录，不执行",
		En: "%s is scheduled but not built yet: its runs are recorded, not done"},
	{Key: "scheduler.not_built", Zh: "%s（日期 %s）：这项功能尚未实现，只记录本次运行", En: "%s as of %s: not built yet; the run is recorded only"},
	{Key: "scheduler.start", Zh: "%s（日期 %s）开始", En: "%s as of %s: started"},
	{Key: "scheduler.catch_up", Zh: "%s（日期 %s）在停机期间错过，现在补做", En: "%s as of %s: missed while down, running it now"},
	{Key: "scheduler.done", Zh: "%s（日期 %s）完成", En: "%s as of %s: done"},
	{Key: "scheduler.waiting", Zh: "%s（日期 %s）暂时不能运行：%s；每 %s 分钟再试一次，直到下一次排定的时间",
		En: "%s (as of %s) cannot run yet: %s; tried again every %s minutes until its next scheduled time"},
	{Key: "scheduler.failed", Zh: "%s（日期 %s）失败：%s", En: "%s as of %s: failed: %s"},
	{Key: "scheduler.record_failed", Zh: "无法记录%s的运行：%s", En: "could not record a run of %s: %s"},
	{Key: "scheduler.dispatch_failed", Zh: "通知发送中断，稍后重新开始：%s", En: "the dispatcher stopped, starting it again later: %s"},
	{Key: "scheduler.calendar_failed", Zh: "无法读取校历，沿用上次读取的：%s", En: "could not read the school calendar, keeping the last one read: %s"},
	{Key: "scheduler.leader_held", Zh: "%s：已有另一个 baoxue 服务在使用这个数据库（%s）；SQLite 数据库只能由一个服务使用",
		En: "%s: another baoxue daemon runs on this database (%s); a SQLite database takes one daemon"},
})
