import ArgumentParser
import Foundation
import LiaisonClient
import LiaisonCore
import LiaisonProtocol

struct TaskList: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "Work for a person: phone calls no channel could make for the system (open ones; with --case, all of that case's).")

    @Option(name: .customLong("case"), help: "All of this case's tasks, done ones too.") var caseID: String?
    @OptionGroup var global: GlobalOptions

    func run() throws {
        try global.call(Method.taskList, TaskListParams(caseID: caseID), as: [PersonTask].self) { list, display in
            var t = TextTable(["id", "case", "step", "for", "kind", "since", "done", "what to do"])
            for k in list {
                t.add(["\(k.id)", k.caseID, k.stepID, k.assignee, k.kind, display.time(k.createdAt), k.doneAt.map(display.time) ?? "—", k.text])
            }
            return list.isEmpty ? (caseID == nil ? "no open tasks" : "no tasks for case \(caseID!)") : t.render() + "\n\(list.count) tasks"
        }
    }
}
