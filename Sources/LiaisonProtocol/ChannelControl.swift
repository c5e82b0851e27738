/// What the control server may ask of the channels: the port `liaisond`
/// hands it (`ChannelDispatcher` implements it), so the server knows no
/// plugin, host or dispatcher (docs/ARCHITECTURE.md).
public protocol ChannelControl: AnyObject, Sendable {
    /// Every configured channel as it runs now.
    func statuses() -> [PluginStatus]
    func status(_ name: String) throws -> PluginStatus
    /// Starts a stopped, refused or failed channel; returns once it runs or says why not.
    func load(_ name: String) throws -> PluginStatus
    func unload(_ name: String) throws -> PluginStatus
    /// A new host on the (new) plugin file; new sends move to it once ready.
    func reload(_ name: String) throws -> PluginStatus
    /// One message straight through a channel's running host (`channel test`).
    func test(_ p: ChannelTestParams) throws -> ChannelTestResult
}
