// The WeCom HTTP API as the plugin uses it: one JSON call, the access_token
// cache, and what each documented errcode turns into (Plugins/wecom/README.md
// has the table). Every reply is HTTP 200 with `errcode`; success is
// errcode 0, never the errmsg text.
import CLiaisonChannel
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Foundation

/// What one send comes to, for `done`.
struct Outcome: Error {
    var status: Int32
    var providerID: String?
    var error: String?

    static func ok(_ providerID: String?) -> Outcome { Outcome(status: Int32(LIAISON_OK.rawValue), providerID: providerID, error: nil) }
    static func temporary(_ why: String) -> Outcome { Outcome(status: Int32(LIAISON_TEMPORARY.rawValue), providerID: nil, error: why) }
    static func permanent(_ why: String) -> Outcome { Outcome(status: Int32(LIAISON_PERMANENT.rawValue), providerID: nil, error: why) }
}

/// A reply, or why there is none.
enum Reply {
    case json([String: Any])
    /// No usable reply: the outcome to report (temporary for the network, 5xx, garbage).
    case failed(Outcome)

    var errcode: Int? {
        guard case let .json(o) = self else { return nil }
        return (o["errcode"] as? Int) ?? (o["errcode"] as? String).flatMap { Int($0) }
    }
}

/// Blocking JSON calls over URLSession (libcurl underneath): the plugin's
/// worker threads wait for them, never the host's thread.
final class HTTPClient: @unchecked Sendable {
    let session: URLSession
    let baseURL: String

    init(baseURL: String, timeout: TimeInterval, connections: Int) {
        let c = URLSessionConfiguration.ephemeral
        c.timeoutIntervalForRequest = timeout
        c.timeoutIntervalForResource = timeout
        c.httpMaximumConnectionsPerHost = connections
        c.urlCache = nil
        c.requestCachePolicy = .reloadIgnoringLocalCacheData
        c.httpShouldSetCookies = false
        session = URLSession(configuration: c)
        self.baseURL = baseURL
    }

    func invalidate() { session.invalidateAndCancel() }

    // When WeCom cannot be reached (refused, timed out, no DNS), sends that
    // start within the next few seconds fail at once instead of each waiting
    // for its own timeout: a queue of them would otherwise outlast the
    // daemon's send_timeout_seconds and get the host killed as hung.
    private let outageLock = NSLock()
    private var downUntil = Date.distantPast
    private var downWhy = ""
    private var downAt = Date.distantPast

    /// Why a send should not even try now, or nil.
    func outage() -> Outcome? {
        outageLock.lock(); defer { outageLock.unlock() }
        guard Date() < downUntil else { return nil }
        return .temporary("\(downWhy) (\(String(format: "%.1f", -downAt.timeIntervalSinceNow)) s ago; not tried again for a few seconds)")
    }

    private func markDown(_ why: String, for seconds: TimeInterval) {
        outageLock.lock(); downAt = Date(); downUntil = downAt.addingTimeInterval(seconds); downWhy = why; outageLock.unlock()
    }

    /// `path` with its query; `redacted` is what errors may show (no token, no key).
    func call(_ path: String, query: [(String, String)], body: Data?, redacted: String) -> Reply {
        var parts = URLComponents(string: baseURL + path)!
        parts.queryItems = query.map { URLQueryItem(name: $0.0, value: $0.1) }
        // URLComponents leaves '+' alone in a query; WeCom's secrets may contain it.
        parts.percentEncodedQuery = parts.percentEncodedQuery?.replacingOccurrences(of: "+", with: "%2B")
        guard let url = parts.url else { return .failed(.permanent("WeCom: cannot form a URL from base_url \(baseURL)")) }
        var request = URLRequest(url: url)
        if let body {
            request.httpMethod = "POST"
            request.httpBody = body
            request.setValue("application/json; charset=utf-8", forHTTPHeaderField: "Content-Type")
        }
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var result: (Data?, URLResponse?, Error?) = (nil, nil, nil)
        session.dataTask(with: request) { d, r, e in
            result = (d, r, e)
            done.signal()
        }.resume()
        done.wait()
        let (data, response, error) = result
        let at = "\(baseURL)\(redacted)"
        if let error {
            let why: String
            switch (error as? URLError)?.code {
            case .timedOut?: why = "no answer within the timeout"
            case .cannotConnectToHost?: why = "cannot connect (refused)"
            case .cannotFindHost?, .dnsLookupFailed?: why = "cannot resolve the host"
            case .networkConnectionLost?: why = "the connection was lost"
            case .secureConnectionFailed?, .serverCertificateUntrusted?, .serverCertificateHasBadDate?, .serverCertificateNotYetValid?,
                 .serverCertificateHasUnknownRoot?: why = "TLS failed (\(error.localizedDescription))"
            default: why = error.localizedDescription
            }
            markDown("WeCom \(at): \(why)", for: min(5, session.configuration.timeoutIntervalForRequest))
            return .failed(.temporary("WeCom \(at): \(why)"))
        }
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        guard status == 200 else {
            if status >= 500 || status == 429 || status == 408 {
                return .failed(.temporary("WeCom \(at): HTTP \(status)"))
            }
            return .failed(.permanent("WeCom \(at): HTTP \(status); WeCom answers every call with 200, so check base_url"))
        }
        guard let data, let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any], object["errcode"] != nil else {
            // (Not quoted: a proxy's page may echo the URL, with the token or the robot key in it.)
            return .failed(.temporary("WeCom \(at): the answer is not WeCom's JSON (\(data?.count ?? 0) bytes)"))
        }
        return .json(object)
    }
}

