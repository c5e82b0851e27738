/// The checks that need the whole rulebook or the whole set: references,
/// cycles, computability, escalation targets, policy ids, completeness.
/// Each problem names the place it was written (`file:line:column`).
public enum RuleSetValidation {
    public static func problems(in books: [Rulebook]) -> [String] {
        var out: [String] = []
        var seenKinds: [CaseKind: String] = [:]
        for book in books {
            if let other = seenKinds[book.kind] {
                out.append("\(book.source): a second rulebook for \(book.kind.rawValue); the first is at \(other)")
            }
            seenKinds[book.kind] = book.source
            out += problems(in: book)
        }
        for kind in CaseKind.allCases where seenKinds[kind] == nil {
            out.append("no rulebook for \(kind.rawValue) (\(kind.chineseName)); every case kind needs one")
        }
        return out
    }

    public static func problems(in book: Rulebook) -> [String] {
        var out: [String] = []
        if book.policy.isEmpty { out.append("\(book.source): the rulebook cites no policy id; add policy: [P2.2.3] or the ids it serves") }
        out += unknownPolicies(book.policy, at: book.source)
        if book.steps.isEmpty { out.append("\(book.source): the rulebook has no steps") }
        var ids: [String: String] = [:]
        for step in book.steps {
            if let first = ids[step.id] { out.append("\(step.source): step id \(step.id) is used twice (also at \(first))") }
            ids[step.id] = step.source
        }
        for step in book.steps {
            if step.policy.isEmpty { out.append("\(step.source): step \(step.id) cites no policy id; every step says which clause it serves") }
            out += unknownPolicies(step.policy, at: step.source)
            if step.notifiesParents && step.evidence < .delivered {
                out.append("\(step.source): step \(step.id) notifies parents but accepts evidence \(step.evidence.name); \"sent\" never proves a parent was told — ask for delivered or more")
            }
            if step.mandatory && step.due == nil {
                out.append("\(step.source): mandatory step \(step.id) has no deadline (due:); nobody would ever be told it is late")
            }
            if step.due != nil && step.escalate.isEmpty {
                out.append("\(step.source): step \(step.id) has a deadline but no escalation chain (escalate:)")
            }
            guard let due = step.due else { continue }
            switch due.span {
            case let .hours(h) where h <= 0: out.append("\(step.source): step \(step.id): a deadline of \(h) hours cannot be met; use a positive number")
            case let .workingDays(d) where d <= 0: out.append("\(step.source): step \(step.id): a deadline of \(d) working days cannot be met; use a positive number")
            default: break
            }
            if let anchor = due.afterStep {
                guard let a = book.step(anchor) else {
                    out.append("\(step.source): step \(step.id) is due after \(anchor), which is not a step of this rulebook (steps: \(book.steps.map(\.id).joined(separator: ", ")))")
                    continue
                }
                // A conditional anchor may not exist for a case that the
                // dependent step still applies to: its deadline could not be computed.
                if let c = a.when, step.when != c {
                    out.append("\(step.source): step \(step.id) is due after \(anchor), which applies only when \(c.rawValue); the deadline cannot be computed for other cases — give \(step.id) the same when: or another anchor")
                }
            }
        }
        out += cycles(in: book)
        return out
    }

    static func unknownPolicies(_ ids: [String], at source: String) -> [String] {
        ids.filter { !Policy.all.contains($0) }.map {
            "\(source): \($0) is not a clause of POLICY.md (the ids are \(Policy.all.joined(separator: ", ")))"
        }
    }

    /// Steps whose deadlines wait on each other in a circle.
    static func cycles(in book: Rulebook) -> [String] {
        var out: [String] = []
        var reported = Set<String>()
        for start in book.steps {
            var path = [start.id]
            var current = start
            while let next = current.due?.afterStep, let step = book.step(next) {
                if let i = path.firstIndex(of: next) {
                    let cycle = Array(path[i...]) + [next]
                    let key = Set(cycle).sorted().joined(separator: ",")
                    if !reported.contains(key) {
                        reported.insert(key)
                        out.append("\(book.step(cycle[0])!.source): the deadlines of \(cycle.joined(separator: " → ")) form a cycle; one of them must be due after the opening")
                    }
                    break
                }
                path.append(next)
                current = step
            }
        }
        return out
    }
}
