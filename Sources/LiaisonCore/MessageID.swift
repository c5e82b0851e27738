/// journald MESSAGE_IDs of the events operators search for
/// (`journalctl MESSAGE_ID=…`). Deploy/liaison.catalog explains each. Never
/// change one once shipped; add new ones.
public enum MessageID {
    public static let started = "4bd8c4913d584efead0a88f117e92fd7"
    public static let stopping = "0264fd1ead2b4490b4ce4aca1ceda8b8"
    public static let caseOpened = "511efe617ca74b0ead9395a1f4220259"
    public static let caseClosed = "3e22330444df49968a267fce2d1bb071"
    public static let deadlineMissed = "aa9a7081ab9a45c0aa9cca541d874122"
    public static let escalationSent = "f8c89f41dfd14a7ca6fc26d289eda2eb"
    public static let pluginCrashed = "3abe15d9ddbc44f29576cd6681bc93d8"
    public static let pluginRefused = "13f0b694826644648c8f06c52a445ceb"
    public static let pluginFailed = "7c1d2e0b9a5f4c86b3e41f8d26a09c57"
    public static let reloaded = "a2d732ecaf2243e68c66cd73c26780c2"
    public static let reloadFailed = "91f418158cd94f558b45ce56b4c3a119"
    public static let watchdogStalled = "ee45ed2ab25d43578fa4e9ffcdecf5bc"
    /// `audit verify` found the audit log's hash chain broken.
    public static let auditBroken = "5998f11b11564b908e2aae28ddd0087b"
}
