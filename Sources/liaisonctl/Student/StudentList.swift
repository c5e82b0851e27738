import ArgumentParser
import LiaisonClient
import LiaisonCore
import LiaisonProtocol

struct StudentList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "Students, by class and by counselor.")

    @Option(name: .customLong("class"), help: "Only this class, e.g. 旅游2301班.") var className: String?
    @Option(help: "Only students of this counselor (staff id).") var counselor: String?
    @OptionGroup var global: GlobalOptions

    func run() throws {
        try global.call(Method.studentList, StudentListParams(className: className, counselor: counselor), as: [Student].self) { students, _ in
            var t = TextTable(["id", "name", "class", "college", "counselor", "tier"])
            for s in students { t.add([s.id, s.name, s.className, s.college, s.counselorID, s.tier.chineseName]) }
            return t.render() + "\n\(students.count) students"
        }
    }
}
