import Foundation

/// Jobs handled in arrival order by a few threads of their own, so that a
/// plugin's `send` only queues (the ABI: send must not block). Each thread
/// gets its own handler from `worker`, holding what it keeps between jobs
/// (a kept-alive connection). `finish` lets the queued jobs run, then joins
/// the threads: every queued job is handled, so its `done` is called.
public final class WorkQueue<Job>: @unchecked Sendable {
    private let condition = NSCondition()
    private var jobs: [Job] = []
    private var head = 0
    private var closing = false
    private let running = DispatchGroup()

    public init(threads: Int, name: String, worker: @escaping @Sendable (Int) -> (Job) -> Void) {
        for i in 0..<max(1, threads) {
            running.enter()
            let t = Thread { [self] in
                let handle = worker(i)
                while let job = next() { handle(job) }
                running.leave()
            }
            t.name = "\(name) \(i + 1)"
            t.start()
        }
    }

    public func add(_ job: Job) {
        condition.lock()
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    /// Runs what is queued, then stops the threads and returns.
    public func finish() {
        condition.lock(); closing = true; condition.broadcast(); condition.unlock()
        running.wait()
    }

    private func next() -> Job? {
        condition.lock()
        defer { condition.unlock() }
        while head == jobs.count && !closing { condition.wait() }
        guard head < jobs.count else { return nil }
        let job = jobs[head]
        head += 1
        // Drop the handled prefix now and then, not on every job.
        if head > 1024 && head * 2 > jobs.count { jobs.removeFirst(head); head = 0 }
        return job
    }
}
