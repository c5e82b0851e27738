/// A small roster as a student information system would export it.
enum Fixtures {
    static let staff = """
        staff_id,name,role,college,unix_user,phone
        T0101,王丽,counselor,旅游管理学院,,13800000001
        S0100,李强,supervisor,旅游管理学院,,13800000002
        T0102,赵敏,counselor,旅游管理学院,nobody,13800000003

        """
    // With a BOM, CRLF line ends and a quoted field holding a comma, as Excel writes.
    static let students = "\u{FEFF}学号,姓名,性别,学院,专业,班级,辅导员工号,关注等级\r\n"
        + "2023010101,张三,男,旅游管理学院,旅游管理,旅游2301班,T0101,重点\r\n"
        + "2023010102,欧阳娜娜,女,旅游管理学院,\"酒店管理,国际方向\",旅游2301班,T0101,一般\r\n"
        + "2023010201,李四,男,旅游管理学院,旅游管理,旅游2302班,T0102,特殊\r\n"
    static let guardians = """
        guardian_id,student_id,name,relation,phone,wechat,qq,address,preference
        G1,2023010101,张建国,父亲,13900000001,zhangjg,,云南省丽江市古城区1号,wechat>phone
        G2,2023010101,刘芳,母亲,13900000002,,12345678,,phone>qq
        G3,2023010102,欧阳海,父亲,13900000003,,,,
        G4,2023010201,李大山,父亲,0888-5123456,,,"云南省大理市
        下关镇2号",letter>phone

        """
}
