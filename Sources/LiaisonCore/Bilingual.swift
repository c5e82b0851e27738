/// A closed set of values with an English id and a Chinese name; a person
/// may type either (SIS exports and staff use both).
public protocol Bilingual: CaseIterable, RawRepresentable where RawValue == String, AllCases == [Self] {
    var chineseName: String { get }
}

extension Bilingual {
    /// The value whose id (in any case) or Chinese name is `text`.
    public static func named(_ text: String) -> Self? {
        let t = text.trimmingCharacters(in: .whitespaces)
        return Self(rawValue: t.lowercased()) ?? allCases.first { $0.chineseName == t }
    }

    /// `a, b, c`: the ids, for messages that list the choices.
    public static var usageList: String { allCases.map(\.rawValue).joined(separator: ", ") }
}
