package importer

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"baoxue/store"
	"baoxue/store/storetest"
)

// TestTypos: a header one or two edits from a KIND's header is a
// misspelling of it, but short Chinese headers that differ in a meaningful
// character, and the real columns of unusedHeaders, are not.
func TestTypos(t *testing.T) {
	for _, tc := range []struct{ kind, header, want string }{
		{"students", "是否留守儿堂", "是否留守儿童"},
		{"students", "是否留守儿堂(0-否,1-是)", "是否留守儿童"},
		{"students", "学藉号", "学籍号"},
		{"students", "出生日其", "出生日期"},
		{"students", "是否进城务工人员随迁子", "是否进城务工人员随迁子女"},
		{"students", "是否进城务工随迁子女", "是否进城务工人员随迁子女"},
		{"students", "birth_dat", "birth_date"},
		{"students", "Brith Date", "birth_date"},
		{"students", "birthdate", "birth_date"},
		{"students", "schol_id", "school_id"},
		{"students", "gendr", "gender"},
		{"teachers", "wecom_user", "wecom_userid"},
		{"attendance", "考勤状况", "考勤状态"},
		// Not misspellings: other columns, close as they are.
		{"students", "住址", ""},        // 住校
		{"students", "民族", ""},        // 2 characters: no edit allowed
		{"students", "学号", ""},        // 学籍号, but a school's own number
		{"students", "学籍辅号", ""},      // 学籍号
		{"students", "入学日期", ""},      // 复学日期
		{"students", "入学年月", ""},      // 出生年月: two edits
		{"students", "监护人姓名", ""},     // 监护人电话: two edits
		{"students", "是否独生子女", ""},    // 是否随迁子女: two edits
		{"students", "成员1身份证件类型", ""}, // 身份证件类型: three edits
		{"students", "出生年份", ""},      // 出生年月
		{"students", "id_card", ""},
		{"students", "nation", ""},
		{"reports", "缺勤人数", ""}, // 出勤人数
		{"reports", "迟到人数", ""}, // 应到人数
		{"schools", "学校类型", ""}, // 学校代码: two edits
	} {
		k := kindByName(tc.kind)
		if k == nil {
			t.Errorf("no KIND %s", tc.kind)
			continue
		}
		if got := newTypos(k.columns, unusedHeaders(tc.kind)).of(normHeader(tc.header)); got != tc.want {
			t.Errorf("%s: %q is a misspelling of %q, want %q", tc.kind, tc.header, got, tc.want)
		}
	}
}

func TestEditDistance(t *testing.T) {
	for _, tc := range []struct {
		a, b  string
		limit int
		want  int
	}{
		{"是否留守儿堂", "是否留守儿童", 2, 1},
		{"brithdate", "birthdate", 2, 1}, // a swap is one edit
		{"birthdat", "birthdate", 2, 1},
		{"监护人姓名", "监护人电话", 2, 2},
		{"abc", "abc", 0, 0},
		{"", "abc", 5, 3},
		{"学号", "全国中小学生学籍号", 2, 3}, // stops above the limit
		{"kitten", "sitting", 1, 2},
	} {
		if got := editDistance([]rune(tc.a), []rune(tc.b), tc.limit); got != tc.want {
			t.Errorf("editDistance(%q, %q, %d) = %d, want %d", tc.a, tc.b, tc.limit, got, tc.want)
		}
	}
}

// registryHeaders are columns of real 学籍系统 exports and school rosters
// that baoxue does not use (or uses under these names).
func registryHeaders() []string {
	return []string{"序号", "学校标识码", "学校名称", "全国学籍号", "姓名", "性别", "出生日期", "出生地", "籍贯", "民族",
		"国籍/地区", "身份证件类型", "身份证件号", "港澳台侨外", "政治面貌", "健康状况", "照片", "姓名拼音", "曾用名",
		"身份证件有效期", "户口所在地", "户口性质", "特长", "学籍辅号", "班内学号", "学号", "年级", "班级", "入学年月",
		"入学方式", "就读方式", "学生来源", "现住址", "通信地址", "家庭地址", "家庭住址", "住址", "联系电话", "邮政编码",
		"电子信箱", "主页地址", "是否独生子女", "是否受过学前教育", "是否留守儿童", "是否进城务工人员随迁子女", "是否孤儿",
		"是否烈士或优抚子女", "随班就读", "残疾人类型", "是否由政府购买学位", "是否需要申请资助", "是否享受一补",
		"上下学距离", "上下学交通方式", "上下学方式", "是否需要乘坐校车", "血型", "监护人姓名", "监护人关系",
		"监护人身份证号", "成员1姓名", "成员1关系", "成员1关系说明", "成员1现住址", "成员1户口所在地", "成员1联系电话",
		"成员1是否监护人", "成员1身份证件类型", "成员1身份证件号", "成员1民族", "成员1工作单位", "成员1职务",
		"入学日期", "离校日期", "毕业学校", "父亲姓名", "母亲姓名", "父亲电话", "家长姓名", "家长手机", "班主任姓名",
		"学段", "学制", "校区", "所属区县", "行政村", "村民小组", "是否随班就读", "是否享受营养餐", "资助类型",
		"是否低保户", "残疾证号", "户籍所在地", "户籍性质", "现居住地", "转入日期", "转出日期", "变动类型", "年龄",
		"出生年份", "备注"}
}

