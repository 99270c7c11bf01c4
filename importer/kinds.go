package importer

// kinds is every import KIND in dependency order: a KIND's references
// (schools of teachers, students of attendance, …) come from KINDs before it.
// Kinds and kindByName are derived from it. Read-only: a KIND's columns are
// never modified after they are built.
var kinds = []kindSpec{
	{name: "schools", columns: schoolColumns(), begin: beginSchools},
	{name: "teachers", columns: teacherColumns(), begin: beginTeachers},
	{name: "villages", columns: villageColumns(), begin: beginVillages},
	{name: "students", columns: studentColumns(), begin: beginStudents},
	{name: "calendar", columns: calendarColumns(), begin: beginCalendar},
	{name: "reports", columns: reportColumns(), begin: beginReports},
	{name: "attendance", columns: attendanceColumns(), begin: beginAttendance},
	{name: "contacts", columns: contactColumns(), begin: beginContacts},
	{name: "home-teaching", columns: homeTeachingColumns(), begin: beginHomeTeaching},
	{name: "registry", columns: registryColumns(), begin: beginRegistry},
	{name: "platform", columns: platformColumns(), begin: beginPlatform},
	{name: "survey", columns: surveyColumns(), begin: beginSurvey},
}

// kindNames returns the names of kinds, in order.
func kindNames() []string {
	names := make([]string, len(kinds))
	for i, k := range kinds {
		names[i] = k.name
	}
	return names
}

// kindByName returns the KIND of that name, nil when there is none.
func kindByName(name string) *kindSpec {
	for i := range kinds {
		if kinds[i].name == name {
			k := kinds[i]
			return &k
		}
	}
	return nil
}

// Header names shared by several KINDs: the SPEC's aliases and the variants
// of the real 学籍系统 and 控辍保学平台 exports. Functions, so no KIND can
// change another's list.
func aliasStudentID() []string {
	return []string{"学籍号", "全国学籍号", "学生学籍号", "全国中小学生学籍号", "学籍编号"}
}
func aliasName() []string { return []string{"姓名", "学生姓名"} }
func aliasBirth() []string {
	return []string{"出生日期", "出生年月日", "出生年月", "生日"}
}
func aliasNationalID() []string {
	return []string{"身份证号", "身份证件号", "身份证号码", "身份证件号码", "公民身份号码", "证件号码", "证件号", "身份证"}
}
func aliasIDType() []string {
	return []string{"身份证件类型", "身份证类型", "证件类型", "national_id_type"}
}
func aliasSchoolID() []string {
	return []string{"学校代码", "学校标识码", "学校编号", "学校编码", "学校id"}
}
func aliasTeacherID() []string {
	return []string{"教师编号", "教师工号", "工号", "教职工号", "教师id"}
}
func aliasTownship() []string {
	return []string{"乡镇", "乡镇(街道)", "乡镇街道", "乡镇/街道", "所在乡镇", "所属乡镇", "街道"}
}
func aliasVillage() []string {
	return []string{"村社区", "村(社区)", "村/社区", "村(居)", "村居", "社区", "村", "所在村社区"}
}
func aliasDate() []string { return []string{"日期"} }
func aliasNote() []string { return []string{"备注", "说明"} }

func schoolColumns() []column {
	return []column{
		{name: "id", required: true, aliases: append([]string{"school_id"}, aliasSchoolID()...)},
		{name: "name", required: true, aliases: []string{"学校名称", "学校", "名称", "school_name"}},
		{name: "center", required: true, aliases: []string{"教育管理中心", "片区教育管理中心", "管理中心", "片区", "所属片区", "所属教育管理中心"}},
		{name: "township", aliases: aliasTownship()},
	}
}

