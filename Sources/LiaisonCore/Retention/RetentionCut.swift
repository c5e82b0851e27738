import Foundation

/// What a purge cuts out of a logged event's payload (pure). The log stays
/// append-only: who, when, what type, which case and student and which
/// policy never change (the store's trigger refuses it); only the named
/// personal fields become empty, and `purged` says which class ended and
/// when. Every key stays, empty, so that replaying the log through the
/// projector rebuilds the purged state (a guardian without a name is still
/// a guardian of their students; a case without a summary is still a case
/// of its kind with its dates and steps).
public enum RetentionCut {
    /// The marker key a cut payload carries: `case_content 2026-12-04`.
    public static let marker = "purged"

    /// The class an event type's personal fields belong to, and those fields.
    public static func fields(of type: EventType) -> (RetentionClass, [String])? {
        switch type {
        case .caseOpened: (.caseContent, ["summary"])
        case .caseNoted: (.caseContent, ["text"])
        case .caseClosed: (.caseContent, ["resolution", "reason"])
        case .stepEvidence: (.caseContent, ["note", "guardian_name"])
        case .meetingRecorded: (.caseContent, ["with", "note"])
        case .stepWaived: (.caseContent, ["reason"])
        case .recordAdded, .recordChanged: (.caseContent, ["reasons"])
        case .contactLogged: (.contacts, ["summary", "feedback"])
        case .studentAdded, .studentChanged: (.contactDetails, ["phone"])
        // `address`: a guardian's own address, from before households.
        case .guardianAdded, .guardianChanged: (.contactDetails, ["name", "phone", "phone2", "wechat", "qq", "address", "preference"])
        case .householdAdded, .householdChanged: (.contactDetails, ["address"])
        default: nil
        }
    }

    /// The event types whose payloads a class's purge cuts.
    public static func types(of c: RetentionClass) -> [EventType] {
        EventType.allCases.filter { fields(of: $0)?.0 == c }
    }

    /// The payload with the class's fields emptied and the marker added;
    /// nil when the type carries none, or it was cut already.
    public static func cut(_ payload: [String: String], type: EventType, day: String) -> [String: String]? {
        guard let (c, keys) = fields(of: type), payload[marker] == nil else { return nil }
        var p = payload
        for k in keys where p[k] != nil { p[k] = "" }
        p[marker] = "\(c.rawValue) \(day)"
        return p
    }
}