// TestRealHeaders feeds each KIND the header row of a real file, full of
// columns baoxue does not use: none is an error, every one is ignored.
func TestRealHeaders(t *testing.T) {
	attendance := []string{"序号", "学校名称", "年级", "班级", "学号", "学籍号", "姓名", "性别", "日期", "考勤状态",
		"缺勤原因", "请假类型", "缺课节数", "考勤时间", "班主任"}
	for _, tc := range []struct {
		kind   string
		header []string
	}{
		{"students", registryHeaders()},
		{"registry", registryHeaders()},
		{"platform", append(registryHeaders(), "当前状态")},
		{"survey", append([]string{"村社区", "乡镇", "组", "户主姓名", "与户主关系", "就读学校", "就读年级"},
			registryHeaders()...)},
		{"attendance", attendance},
		{"contacts", []string{"学籍号", "姓名", "班级", "日期", "教师编号", "教师姓名", "联系人", "联系电话", "方式",
			"联系内容", "结果", "家访照片", "备注"}},
		{"home-teaching", []string{"学籍号", "姓名", "残疾类别", "日期", "教师编号", "送教教师", "课时", "送教内容",
			"送教地点", "家长签字", "远程"}},
		{"schools", []string{"学校代码", "学校名称", "学校简称", "学校类型", "办学类型", "学段", "校长", "校长电话",
			"学校地址", "教育管理中心", "所属乡镇"}},
		{"teachers", []string{"教师编号", "姓名", "性别", "出生日期", "身份证号", "学校代码", "职务", "职称", "学科",
			"任教学科", "任教班级", "手机号", "办公电话", "微信号", "电子信箱", "教师资格证号"}},
		{"villages", []string{"乡镇", "村社区", "村委会", "村民小组", "责任学校代码", "责任学校名称", "联系人", "联系电话"}},
		{"calendar", []string{"开始日期", "结束日期", "类型", "星期", "天数", "学校代码", "备注"}},
		{"reports", []string{"学校代码", "学校名称", "日期", "应到人数", "实到人数", "缺勤人数", "未到人数", "迟到人数",
			"病假人数", "事假人数", "出勤率", "填报人", "填报日期"}},
	} {
		k := kindByName(tc.kind)
		if k == nil {
			t.Errorf("no KIND %s", tc.kind)
			continue
		}
		p := &problems{file: "f.csv"}
		h := mapHeader(k.columns, unusedHeaders(tc.kind), tc.header, 1, p)
		if err := p.err(); err != nil {
			t.Errorf("%s: %v", tc.kind, err)
		}
		var unknown []string
		for i, c := range tc.header {
			used := false
			for _, cells := range h.cells {
				used = used || slices.Contains(cells, i)
			}
			if !used {
				unknown = append(unknown, c)
			}
		}
		if !slices.Equal(h.ignored, unknown) {
			t.Errorf("%s: ignored %v, want %v", tc.kind, h.ignored, unknown)
		}
	}
}

// TestLeftBehindAliases: under every header of left_behind, the registry's
// options give the child's left_behind (0, 1 or 2): no spelling of the
// header loses a left-behind child.
func TestLeftBehindAliases(t *testing.T) {
	var headers []string
	for _, c := range studentColumns() {
		if c.name == "left_behind" {
			headers = append([]string{c.name}, c.aliases...)
		}
	}
	if !slices.Contains(headers, "是否农村留守儿童") || !slices.Contains(headers, "是否留守儿童") {
		t.Fatalf("left_behind headers %v lack the registry's", headers)
	}
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		values := map[string]int{"1-单亲留守儿童": 1, "2-双亲留守儿童": 2, "0-非留守儿童": 0, "单亲留守儿童": 1, "2": 2, "是": 1}
		opt := Options{ImplicitRefs: true, Actor: "test"}
		for i, h := range headers {
			var rows [][]string
			for v := range values {
				rows = append(rows, []string{fmt.Sprintf("S%d-%s", i, v), "张三", "2012-06-15", "SCH01", "4", v})
			}
			sum, err := ImportRows(ctx, st, "students", "f.csv", []string{"学籍号", "姓名", "出生日期", "学校代码", "年级", h}, rows, nil, opt)
			if err != nil || len(sum.Ignored) != 0 {
				t.Fatalf("header %s: %v, ignored %v", h, err, sum.Ignored)
			}
			for v, want := range values {
				var got int
				if err := st.RawGet(ctx, &got, `SELECT left_behind FROM students WHERE id = ?`, fmt.Sprintf("S%d-%s", i, v)); err != nil {
					t.Fatal(err)
				}
				if got != want {
					t.Errorf("%s = %s: left_behind %d, want %d", h, v, got, want)
				}
			}
		}
	})
}

