/// Clause ids of POLICY.md (the school's 家校联系制度, seeds/). Every rule,
/// event and template cites the ids it serves; seeds/TRACEABILITY.md maps
/// each id to code and tests.
public enum Policy {
    public static let wellbeing = "P1.1"
    public static let study = "P1.2"
    public static let conduct = "P1.3"
    public static let invitations = "P1.4"
    public static let family = "P1.5"
    public static let archives = "P2.1.1"
    public static let channels = "P2.1.2"
    public static let termContact = "P2.2.1"
    public static let termEnd = "P2.2.2"
    public static let incidents = "P2.2.3"
    public static let parentMeetings = "P2.3"
    public static let homeVisits = "P2.4"
    public static let tiers = "P3.1"
    public static let records = "P3.2"
    public static let assessment = "P3.3"

    /// Every id POLICY.md defines, in document order.
    public static let all: [String] = [
        wellbeing, study, conduct, invitations, family, archives, channels,
        termContact, termEnd, incidents, parentMeetings, homeVisits, tiers, records, assessment,
    ]
}
