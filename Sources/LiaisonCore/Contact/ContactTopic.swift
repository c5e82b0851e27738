/// What a contact with parents was about: the contents of Part 1 of the
/// policy, plus parents' views on the school's work (P2.2.1).
public enum ContactTopic: String, Codable, Sendable, Bilingual {
    case wellbeing
    case study
    case academicWarning = "academic-warning"
    case conduct
    case awards
    case sanction
    case invitation
    case family
    case fraud
    case feedback

    public var chineseName: String {
        switch self {
        case .wellbeing: "思想与身心"
        case .study: "学习情况"
        case .academicWarning: "学业预警"
        case .conduct: "在校表现"
        case .awards: "表彰奖励"
        case .sanction: "违纪处分"
        case .invitation: "邀请来校"
        case .family: "家庭情况"
        case .fraud: "防范诈骗"
        case .feedback: "意见建议"
        }
    }

    public var policyID: String {
        switch self {
        case .wellbeing: Policy.wellbeing
        case .study, .academicWarning: Policy.study
        case .conduct, .awards, .sanction: Policy.conduct
        case .invitation: Policy.invitations
        case .family, .fraud: Policy.family
        case .feedback: Policy.termContact
        }
    }

    public init?(text: String) {
        guard let v = Self.named(text) else { return nil }
        self = v
    }
}
