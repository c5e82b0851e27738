import ArgumentParser
import LiaisonClient
import LiaisonCore
import LiaisonProtocol

struct CaseNote: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "note", abstract: "Add a note to a case's timeline.")

    @Argument(help: "Case id.") var id: String
    @Argument(help: "The note.") var text: String
    @OptionGroup var global: GlobalOptions

    func run() throws {
        try global.call(Method.caseNote, CaseNoteParams(id: id, text: text), as: CaseRecord.self) { c, _ in "noted on \(c.id) (\(c.noteCount) notes)" }
    }
}