func teacherColumns() []column {
	return []column{
		{name: "id", required: true, aliases: append([]string{"teacher_id"}, aliasTeacherID()...)},
		{name: "name", required: true, aliases: []string{"姓名", "教师姓名"}},
		{name: "school_id", aliases: aliasSchoolID()},
		{name: "center", aliases: []string{"教育管理中心", "片区教育管理中心", "管理中心", "片区"}},
		{name: "role", aliases: []string{"角色", "职务", "岗位"}},
		{name: "phone", aliases: []string{"手机号", "手机号码", "手机", "联系电话", "电话"}},
		{name: "wecom_userid", aliases: []string{"企业微信账号", "企业微信", "企业微信id", "企业微信userid", "wecom"}},
		{name: "dingtalk_userid", aliases: []string{"钉钉账号", "钉钉", "钉钉id", "钉钉userid", "钉钉号", "dingtalk"}},
		{name: "email", aliases: []string{"邮箱", "电子邮箱", "电子信箱", "电子邮件", "e_mail", "mail"}},
	}
}

func villageColumns() []column {
	return []column{
		{name: "village", required: true, aliases: aliasVillage()},
		{name: "township", aliases: aliasTownship()},
		{name: "school_id", required: true, aliases: []string{"责任学校代码", "责任学校标识码", "责任学校", "学校代码", "学校标识码"}},
	}
}

func studentColumns() []column {
	return []column{
		{name: "id", required: true, aliases: append([]string{"student_id"}, aliasStudentID()...)},
		{name: "name", required: true, aliases: aliasName()},
		{name: "gender", aliases: []string{"性别"}},
		{name: "birth_date", required: true, aliases: aliasBirth()},
		{name: "national_id", aliases: aliasNationalID()},
		{name: "id_type", db: "-", aliases: aliasIDType()},
		{name: "school_id", required: true, aliases: aliasSchoolID()},
		{name: "grade", required: true, aliases: []string{"年级", "年级名称"}},
		{name: "class", aliases: []string{"班级", "班级名称", "班"}},
		{name: "homeroom_teacher_id", aliases: []string{"班主任编号", "班主任工号", "班主任"}},
		{name: "status", aliases: []string{"学籍状态", "学生状态", "状态"}},
		{name: "suspended_until", aliases: []string{"休学截止", "休学截止日期", "休学到期日期", "休学结束日期"}},
		{name: "returned_at", aliases: []string{"复学日期", "返校日期"}},
		{name: "township", aliases: aliasTownship()},
		{name: "village", aliases: aliasVillage()},
		{name: "left_behind", aliases: []string{"留守儿童", "是否留守儿童", "是否农村留守儿童", "农村留守儿童", "留守儿童类型", "留守情况"}},
		{name: "migrant", or: true, aliases: []string{"随迁子女", "是否进城务工人员随迁子女", "是否随迁子女", "进城务工人员随迁子女"}},
		{name: "returning", db: "returning_child", or: true, aliases: []string{"返乡儿童", "是否返乡儿童", "returning_child"}},
		{name: "orphan", or: true, aliases: []string{"孤儿", "是否孤儿", "事实无人抚养儿童", "是否事实无人抚养儿童"}},
		{name: "boarding", or: true, aliases: []string{"是否住校", "住校", "是否寄宿", "寄宿", "是否寄宿生", "是否住宿"}},
		// The registry's 就读方式 codes 1 as 走读 (not boarding), unlike a
		// yes/no column: a column of its own, read into boarding.
		{name: "study_mode", db: "-", aliases: []string{"就读方式"}},
		{name: "disabled", or: true, aliases: []string{"残疾", "是否残疾", "是否残疾人", "残疾儿童", "是否残疾儿童"}},
		{name: "disability_type", aliases: []string{"残疾人类型", "残疾类型", "残疾类别"}},
		{name: "disability_level", aliases: []string{"残疾等级", "残疾级别"}},
		{name: "hardship", or: true, aliases: []string{"家庭经济困难", "是否家庭经济困难", "家庭经济困难学生", "困难学生"}},
		{name: "poverty", aliases: []string{"脱贫户类型", "贫困户类型", "是否建档立卡贫困户", "建档立卡"}},
		{name: "home_taught", or: true, aliases: []string{"送教上门", "是否送教上门"}},
		{name: "pairing_teacher_id", aliases: []string{"帮扶教师编号", "帮扶教师工号", "帮扶教师", "结对教师编号"}},
		{name: "guardian_phone", aliases: []string{"监护人电话", "监护人联系电话", "监护人手机号", "家长电话", "联系电话"}},
	}
}

