package report

import (
	"strings"
	"testing"

	"baoxue/engine"
	"baoxue/i18n"
)

// TestSummaryCountsUndelivered: a run's summary counts the earlier
// notifications it reports as not delivered, by status, says whether it
// listed them for the center admins (a dry run would), how many reach no
// admin, and how to list them; a run with none says nothing of them.
func TestSummaryCountsUndelivered(t *testing.T) {
	res := result()
	var b strings.Builder
	if err := WriteSummary(&b, i18n.Default(), res); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(b.String(), "未能送达") {
		t.Errorf("a run with nothing undelivered mentions it:\n%s", b.String())
	}
	res.Undelivered = []engine.DigestUndelivered{{ID: 1, Status: "undeliverable"}, {ID: 2, Status: "failed"}, {ID: 3, Status: "undeliverable"}}
	res.UndeliveredUnlisted = 1
	for _, tc := range []struct {
		p    *i18n.Printer
		dry  bool
		want []string
	}{
		{i18n.Default(), false, []string{"  此前的通知有 3 条未能送达（无法送达 2 条，发送失败 1 条），已列入所在片区管理员的提醒；查看：baoxue outbox list --undeliverable --failed\n",
			"  其中 1 条没有片区管理员可以告知"}},
		{i18n.Default(), true, []string{"  此前的通知有 3 条未能送达（无法送达 2 条，发送失败 1 条），写入运行会列入所在片区管理员的提醒；查看："}},
		{i18n.NewPrinter(i18n.English), false, []string{"  3 earlier notifications could not be delivered (2 undeliverable, 1 failed), listed for their center admins; see baoxue outbox list --undeliverable --failed\n",
			"  1 of them reaches no center admin"}},
	} {
		res.DryRun = tc.dry
		var b strings.Builder
		if err := WriteSummary(&b, tc.p, res); err != nil {
			t.Fatal(err)
		}
		for _, w := range tc.want {
			if !strings.Contains(b.String(), w) {
				t.Errorf("%s (dry %v): summary lacks %q:\n%s", tc.p.Lang(), tc.dry, w, b.String())
			}
		}
	}
}
