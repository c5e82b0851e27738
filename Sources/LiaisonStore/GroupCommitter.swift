import Dispatch
import GRDB
import LiaisonCore
import Synchronization

/// Group commit: writers that arrive while a transaction is committing wait,
/// then the first of them commits everything that queued up in one
/// transaction, one savepoint per writer. A writer's caller returns only
/// after the commit that holds its work. At one writer this is exactly one
/// transaction per write; under load it turns many fsyncs into one.
final class GroupCommitter: Sendable {
    /// One writer's work and where its outcome is left.
    final class Job: @unchecked Sendable {
        /// Dropped as soon as it has run: the caller's closure must not outlive
        /// its `submit` (SQLiteStore.write passes a non-escaping one).
        var work: ((Database) throws -> Void)?
        let done = DispatchSemaphore(value: 0)
        var error: (any Error)?
        var mustLead = false
        init(_ work: @escaping (Database) throws -> Void) { self.work = work }
    }

    struct State {
        var pending: [Job] = []
        var committing = false
    }

    let pool: DatabasePool
    let state = Mutex(State())

    init(pool: DatabasePool) { self.pool = pool }

    func submit(_ work: @escaping (Database) throws -> Void) throws {
        let job = Job(work)
        let leads = state.withLock { s -> Bool in
            s.pending.append(job)
            if s.committing { return false }
            s.committing = true
            return true
        }
        if !leads {
            job.done.wait()
            if job.mustLead { commitPending() }
        } else {
            commitPending()
        }
        if let error = job.error { throw error }
    }

    /// Commits everything pending in one transaction, then hands leadership to
    /// the next waiter, if any, and wakes the writers of this batch.
    private func commitPending() {
        let batch = state.withLock { s -> [Job] in
            let b = s.pending
            s.pending = []
            return b
        }
        do {
            try translate {
                try pool.writeWithoutTransaction { db in
                    try db.inTransaction(.immediate) {
                        // Savepoints through cached statements: GRDB's
                        // inSavepoint compiles both statements every time,
                        // which showed on the commit path.
                        let begin = try db.cachedStatement(sql: "SAVEPOINT job")
                        let release = try db.cachedStatement(sql: "RELEASE SAVEPOINT job")
                        let rollback = try db.cachedStatement(sql: "ROLLBACK TO SAVEPOINT job")
                        for job in batch {
                            try begin.execute()
                            do {
                                try job.work?(db)
                            } catch {
                                job.error = error
                                try rollback.execute()
                            }
                            try release.execute()
                            job.work = nil
                        }
                        return .commit
                    }
                }
            }
        } catch {
            // The commit itself failed: nothing in the batch was saved.
            for job in batch { job.error = error }
        }
        let next = state.withLock { s -> Job? in
            if let first = s.pending.first {
                first.mustLead = true
                return first
            }
            s.committing = false
            return nil
        }
        for job in batch { job.done.signal() }
        next?.done.signal()
    }
}
