import LiaisonCore

/// A synthetic roster for demonstrations and `make run`: two colleges, their
/// counselors and supervisors, a Student Affairs officer, 320 students with
/// made-up Chinese names and their guardians. Deterministic: the same every
/// time, so a walkthrough can name `2023010101`.
public enum DemoRoster {
    struct Generator {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        mutating func next(_ n: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(n))
        }
        mutating func pick<T>(_ xs: [T]) -> T { xs[next(xs.count)] }
        mutating func digits(_ n: Int) -> String { (0..<n).map { _ in String(next(10)) }.joined() }
    }

    static let surnames = Array("王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段和").map(String.init)
    static let givenChars = Array("伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华玉萍红娥玲芬燕彩春菊凤洁梅琳素云莲真环雪荣爱妹香月莺媛瑞凡佳嘉琼勤珍贞莉桂娣叶璧璐娅琦晶妍茜秋珊莎锦黛青倩婷姣婉娴瑾颖露瑶怡婵雁蓓纨仪荷丹蓉眉君琴蕊薇菁梦岚苑婕馨瑗琰韵融园艺咏卿聪澜纯毓悦昭冰爽琬茗羽希宁欣飘育滢馥筠柔竹霭凝晓欢霄枫芸菲寒伊亚宜可姬舒影荔枝丽阳思").map(String.init)
    static let places = ["云南省丽江市古城区", "云南省大理市", "云南省昆明市五华区", "四川省成都市武侯区", "贵州省贵阳市南明区", "云南省曲靖市麒麟区", "云南省玉溪市红塔区", "湖南省长沙市岳麓区"]

    public static func make() -> Roster {
        var g = Generator()
        func name() -> String { g.pick(surnames) + g.pick(givenChars) + (g.next(3) == 0 ? "" : g.pick(givenChars)) }
        func mobile() -> String { "+861" + g.pick(["38", "39", "50", "58", "87", "36", "77", "89"]) + g.digits(8) }

        let colleges = [("01", "旅游管理学院", ["旅游管理", "酒店管理"]), ("02", "文化传媒学院", ["网络与新媒体", "视觉传达设计"])]
        var staff: [Staff] = [Staff(id: "S9001", name: "学生工作处 " + name(), role: .office, college: "学生工作处", phone: mobile())]
        var students: [Student] = []
        var guardians: [RosterGuardian] = []
        var households: [HouseholdRecord] = []
        var classes: [ClassRecord] = []
        for (code, college, majors) in colleges {
            staff.append(Staff(id: "S\(code)00", name: name(), role: .supervisor, college: college, phone: mobile()))
            for k in 1...4 {
                staff.append(Staff(id: "T\(code)0\(k)", name: name(), role: .counselor, college: college, phone: mobile()))
            }
            // Four classes per college of 40 students, one counselor each.
            for cls in 1...4 {
                let year = 2022 + (cls - 1) / 2 + 1
                let major = majors[(cls - 1) % majors.count]
                let className = "\(major.prefix(2))\(year % 100)0\(cls)班"
                classes.append(ClassRecord(name: className, college: college, major: major, grade: "\(year)", counselorID: "T\(code)0\(cls)"))
                for n in 1...40 {
                    let id = "\(year)\(code)0\(cls)" + (n < 10 ? "0\(n)" : "\(n)")
                    let roll = g.next(100)
                    let tier: Tier = roll < 5 ? .special : roll < 20 ? .key : .general
                    let s = Student(id: id, name: name(), gender: g.next(2) == 0 ? "男" : "女", college: college, major: major,
                                    className: className, counselorID: "T\(code)0\(cls)", tier: tier, phone: mobile(),
                                    birthDate: "\(year - 18 - g.next(2))-0\(1 + g.next(9))-1\(g.next(10))")
                    students.append(s)
                    let family = String(s.name.prefix(1))
                    let address = g.pick(places) + "\(1 + g.next(200))号"
                    // The parents live together: one household, its address.
                    households.append(HouseholdRecord(id: "H\(id)", address: address))
                    guardians.append(RosterGuardian(id: "G\(id)1", name: family + g.pick(givenChars) + g.pick(givenChars), phone: mobile(),
                                                    wechat: "wx_\(id)_f", preference: [.wechat, .phone, .sms, .letter], householdID: "H\(id)",
                                                    students: [GuardianLink(studentID: id, relation: "父亲")]))
                    if g.next(3) > 0 {
                        guardians.append(RosterGuardian(id: "G\(id)2", name: g.pick(surnames) + g.pick(givenChars) + g.pick(givenChars), phone: mobile(),
                                                        qq: "\(100000 + g.next(899999))", preference: [.phone, .sms, .qq, .letter],
                                                        householdID: "H\(id)", students: [GuardianLink(studentID: id, relation: "母亲")]))
                    }
                }
            }
        }
        return Roster(students: students, guardians: guardians, households: households, staff: staff, classes: classes)
    }
}
