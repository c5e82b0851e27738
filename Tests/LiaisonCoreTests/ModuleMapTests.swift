import Foundation
import Testing

/// The module map of docs/ARCHITECTURE.md, kept true (issue 15): the arrows
/// go Core ← Store/Config/Protocol ← Engine (which defines the delivery
/// port) ← Channels/Server ← executables, never back up. A module added to
/// Package.swift without a row here, or an import or dependency outside its
/// row, fails.
@Suite struct ModuleMapTests {
    /// Which Liaison modules each library module may import.
    static let allowed: [String: Set<String>] = [
        "LiaisonCore": [],
        "LiaisonPosix": [],
        "LiaisonSystemd": [],
        "LiaisonConfig": ["LiaisonCore"],
        "LiaisonStore": ["LiaisonCore"],
        "LiaisonProtocol": ["LiaisonCore"],
        "LiaisonEngine": ["LiaisonCore", "LiaisonStore", "LiaisonConfig"],
        // The dispatcher reaches the outbox only through the DeliveryPort
        // and is reached through the ChannelPort, both declared in Core:
        // neither the store nor the engine.
        "LiaisonChannels": ["LiaisonCore", "LiaisonProtocol", "LiaisonConfig", "LiaisonPosix"],
        "LiaisonServer": ["LiaisonCore", "LiaisonProtocol", "LiaisonEngine", "LiaisonStore", "LiaisonConfig", "LiaisonPosix"],
        "LiaisonClient": ["LiaisonCore", "LiaisonProtocol", "LiaisonPosix"],
        "LiaisonTestSupport": ["LiaisonChannels"],
    ]
    /// Targets that are not Liaison library modules: C shims, plugins and
    /// their kit, executables and tests (wiring; they may use any module).
    static let others: Set<String> = [
        "CSystemd", "CLiaisonChannel", "ChannelPluginKit", "OutboxChannel", "LogChannel", "WeComChannel", "CPangoCairo", "LetterRender",
        "LetterChannel", "MiniHTTP", "KannelChannel", "liaisond", "liaison-channel-host", "liaisonctl", "liaison-bench",
        "LiaisonCoreTests", "LiaisonConfigTests", "LiaisonStoreTests", "LiaisonClientTests", "LiaisonServerTests", "LiaisonIntegrationTests",
    ]

    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Each target's name and the Liaison modules it depends on, read from Package.swift.
    static func targets() throws -> [String: Set<String>] {
        let text = try String(contentsOf: root.appendingPathComponent("Package.swift"), encoding: .utf8)
        var out: [String: Set<String>] = [:]
        let starts = try Regex(#"\.(target|executableTarget|systemLibrary|testTarget)\(name: "([^"]+)""#)
        let matches = text.matches(of: starts)
        for (i, m) in matches.enumerated() {
            let name = String(m.output[2].substring ?? "")
            let end = i + 1 < matches.count ? matches[i + 1].range.lowerBound : text.endIndex
            let body = text[m.range.upperBound..<end]
            var deps = Set<String>()
            if let d = body.range(of: "dependencies: [") {
                var depth = 1
                var j = d.upperBound
                while j < body.endIndex, depth > 0 {
                    if body[j] == "[" { depth += 1 } else if body[j] == "]" { depth -= 1 }
                    j = body.index(after: j)
                }
                for q in body[d.upperBound..<j].matches(of: try Regex(#""(Liaison[A-Za-z]+)""#)) {
                    deps.insert(String(q.output[1].substring ?? ""))
                }
            }
            out[name] = deps
        }
        return out
    }

    @Test func everyTargetIsOnTheMapAndDependsOnlyDownward() throws {
        let targets = try Self.targets()
        #expect(targets.count > 20, "Package.swift was not read: \(targets.keys.sorted())")
        for (name, deps) in targets {
            guard let allowed = Self.allowed[name] else {
                #expect(Self.others.contains(name), "target \(name) is on no row of the module map (docs/ARCHITECTURE.md and ModuleMapTests.allowed)")
                continue
            }
            #expect(deps.isSubset(of: allowed), "\(name) depends on \(deps.subtracting(allowed).sorted()) outside the module map")
        }
    }

    @Test func everyImportOfALibraryModuleIsOnItsRow() throws {
        var checked = 0
        for (module, allowed) in Self.allowed {
            let dir = Self.root.appendingPathComponent("Sources/\(module)")
            guard let files = FileManager.default.enumerator(atPath: dir.path) else { Issue.record("no Sources/\(module)"); continue }
            for case let file as String in files where file.hasSuffix(".swift") {
                let text = try String(contentsOf: dir.appendingPathComponent(file), encoding: .utf8)
                for line in text.split(separator: "\n") where line.hasPrefix("import Liaison") || line.hasPrefix("@testable import Liaison") {
                    let imported = String(line.split(separator: " ").last ?? "")
                    checked += 1
                    #expect(allowed.contains(imported), "Sources/\(module)/\(file) imports \(imported), outside the module map")
                }
            }
        }
        #expect(checked > 50)
    }
}