/// What a documented errcode means; nil for 0.
enum ErrorCode {
    case retryLater, refreshToken, message, recipient, configuration(key: String)

    static func classify(_ code: Int) -> ErrorCode? {
        switch code {
        case 0: return nil
        case -1, 45009, 45033: return .retryLater
        case 40014, 42001, 41001: return .refreshToken
        case 40008, 44004, 45002: return .message
        case 81013: return .recipient
        case 40001: return .configuration(key: "corpsecret")
        case 40013: return .configuration(key: "corpid")
        case 40056: return .configuration(key: "agentid")
        case 93000: return .configuration(key: "key")
        case 60020: return .configuration(key: "the application's trusted IP list (企业可信IP) on the admin console")
        case 48002: return .configuration(key: "the application's API permission on the admin console")
        // Other limits of the 45xxx family are frequency or quota limits: wait.
        case 45000..<46000: return .retryLater
        default: return .message
        }
    }

    static func describe(_ o: [String: Any]) -> String {
        "errcode \(o["errcode"] ?? "?") \(o["errmsg"] as? String ?? "")".trimmingCharacters(in: .whitespaces)
    }

    /// The outcome of a failed call (not a token problem the caller handles).
    static func outcome(_ code: Int, _ o: [String: Any], what: String) -> Outcome {
        let words = describe(o)
        switch classify(code) {
        case nil: return .ok(nil)
        case .retryLater?:
            let kind = code == -1 ? "WeCom is busy" : code == 45033 ? "WeCom's concurrency limit" : "WeCom's frequency limit"
            return .temporary("\(what): \(kind) (\(words)); try again later")
        case .refreshToken?: return .temporary("\(what): WeCom refused the access_token again after a refresh (\(words))")
        case .message?: return .permanent("\(what): WeCom refused the message (\(words))")
        case .recipient?: return .permanent("\(what): WeCom knows none of the recipients (\(words))")
        case let .configuration(key)?:
            return .permanent("\(what): the channel's configuration is wrong: check \(key) (\(words))")
        }
    }
}

/// The app's access_token: fetched when first needed, kept until
/// `expires_in` minus a margin, fetched again when WeCom says it is invalid
/// or expired. Threads that need it while it is being fetched wait for that
/// one fetch and share its result (WeCom rate-limits gettoken).
final class TokenCache: @unchecked Sendable {
    private let lock = NSCondition()
    private var token: String?
    private var expires = Date.distantPast
    private var fetching = false
    private var generation = 0
    private var lastFailure: Outcome?
    private var failureHeld = Date.distantPast
    private let fetch: () -> Result<(String, TimeInterval), FetchFailure>
    private let margin: TimeInterval
    struct FetchFailure: Error { var outcome: Outcome }

    init(margin: TimeInterval, fetch: @escaping () -> Result<(String, TimeInterval), FetchFailure>) {
        self.margin = margin
        self.fetch = fetch
    }

    /// A valid token; `stale` is one WeCom has just refused (it is dropped
    /// unless someone already replaced it).
    func get(replacing stale: String? = nil) -> Result<String, FetchFailure> {
        lock.lock()
        if let stale, token == stale { token = nil }
        while true {
            if let token, Date() < expires { lock.unlock(); return .success(token) }
            // A configuration error (bad secret) holds for a while: no gettoken per message.
            if token == nil, Date() < failureHeld, let failure = lastFailure {
                lock.unlock()
                return .failure(FetchFailure(outcome: failure))
            }
            guard fetching else { break }
            // Someone is fetching: wait for that fetch, and share its failure.
            let waitingFor = generation
            while fetching && generation == waitingFor { lock.wait() }
            if generation != waitingFor, token == nil, let failure = lastFailure {
                lock.unlock()
                return .failure(FetchFailure(outcome: failure))
            }
        }
        fetching = true
        lock.unlock()
        let result = fetch()
        lock.lock()
        fetching = false
        generation += 1
        switch result {
        case let .success((t, lifetime)):
            token = t
            // Keep it until the margin before it expires (half its life for short ones).
            expires = Date().addingTimeInterval(max(lifetime - margin, lifetime / 2))
            lastFailure = nil
        case let .failure(f):
            token = nil
            lastFailure = f.outcome
            if f.outcome.status == Int32(LIAISON_PERMANENT.rawValue) { failureHeld = Date().addingTimeInterval(30) }
        }
        lock.broadcast()
        lock.unlock()
        return result.map { $0.0 }
    }
}
