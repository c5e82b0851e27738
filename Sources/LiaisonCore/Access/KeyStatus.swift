import Foundation

/// The keys a database knows and how many values each seals (`key status`).
public struct KeyStatus: Codable, Sendable, Equatable {
    public struct Key: Codable, Sendable, Equatable {
        public var id: String
        public var addedAt: Date
        public var retiredAt: Date?
        /// Sealed values under this key now.
        public var values: Int
        public var current: Bool
        public var inKeyFile: Bool

        public init(id: String, addedAt: Date, retiredAt: Date?, values: Int, current: Bool, inKeyFile: Bool) {
            self.id = id; self.addedAt = addedAt; self.retiredAt = retiredAt; self.values = values; self.current = current; self.inKeyFile = inKeyFile
        }
    }
    public var sealing: Bool
    public var keys: [Key]
    /// Values not sealed at all (a database made with `data_key: none`).
    public var plaintextValues: Int

    public init(sealing: Bool, keys: [Key], plaintextValues: Int) {
        self.sealing = sealing; self.keys = keys; self.plaintextValues = plaintextValues
    }
}

/// What `key rotate` did.
public struct KeyRotation: Codable, Sendable, Equatable {
    /// The key that seals new values now, and whether this rotation made it.
    public var current: String
    public var newKey: Bool
    /// Rows whose values were re-sealed under it.
    public var resealed: Int
    public var seconds: Double
    /// The keys retired: nothing is sealed under them any more.
    public var retired: [String]
    public var status: KeyStatus

    public init(current: String, newKey: Bool, resealed: Int, seconds: Double, retired: [String], status: KeyStatus) {
        self.current = current; self.newKey = newKey; self.resealed = resealed; self.seconds = seconds; self.retired = retired; self.status = status
    }
}


