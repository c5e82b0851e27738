import Foundation
import Glibc
import LiaisonChannels
import LiaisonTestSupport
import MiniHTTP

/// SMS end to end through a real Kannel (bearerbox, smsbox, fakesmsc) with
/// delivery reports, two ways in the same run: Liaison's whole path
/// (committed outbox rows → dispatcher → plugin host → kannel plugin →
/// smsbox → SMSC → DLR → plugin listener → receipt recorded on the case),
/// and Kannel driven directly by a plain HTTP client (the same kept-alive
/// GETs on the same number of connections, DLRs counted by a bare listener).
/// The ratio is what Liaison's path costs over the gateway's own.
func smsSection(binDir: URL, dir: URL, rulesDirectory: String, rounds: Int) throws -> (lines: [String], json: [String: Double]) {
    guard KannelStack.installed else {
        return (["sms: Kannel is not installed (Deploy/deps.sh installs it); skipped"], [:])
    }
    let total = Int(ProcessInfo.processInfo.environment["LIAISON_BENCH_SMS"] ?? "") ?? 5000
    let connections = Int(ProcessInfo.processInfo.environment["LIAISON_BENCH_SMS_CONNECTIONS"] ?? "") ?? 8
    var direct: [Double] = [], liaison: [Double] = []
    for round in 0..<rounds {
        direct.append(try kannelDirect(dir: dir.appendingPathComponent("kannel-direct-\(round)"), total: total, connections: connections))
        let k = try KannelStack(dir: dir.appendingPathComponent("kannel-liaison-\(round)").path)
        let port = k.callbackPort
        try k.start()
        defer { k.stop() }
        let config = #"{"sendsms_url":"\#(k.sendsmsURL)","username":"\#(k.username)","password":"\#(k.password)","callback_listen":"127.0.0.1:\#(port)","connections":\#(connections)}"#
        let r = try channelBench(binDir: binDir, dir: dir, rulesDirectory: rulesDirectory, plugin: "kannel", serves: ["sms"], config: { _ in config }, total: total)
        liaison.append(r.perSecond)
    }
    let d = median(direct), l = median(liaison)
    return ([
        "sms: \(total) messages through a real Kannel + fakesmsc, each until its delivery report (median of \(rounds), \(connections) connections)",
        String(format: "  Liaison (outbox → host → kannel plugin → DLR recorded on the case) %7.0f msg/s", l),
        String(format: "  Kannel driven directly by a plain HTTP client (DLRs counted)       %7.0f msg/s", d),
        String(format: "  ratio Liaison/direct = %.2f", l / d),
    ], ["sms_liaison_msgs": l, "sms_direct_msgs": d, "ratio_sms_liaison_direct": l / d])
}

/// Messages a second from the first sendsms until the last DLR, with no
/// Liaison in the path.
func kannelDirect(dir: URL, total: Int, connections: Int) throws -> Double {
    let k = try KannelStack(dir: dir.path)
    let port = k.callbackPort
    try k.start()
    defer { k.stop() }
    let delivered = DispatchSemaphore(value: 0)
    let server = try CallbackServer(listen: "127.0.0.1:\(port)") { path, query in
        if path == "/dlr", query["t"] == Array("1".utf8) { delivered.signal() }
        return 200
    }
    defer { server.stop() }
    let body = "张建国您好：您的孩子张三在校发生需要您及时知晓的情况，请尽快联系辅导员王丽（13800000001）。收到请回复本短信。【丽江文旅学院】"
    let url = URLComponents(string: k.sendsmsURL)!
    @Sendable func target(_ i: Int) -> String {
        let dlr = "http://127.0.0.1:\(port)/dlr?k=\(i)&t=%d"
        return url.path + "?" + [("username", k.username), ("password", k.password), ("to", "13900000001"), ("charset", "UTF-8"), ("coding", "2"),
                                 ("text", body), ("dlr-mask", "19"), ("dlr-url", dlr)].map { $0.0 + "=" + formEncoded($0.1) }.joined(separator: "&")
    }
    let next = NSLock()
    nonisolated(unsafe) var issued = 0
    let start = nowNS()
    let senders = DispatchGroup()
    for _ in 0..<connections {
        senders.enter()
        Thread {
            defer { senders.leave() }
            let c = HTTPClientConnection(host: url.host!, port: UInt16(url.port!), timeoutSeconds: 10)
            while true {
                next.lock(); let i = issued; issued += 1; next.unlock()
                guard i < total else { return }
                guard let r = try? c.get(target(i)), r.status == 202 else { fatalError("Kannel refused a direct send") }
            }
        }.start()
    }
    for _ in 0..<total { delivered.wait() }
    return Double(total) / (Double(nowNS() - start) / 1e9)
}