func calendarColumns() []column {
	return []column{
		{name: "from", db: "from_date", required: true, aliases: []string{"开始日期", "起始日期", "开始", "from_date", "start", "date", "日期"}},
		{name: "to", db: "to_date", aliases: []string{"结束日期", "截止日期", "结束", "to_date", "end"}},
		{name: "kind", required: true, aliases: []string{"类型", "日期类型", "种类"}},
		{name: "school_id", aliases: aliasSchoolID()},
		{name: "note", aliases: append([]string{"名称", "节日"}, aliasNote()...)},
	}
}

func attendanceColumns() []column {
	return []column{
		{name: "student_id", required: true, aliases: aliasStudentID()},
		{name: "date", required: true, aliases: append([]string{"考勤日期"}, aliasDate()...)},
		{name: "status", required: true, aliases: []string{"考勤状态", "出勤状态", "状态", "考勤"}},
		{name: "note", aliases: append([]string{"原因", "缺勤原因"}, aliasNote()...)},
	}
}

func contactColumns() []column {
	return []column{
		{name: "student_id", required: true, aliases: aliasStudentID()},
		{name: "date", required: true, aliases: append([]string{"联系日期"}, aliasDate()...)},
		{name: "teacher_id", required: true, aliases: append([]string{"联系教师编号"}, aliasTeacherID()...)},
		{name: "channel", aliases: []string{"方式", "联系方式", "渠道"}},
		{name: "outcome", aliases: []string{"结果", "联系结果"}},
		{name: "note", aliases: aliasNote()},
	}
}

func homeTeachingColumns() []column {
	return []column{
		{name: "student_id", required: true, aliases: aliasStudentID()},
		{name: "date", required: true, aliases: append([]string{"送教日期"}, aliasDate()...)},
		{name: "teacher_id", required: true, aliases: append([]string{"送教教师编号"}, aliasTeacherID()...)},
		{name: "class_hours", required: true, aliases: []string{"课时", "课时数", "送教课时"}},
		{name: "remote", aliases: []string{"远程", "是否远程", "远程送教"}},
	}
}

func registryColumns() []column {
	return []column{
		{name: "id", required: true, aliases: append([]string{"student_id"}, aliasStudentID()...)},
		{name: "name", required: true, aliases: aliasName()},
		{name: "birth_date", required: true, aliases: aliasBirth()},
		{name: "national_id", aliases: aliasNationalID()},
		{name: "id_type", db: "-", aliases: aliasIDType()},
		{name: "school_id", aliases: aliasSchoolID()},
		{name: "grade", aliases: []string{"年级", "年级名称"}},
		{name: "status", aliases: []string{"学籍状态", "学生状态", "状态"}},
	}
}

func platformColumns() []column {
	return []column{
		{name: "id", required: true, aliases: append([]string{"student_id"}, aliasStudentID()...)},
		{name: "name", required: true, aliases: aliasName()},
		{name: "birth_date", required: true, aliases: aliasBirth()},
		{name: "national_id", aliases: aliasNationalID()},
		{name: "id_type", db: "-", aliases: aliasIDType()},
		{name: "school_id", aliases: aliasSchoolID()},
		{name: "status", aliases: []string{"状态", "当前状态", "学生状态", "在校状态", "学籍状态", "辍学状态"}},
	}
}

func surveyColumns() []column {
	return []column{
		{name: "village", required: true, aliases: aliasVillage()},
		{name: "township", aliases: aliasTownship()},
		{name: "name", required: true, aliases: append([]string{"儿童姓名"}, aliasName()...)},
		{name: "birth_date", required: true, aliases: aliasBirth()},
		{name: "national_id", aliases: aliasNationalID()},
		{name: "id_type", db: "-", aliases: aliasIDType()},
		{name: "enrolled_school", aliases: []string{"就读学校", "在读学校", "就读学校代码", "就读学校名称"}},
		{name: "note", aliases: append([]string{"情况说明"}, aliasNote()...)},
	}
}
