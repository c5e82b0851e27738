/// The columns of the five roster files, with the Chinese headers a student
/// information system export may use instead. docs/ROSTER.md documents them.
public struct RosterColumn: Sendable {
    public var name: String
    public var aliases: [String]
    public var required: Bool

    init(_ name: String, _ aliases: [String], required: Bool = false) {
        self.name = name; self.aliases = aliases; self.required = required
    }
}

public enum RosterColumns {
    public static let students: [RosterColumn] = [
        .init("student_id", ["学号"], required: true),
        .init("name", ["姓名"], required: true),
        .init("gender", ["性别"]),
        .init("college", ["学院", "二级学院"], required: true),
        .init("major", ["专业"]),
        .init("class", ["班级"], required: true),
        .init("counselor_id", ["辅导员工号", "辅导员"]),
        .init("tier", ["关注等级", "类别"]),
        .init("phone", ["手机", "手机号", "电话"]),
        .init("birth_date", ["出生日期"]),
    ]
    public static let guardians: [RosterColumn] = [
        .init("guardian_id", ["家长编号", "监护人编号"], required: true),
        .init("student_id", ["学号"], required: true),
        .init("name", ["姓名", "家长姓名"], required: true),
        .init("relation", ["关系", "与学生关系"], required: true),
        .init("phone", ["手机", "手机号", "电话"]),
        .init("phone2", ["备用电话", "第二电话", "其他电话"]),
        .init("wechat", ["微信", "微信号"]),
        .init("qq", ["QQ", "QQ号"]),
        .init("address", ["地址", "通讯地址"]),
        .init("preference", ["联系偏好", "首选联系方式"]),
        .init("household_id", ["家庭编号", "户号"]),
    ]
    public static let staff: [RosterColumn] = [
        .init("staff_id", ["工号"], required: true),
        .init("name", ["姓名"], required: true),
        .init("role", ["角色", "岗位"], required: true),
        .init("college", ["学院", "二级学院"]),
        .init("unix_user", ["系统账号", "账号"]),
        .init("phone", ["手机", "手机号", "电话"]),
    ]
    public static let classes: [RosterColumn] = [
        .init("class", ["班级"], required: true),
        .init("college", ["学院", "二级学院"], required: true),
        .init("major", ["专业"]),
        .init("grade", ["年级"]),
        .init("counselor_id", ["辅导员工号", "辅导员"], required: true),
        .init("teacher_id", ["班主任工号", "班主任"]),
    ]
    public static let records: [RosterColumn] = [
        .init("student_id", ["学号"], required: true),
        .init("kind", ["类别", "记录类别"], required: true),
        .init("title", ["名称", "事由"]),
        .init("level", ["级别", "等级"], required: true),
        .init("date", ["日期", "生效日期"], required: true),
        .init("reasons", ["原因", "说明"]),
        .init("document", ["文号"]),
    ]
}
