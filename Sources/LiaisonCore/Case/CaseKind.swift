/// The incidents the policy makes a case of: P2.2.3 (accident, severe
/// psychological disorder, sudden illness, aversion to study, suspension,
/// withdrawal, expulsion or a heavier sanction), P2.2.2 (sanctions and
/// status changes get a formal document), P1.5 (fraud and predatory loans).
public enum CaseKind: String, Codable, Sendable, Bilingual {
    case accident
    case suddenIllness = "sudden-illness"
    case psychologicalCrisis = "psychological-crisis"
    case studyAversion = "study-aversion"
    case suspension
    case withdrawal
    case sanction
    case fraudVictim = "fraud-victim"

    public var chineseName: String {
        switch self {
        case .accident: "意外事故"
        case .suddenIllness: "突发疾病"
        case .psychologicalCrisis: "严重心理障碍"
        case .studyAversion: "厌学"
        case .suspension: "休学"
        case .withdrawal: "退学"
        case .sanction: "违纪处分"
        case .fraudVictim: "电信诈骗/不良网贷受害"
        }
    }

    /// The POLICY.md clauses a case of this kind serves.
    public var policyIDs: [String] {
        switch self {
        case .accident: [Policy.incidents]
        case .suddenIllness, .psychologicalCrisis: [Policy.incidents, Policy.wellbeing]
        case .studyAversion: [Policy.incidents, Policy.study]
        case .suspension, .withdrawal: [Policy.incidents, Policy.termEnd]
        case .sanction: [Policy.incidents, Policy.termEnd, Policy.conduct]
        case .fraudVictim: [Policy.family, Policy.termEnd]
        }
    }

    /// Accepts the id, a few natural aliases and the Chinese name.
    public init?(text: String) {
        if let v = Self.named(text.replacingOccurrences(of: "_", with: "-")) { self = v; return }
        switch text.trimmingCharacters(in: .whitespaces).lowercased() {
        case "illness": self = .suddenIllness
        case "psychological", "mental-health", "crisis": self = .psychologicalCrisis
        case "expulsion", "discipline": self = .sanction
        case "fraud", "loan", "predatory-loan": self = .fraudVictim
        case "开除学籍", "处分": self = .sanction
        case "诈骗", "电信诈骗", "不良网贷": self = .fraudVictim
        case "心理危机", "心理障碍": self = .psychologicalCrisis
        default: return nil
        }
    }
}
