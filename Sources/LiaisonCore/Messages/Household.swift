import Foundation

/// The guardians of one student who live at one postal address: a formal
/// letter goes to them together, one letter a household naming them all,
/// not one letter a guardian (issue 12; POLICY P2.2.2, the college's formal
/// document to the parents). A guardian's address is their roster
/// household's (issue 13, `household_id`); guardians of one student whose
/// addresses are the same once normalized (`normalize`) get one letter,
/// whether the roster put them in one household or in two. Pure.
public struct Household: Sendable, Equatable {
    /// In the order the guardians were given (the roster's).
    public var guardians: [Guardian]
    /// The normalized address; empty for a guardian with none, who is a
    /// household alone (a letter cannot reach them; the message falls to a
    /// phone call as any message without an address does).
    public var address: String

    public init(guardians: [Guardian], address: String) { self.guardians = guardians; self.address = address }

    /// The message's recipient id: the guardians' ids joined by `+`
    /// (`G1+G2`; roster ids never hold a `+`). A household of one is the
    /// guardian's own id, so that key and id are what they always were.
    public var recipientID: String { guardians.map(\.id).joined(separator: Self.separator) }

    /// The names as the letter addresses them together: 张建国、刘芳.
    public var names: String { guardians.map(\.name).joined(separator: "、") }

    /// 父亲、母亲.
    public var relations: String { guardians.map(\.relation).joined(separator: "、") }

    public static let separator = "+"

    /// The guardian ids a recipient id names (one, or a household's several).
    public static func guardianIDs(_ recipientID: String) -> [String] {
        recipientID.split(separator: Character(separator)).map(String.init)
    }

    /// The address as households are told apart: each line trimmed of
    /// spaces and tabs (ASCII and full-width), blank lines dropped, CRLF
    /// and CR read as line breaks. Nothing else is changed: two spellings of
    /// one address are two households (a person can merge them in the roster).
    public static func normalize(_ address: String) -> String {
        address.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
            .split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
            .joined(separator: "\n")
    }

    /// One household per distinct normalized address, in the order of each
    /// address's first guardian; every guardian without an address alone.
    public static func group(_ guardians: [Guardian]) -> [Household] {
        var out: [Household] = []
        var index: [String: Int] = [:]
        for g in guardians {
            let address = normalize(g.address)
            if address.isEmpty {
                out.append(Household(guardians: [g], address: ""))
            } else if let i = index[address] {
                out[i].guardians.append(g)
            } else {
                index[address] = out.count
                out.append(Household(guardians: [g], address: address))
            }
        }
        return out
    }
}
