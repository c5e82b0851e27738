import Foundation
import GRDB
import Testing
@testable import LiaisonCore
@testable import LiaisonEngine
@testable import LiaisonStore
import LiaisonConfig

/// Personal data at rest (issue 14.4), on a real SQLite file: sealed in
/// every column that holds it, opened only with the right key, found by
/// keyed hash, re-sealed under a new key in batches, and a database from
/// before sealing sealed at first open with no plaintext page left.
@Suite struct SealingStoreTests {
    let clock = ManualClock(SchoolCalendar().parse("2026-11-29 09:00")!)
    let office = Staff(id: "O1", name: "学工处", role: .office)

    func keyring(_ lines: String...) throws -> Keyring { try Keyring.parse(lines.joined(), file: "test.key") }

    func directory() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("liaison-seal-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    /// The demo roster and a case with a summary and a note, on `store`.
    func seed(_ store: SQLiteStore) throws -> (engine: Engine, caseID: String, phone: String) {
        let engine = Engine(store: store, clock: clock)
        engine.setRulebooks(try RulebookLoader.load(directory: shippedRules), templates: shippedTemplates)
        _ = try engine.loadDemoRosterIfEmpty()
        let c = try engine.openCase(kind: .accident, studentID: "2023010101", summary: "左踝骨折 ankle-fracture-QX7", occurredAt: nil, by: office)
        _ = try engine.noteCase(c.id, text: "父亲说明天到校 father-arrives-QX7", by: office)
        let phone = try #require(try store.read { try $0.guardians(ofStudent: "2023010101") }.first?.phone)
        return (engine, c.id, phone)
    }

    /// Every byte of the database file and its WAL.
    func fileBytes(_ path: String) -> Data {
        [path, path + "-wal"].reduce(Data()) { $0 + ((try? Data(contentsOf: URL(fileURLWithPath: $1))) ?? Data()) }
    }

    func contains(_ data: Data, _ text: String) -> Bool { data.range(of: Data(text.utf8)) != nil }

    @Test func personalDataIsSealedInTheFileAndOpensThroughTheStore() throws {
        let path = try directory() + "/liaison.db"
        let store = try SQLiteStore(path: path, sealer: Sealer(keyring: try keyring(Keyring.newKeyLine(id: "k1"))))
        let (engine, caseID, phone) = try seed(store)
        // Read back whole through the store…
        #expect(try engine.caseDetail(caseID, by: office).record.summary == "左踝骨折 ankle-fracture-QX7")
        #expect(try store.read { try $0.guardians(address: phone) }.contains { $0.studentID == "2023010101" })
        // …and nowhere in the file: not the summary, the note, the number (in any form).
        let bytes = fileBytes(path)
        for secret in ["ankle-fracture-QX7", "father-arrives-QX7", "左踝骨折", phone, String(phone.suffix(11))] {
            #expect(!contains(bytes, secret), "\(secret) is in the file")
        }
        // The check can fail: what is not personal is there in plaintext.
        #expect(contains(bytes, "2023010101") && contains(bytes, caseID))
        let sealed = try DatabaseQueue(path: path).read { try String.fetchOne($0, sql: "SELECT phone FROM guardians LIMIT 1") }
        #expect(sealed?.hasPrefix("sealed1:k1:") == true)
    }

    @Test func aWrongOrMissingKeyIsRefusedAndDataKeyNoneCannotOpenASealedDatabase() throws {
        let path = try directory() + "/liaison.db"
        let k1 = Keyring.newKeyLine(id: "k1")
        _ = try seed(try SQLiteStore(path: path, sealer: Sealer(keyring: try keyring(k1))))
        #expect(try SQLiteStore.sealedKeyIDs(path: path) == ["k1"])
        let wrong = #expect(throws: DataKeyRefusal.self) { try SQLiteStore(path: path, sealer: Sealer(keyring: try keyring(Keyring.newKeyLine(id: "k1")))) }
        #expect(wrong?.description.contains("not the key") == true)
        let missing = #expect(throws: DataKeyRefusal.self) { try SQLiteStore(path: path, sealer: Sealer(keyring: try keyring(Keyring.newKeyLine(id: "k2")))) }
        #expect(missing?.description.contains("sealed under data key k1") == true)
        let none = #expect(throws: DataKeyRefusal.self) { try SQLiteStore(path: path, sealer: .plaintext) }
        #expect(none?.description.contains("data_key: none") == true)
        // The right key still opens it.
        let store = try SQLiteStore(path: path, sealer: Sealer(keyring: try keyring(k1)))
        #expect(try store.read { try $0.student("2023010101") }?.phone.hasPrefix("+86") == true)
    }

    @Test func rotationReSealsEveryValueInBatchesAndRetiresTheOldKey() throws {
        let path = try directory() + "/liaison.db"
        let k1 = Keyring.newKeyLine(id: "k1"), k2 = Keyring.newKeyLine(id: "k2")
        let store = try SQLiteStore(path: path, sealer: Sealer(keyring: try keyring(k1)))
        let (engine, caseID, phone) = try seed(store)
        let before = try store.keyStatus()
        #expect(before.keys.map(\.id) == ["k1"] && before.keys[0].values > 1000 && before.plaintextValues == 0)
        // A new key seals new values at once; a batch of 7 rows crosses many batches in every table.
        store.sealer.install(try keyring(k1, k2))
        try store.recordKeys()
        let resealed = try store.resealAll(batch: 7)
        let after = try store.keyStatus()
        #expect(resealed > 1000)
        #expect(after.keys.first { $0.id == "k1" }?.values == 0 && after.keys.first { $0.id == "k1" }?.retiredAt != nil)
        #expect(after.keys.first { $0.id == "k2" }?.values == before.keys[0].values)
        #expect(try engine.caseDetail(caseID, by: office).record.summary == "左踝骨折 ankle-fracture-QX7")
        #expect(!(try store.read { try $0.guardians(address: phone) }).isEmpty)
        try store.close()
        // k1 retired: the key file may drop it; k2 alone opens everything.
        let reopened = try SQLiteStore(path: path, sealer: Sealer(keyring: try keyring(k2)))
        #expect(!(try reopened.read { try $0.guardians(address: phone) }).isEmpty)
        #expect(try reopened.read { try $0.events(caseID: caseID) }.count >= 2)
    }

    @Test func aDatabaseFromBeforeSealingIsSealedAtFirstOpenWithNoPlaintextLeft() throws {
        let path = try directory() + "/liaison.db"
        let plain = try SQLiteStore(path: path)
        let (_, caseID, phone) = try seed(plain)
        try plain.close()
        #expect(contains(fileBytes(path), "ankle-fracture-QX7"))
        let store = try SQLiteStore(path: path, sealer: Sealer(keyring: try keyring(Keyring.newKeyLine(id: "k1"))))
        let bytes = fileBytes(path)
        for secret in ["ankle-fracture-QX7", "father-arrives-QX7", phone] { #expect(!contains(bytes, secret), "\(secret) left in the file") }
        #expect(try store.keyStatus().plaintextValues == 0)
        #expect(try store.read { try $0.caseRecord(caseID) }?.summary == "左踝骨折 ankle-fracture-QX7")
        #expect(!(try store.read { try $0.guardians(address: phone) }).isEmpty)
    }

    @Test func keyFilesAreParsedStrictly() throws {
        let good = Keyring.newKeyLine(id: "k1")
        #expect(try Keyring.parse("# comment\n\n" + good, file: "f").current.id == "k1")
        for (text, says) in [("k1 c2hvcnQ=\n", "f:1: key k1 is not 32 bytes"), ("k1\n", "f:1: a key line is"),
                             ("# c\n" + good + good, "f:3: key id k1 appears twice"), ("", "holds no key"), ("bad/id " + String(good.dropFirst(3)), "f:1: key id")] {
            let e = #expect(throws: LiaisonError.self) { try Keyring.parse(text, file: "f") }
            #expect(e?.message.contains(says) == true, "\(e?.message ?? "") lacks \(says)")
        }
    }

    /// Opened values are kept for the next read, by column: a value copied
    /// into another column still does not open, and a damaged one never does.
    @Test func aValueOpensOnlyInItsOwnColumnCachedOrNot() throws {
        let sealer = Sealer(keyring: try keyring(Keyring.newKeyLine(id: "k1")))
        let sealed = sealer.seal("+8613900000001", .guardianPhone)
        #expect(sealed.hasPrefix("sealed1:k1:") && sealed != sealer.seal("+8613900000001", .guardianPhone), "a fresh nonce each time")
        for _ in 0..<2 { #expect(try sealer.open(sealed, .guardianPhone) == "+8613900000001") }
        #expect(throws: LiaisonError.self) { try sealer.open(sealed, .studentPhone) }
        let damaged = String(sealed.dropLast(4)) + (sealed.hasSuffix("AAAA") ? "BBBB" : "AAAA")
        #expect(throws: LiaisonError.self) { try sealer.open(damaged, .guardianPhone) }
        #expect(try sealer.open("13900000001", .guardianPhone) == "13900000001", "plaintext from before sealing reads as it is")
    }
}
