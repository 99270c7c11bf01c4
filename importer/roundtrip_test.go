package importer_test

import (
	"context"
	"testing"

	"baoxue/store"
	"baoxue/store/storetest"
)

const studentCols = `id, name, gender, birth_date, national_id, school_id, grade, class, homeroom_teacher_id, status,
	suspended_until, returned_at, township, village, left_behind, migrant, returning_child, orphan, boarding, disabled,
	disability_type, disability_level, hardship, poverty, home_taught, pairing_teacher_id, guardian_phone, missing_since`

// TestGoodFilesRoundTrip imports a good file of every KIND and reads the
// tables back.
func TestGoodFilesRoundTrip(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		for _, tc := range []struct {
			kind, file string
			rows       int
			query      string
			want       []string
		}{
			{"schools", "schools.good.csv", 2, `SELECT id, name, center, township, updated_at FROM schools ORDER BY id`, []string{
				"SCH01|临江镇中心小学|临江教育管理中心|临江镇|2026-11-27T12:30:00.000000Z",
				"SCH02|开州区实验中学|汉丰教育管理中心|汉丰街道|2026-11-27T12:30:00.000000Z",
			}},
			{"teachers", "teachers.good.csv", 5, `SELECT id, name, school_id, center, role, phone, wecom_userid,
				dingtalk_userid, email FROM teachers ORDER BY id`, []string{
				"C001|刘主任||临江教育管理中心|center_admin||||liu@example.cn",
				"T001|王老师|SCH01|临江教育管理中心|teacher|13800000001|wang||wang@example.cn",
				"T002|李校长|SCH01|临江教育管理中心|principal|13800000002||ding2|",
				"T003|陈老师|SCH02|汉丰教育管理中心|teacher||||",
				"T004|赵校长|SCH02|汉丰教育管理中心|principal||||",
			}},
			{"villages", "villages.good.csv", 3, `SELECT township, village, school_id FROM villages ORDER BY township, village`, []string{
				"|福德村|SCH01",
				"临江镇|临江村|SCH01",
				"汉丰街道|南门社区|SCH02",
			}},
			{"students", "students.good.csv", 3, `SELECT ` + studentCols + ` FROM students ORDER BY id`, []string{
				"G500234201105010015|张三|M|2011-05-01|500234201105010015|SCH02|9|3班|T003|enrolled|||汉丰街道|南门社区|1|0|0|0|1|0||0|1|former_registered|0||13900000001|",
				"L500234201409030023|李四|F|2014-09-03|500234201409030023|SCH01|1|1班|T001|enrolled|||临江镇|临江村|2|1|1|1|0|1|视力|2|0|none|1|T001||",
				"S3|王五|M|2015-01-01||SCH01|2|2班||suspended|2026-07-01|2025-03-01|临江镇|临江村|0|0|0|0|0|0||0|0|none|0|||",
			}},
			{"calendar", "calendar.good.csv", 3, `SELECT from_date, to_date, kind, school_id, note FROM calendar ORDER BY from_date`, []string{
				"2026-10-01|2026-10-07|holiday||国庆节",
				"2026-10-10|2026-10-10|schoolday||补10月8日的课",
				"2026-11-20|2026-11-20|holiday|SCH01|运动会",
			}},
			{"attendance", "attendance.good.csv", 4, `SELECT s.id, a.date, a.status, a.note FROM attendance a
				JOIN students s ON s.sid = a.sid ORDER BY s.id, a.date`, []string{
				"G500234201105010015|2026-11-02|absent|",
				"G500234201105010015|2026-11-03|sick|发烧",
				"L500234201409030023|2026-11-02|leave|",
				"S3|2026-11-02|late|",
			}},
			{"contacts", "contacts.good.csv", 3, `SELECT s.id, c.date, c.teacher_id, c.channel, c.outcome, c.note, c.source,
				c.created_at FROM contacts c JOIN students s ON s.sid = c.sid ORDER BY s.id, c.channel`, []string{
				"G500234201105010015|2026-11-03|T003|phone|家长说明天返校||import|2026-11-27T12:30:00.000000Z",
				"G500234201105010015|2026-11-03|T003|visit||见到学生本人|import|2026-11-27T12:30:00.000000Z",
				"S3|2026-11-04|T001|other|||import|2026-11-27T12:30:00.000000Z",
			}},
			{"home-teaching", "home-teaching.good.csv", 2, `SELECT s.id, h.date, h.teacher_id, h.class_hours, h.remote
				FROM home_teaching h JOIN students s ON s.sid = h.sid ORDER BY h.date`, []string{
				"L500234201409030023|2026-11-04|T001|2|0",
				"L500234201409030023|2026-11-11|T001|1|1",
			}},
			{"registry", "registry.good.csv", 3, `SELECT id, name, birth_date, national_id, school_id, grade, status
				FROM registry ORDER BY id`, []string{
				"G500234201105010015|张三|2011-05-01|500234201105010015|SCH02|9|enrolled",
				"G500234201409030023|李四|2014-09-03|500234201409030023|SCH01|1|enrolled",
				"J500234201003100028|孙七|2010-03-10|||9|transferred",
			}},
			{"platform", "platform.good.csv", 3, `SELECT id, name, birth_date, national_id, school_id, status
				FROM platform ORDER BY id`, []string{
				"G500234201003100028|孙七|2010-03-10|500234201003100028|SCH02|returned",
				"G500234201105010015|张三|2011-05-01|500234201105010015|SCH02|dropped",
				"L500234201608080015|周八|2016-08-08|500234201608080015||out_of_school",
			}},
			{"survey", "survey.good.csv", 3, `SELECT person_key, township, village, name, birth_date, national_id,
				enrolled_school, note FROM survey ORDER BY person_key`, []string{
				"临江镇|临江村|500234201302200029|临江镇|临江村|郑十|2013-02-20|500234201302200029|SCH01|",
				"临江镇|临江村|吴九|2012-06-15|临江镇|临江村|吴 九|2012-06-15|||家长外出务工",
				"汉丰街道|南门社区|阿依古丽|2010-03-10|汉丰街道|南门社区|阿依·古丽|2010-03-10||重庆市某中学|",
			}},
		} {
			sum := importOK(t, st, tc.kind, tc.file, opts())
			if sum.Rows != tc.rows || sum.New != tc.rows || sum.Updated != 0 || sum.Kind != tc.kind {
				t.Errorf("%s: summary %+v, want %d rows, all new", tc.kind, sum, tc.rows)
			}
			equalLines(t, tc.kind, dump(t, st, tc.query), tc.want)
		}
		// Every 学籍号 resolves, and every import left one audit row.
		equalLines(t, "student_ids", dump(t, st, `SELECT i.alias FROM student_ids i JOIN students s ON s.sid = i.sid
			AND s.id = i.alias ORDER BY i.alias`), []string{"G500234201105010015", "L500234201409030023", "S3"})
		equalLines(t, "audit", dump(t, st, `SELECT at, actor, action, object, detail FROM audit WHERE object LIKE 'students%'`),
			[]string{"2026-11-27T12:30:00.000000Z|cli:test|import|students students.good.csv|rows=3, new=3, updated=0"})
		var audits int
		st.RawGet(context.Background(), &audits, `SELECT COUNT(*) FROM audit`)
		if audits != 11 {
			t.Errorf("%d audit rows, want 11 (one per import)", audits)
		}
		// The new student with a pairing teacher has its pairing recorded.
		equalLines(t, "pairings", dump(t, st, `SELECT s.id, p.teacher_id, p.reason, p.ended_at FROM pairings p
			JOIN students s ON s.sid = p.sid`), []string{"L500234201409030023|T001|import|NULL"})
		// Keys are opaque: 16 hex characters, unrelated to the numbers.
		for _, k := range dump(t, st, `SELECT key FROM students`) {
			if len(k) != 16 || k == "" {
				t.Errorf("student key %q: want 16 hex characters", k)
			}
		}
	})
}
