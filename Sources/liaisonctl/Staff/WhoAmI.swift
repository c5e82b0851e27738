import ArgumentParser
import LiaisonClient
import LiaisonCore
import LiaisonProtocol

struct WhoAmI: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "whoami", abstract: "Who the daemon takes you for: role, whose data you see, what you may do.")

    @OptionGroup var global: GlobalOptions

    func run() throws {
        try global.call(Method.whoami, Empty(), as: WhoAmIResult.self) { w, display in
            var out = [display.fields([
                ("工号 staff", "\(w.staff.id) \(w.staff.name)"), ("角色 role", "\(w.staff.role.rawValue) \(w.staff.role.chineseName)"),
                ("学院 college", w.staff.college), ("范围 scope", w.responsibility),
                ("班级 classes", w.classes.map { "\($0.name)（\($0.counselorID == w.staff.id ? "辅导员" : "班主任")）" }.joined(separator: "、")),
            ])]
            out.append("may call: " + w.may.joined(separator: ", "))
            return out.joined(separator: "\n")
        }
    }
}