// TestRegistryNone: the registry's "none" options (code 0, or a name
// saying no) mean none or false in every column that has them, so no child
// is flagged by an option that says the opposite.
func TestRegistryNone(t *testing.T) {
	for _, v := range []string{"0-无残疾", "无残疾", "0", "无", "0－无残疾", "0:无残疾", "否", "非残疾"} {
		if got, ok := parseDisabilityType(v); got != "" || !ok {
			t.Errorf("残疾人类型 %q = %q, want none", v, got)
		}
		if n, ok := codeName(v, parseDisabilityLevel); !ok || n != 0 {
			t.Errorf("残疾等级 %q = %d, %v; want 0", v, n, ok)
		}
	}
	for v, want := range map[string]string{"4-肢体残疾": "肢体", "1-视力残疾": "视力", "7-多重残疾": "多重", "残疾": "残疾", "智力": "智力",
		"4": "肢体", "-": "", "/": "", "—": "", "无残疾人": "", "其他": "其他"} {
		if got, ok := parseDisabilityType(v); got != want || !ok {
			t.Errorf("残疾人类型 %q = %q, want %q", v, got, want)
		}
	}
	for _, v := range []string{"胖", "8", "视力障碍"} {
		if got, ok := parseDisabilityType(v); ok {
			t.Errorf("残疾人类型 %q = %q, accepted; want an unknown value (a sensitive label is never guessed)", v, got)
		}
	}
	if n, ok := codeName("0-非留守儿童", parseLeftBehind); !ok || n != 0 {
		t.Errorf("是否留守儿童 0-非留守儿童 = %d, %v", n, ok)
	}
	for _, tc := range []struct {
		column string
		parse  func(string) (bool, bool)
		v      string
	}{
		{"是否孤儿", parseOrphan, "0-否"}, {"是否孤儿", parseOrphan, "0-非孤儿"},
		{"随迁子女", parseBool, "0-否"}, {"是否进城务工人员随迁子女", parseBool, "0"},
		{"是否残疾", parseBool, "0-无残疾"}, {"是否残疾", parseBool, "无"},
		{"家庭经济困难", parseHardship, "0-否"}, {"家庭经济困难", parseHardship, "0-不困难"},
		{"是否住校", parseBoarding, "1-走读"}, {"送教上门", parseBool, "0-否"},
	} {
		if b, ok := codeName(tc.v, tc.parse); !ok || b {
			t.Errorf("%s %q = %v, %v; want false", tc.column, tc.v, b, ok)
		}
	}
	// 就读方式 codes 1 as 走读: not boarding, as the yes/no columns read 1.
	for v, want := range map[string]string{"1": "day", "1-走读": "day", "走读": "day", "2": "boarding", "2-住校": "boarding"} {
		if got, ok := codeName(v, parseStudyMode); !ok || got != want {
			t.Errorf("就读方式 %q = %q, %v; want %q", v, got, ok, want)
		}
	}
	if p, ok := codeName("0-否", parsePoverty); !ok || p != "none" {
		t.Errorf("脱贫户类型 0-否 = %q, %v; want none", p, ok)
	}
}

// TestStudyModeCode: a 就读方式 column of bare codes makes 1 a day student
// and 2 a boarder, and fills boarding on update.
func TestStudyModeCode(t *testing.T) {
	st := storetest.SQLite(t)
	ctx := context.Background()
	opt := Options{ImplicitRefs: true, Actor: "test"}
	header := []string{"学籍号", "姓名", "出生日期", "学校代码", "年级", "就读方式"}
	if _, err := ImportRows(ctx, st, "students", "f.csv", header, [][]string{
		{"S1", "张一", "2012-06-15", "SCH01", "4", "1"}, {"S2", "张二", "2012-06-15", "SCH01", "4", "2"},
	}, nil, opt); err != nil {
		t.Fatal(err)
	}
	if _, err := ImportRows(ctx, st, "students", "f.csv", header, [][]string{
		{"S2", "张二", "2012-06-15", "SCH01", "4", "1-走读"},
	}, nil, opt); err != nil {
		t.Fatal(err)
	}
	var got []string
	if err := st.RawSelect(ctx, &got, `SELECT id || ':' || CASE WHEN boarding THEN 'boarding' ELSE 'day' END FROM students ORDER BY id`); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, []string{"S1:day", "S2:day"}) {
		t.Errorf("boarding: %v", got)
	}
}
