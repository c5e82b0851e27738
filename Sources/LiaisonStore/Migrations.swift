import GRDB

/// Schema migrations. Names never change once shipped, and no app type is
/// used inside them (GRDB's guide): each is plain SQL as it was that day.
enum Migrations {
    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("2026-11-29 event log, roster, cases, contacts") { db in
            try db.execute(sql: """
                CREATE TABLE events (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT,
                    at INTEGER NOT NULL,            -- ms since the epoch
                    actor TEXT NOT NULL,            -- staff id, 'root' or 'system'
                    type TEXT NOT NULL,
                    case_id TEXT,
                    student_id TEXT,
                    policy TEXT NOT NULL,           -- comma-separated POLICY.md ids
                    payload TEXT NOT NULL           -- JSON object of strings
                );
                CREATE INDEX events_by_case ON events(case_id) WHERE case_id IS NOT NULL;
                CREATE INDEX events_by_student ON events(student_id) WHERE student_id IS NOT NULL;
                CREATE TRIGGER events_no_update BEFORE UPDATE ON events
                    BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;
                CREATE TRIGGER events_no_delete BEFORE DELETE ON events
                    BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;

                CREATE TABLE sequences (name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;

                CREATE TABLE staff (
                    id TEXT PRIMARY KEY, name TEXT NOT NULL, role TEXT NOT NULL, college TEXT NOT NULL,
                    unix_user TEXT NOT NULL, phone TEXT NOT NULL
                ) WITHOUT ROWID;
                CREATE UNIQUE INDEX staff_by_unix_user ON staff(unix_user) WHERE unix_user <> '';

                CREATE TABLE students (
                    id TEXT PRIMARY KEY, name TEXT NOT NULL, gender TEXT NOT NULL, college TEXT NOT NULL,
                    major TEXT NOT NULL, class_name TEXT NOT NULL, counselor_id TEXT NOT NULL,
                    tier TEXT NOT NULL, phone TEXT NOT NULL, birth_date TEXT NOT NULL
                ) WITHOUT ROWID;
                CREATE INDEX students_by_class ON students(class_name);
                CREATE INDEX students_by_counselor ON students(counselor_id);

                CREATE TABLE guardians (
                    id TEXT PRIMARY KEY, student_id TEXT NOT NULL, name TEXT NOT NULL, relation TEXT NOT NULL,
                    phone TEXT NOT NULL, wechat TEXT NOT NULL, qq TEXT NOT NULL, address TEXT NOT NULL,
                    preference TEXT NOT NULL        -- channels, most preferred first, '>'-separated
                ) WITHOUT ROWID;
                CREATE INDEX guardians_by_student ON guardians(student_id);

                CREATE TABLE cases (
                    id TEXT PRIMARY KEY, kind TEXT NOT NULL, student_id TEXT NOT NULL, counselor_id TEXT NOT NULL,
                    state TEXT NOT NULL, summary TEXT NOT NULL, occurred_at INTEGER NOT NULL,
                    opened_at INTEGER NOT NULL, opened_by TEXT NOT NULL, updated_at INTEGER NOT NULL,
                    closed_at INTEGER, closed_by TEXT, resolution TEXT, note_count INTEGER NOT NULL
                ) WITHOUT ROWID;
                CREATE INDEX cases_by_state ON cases(state, opened_at);
                CREATE INDEX cases_by_counselor ON cases(counselor_id);
                CREATE INDEX cases_by_student ON cases(student_id);

                CREATE TABLE contacts (
                    id INTEGER PRIMARY KEY, student_id TEXT NOT NULL, guardian_id TEXT NOT NULL,
                    channel TEXT NOT NULL, topics TEXT NOT NULL, summary TEXT NOT NULL, feedback TEXT NOT NULL,
                    contacted_at INTEGER NOT NULL, recorded_by TEXT NOT NULL, term TEXT NOT NULL
                );
                CREATE INDEX contacts_by_student ON contacts(student_id, term);
                """)
        }
        m.registerMigration("2026-11-29 rulebooks: steps, deadlines, outbox") { db in
            try db.execute(sql: """
                ALTER TABLE cases ADD COLUMN rulebook_version INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE cases ADD COLUMN steps TEXT NOT NULL DEFAULT '[]';   -- JSON: the steps' state

                -- Every rulebook version a case was opened under, as it was.
                CREATE TABLE rulebooks (
                    kind TEXT NOT NULL, version INTEGER NOT NULL, body TEXT NOT NULL,
                    PRIMARY KEY (kind, version)
                ) WITHOUT ROWID;

                -- Pending and fired deadlines. A row fires once: fired_at is set in
                -- the transaction that records what firing did.
                CREATE TABLE deadlines (
                    case_id TEXT NOT NULL, step_id TEXT NOT NULL, level INTEGER NOT NULL,
                    due_at INTEGER NOT NULL, fired_at INTEGER,
                    PRIMARY KEY (case_id, step_id, level)
                ) WITHOUT ROWID;
                CREATE INDEX deadlines_pending ON deadlines(due_at) WHERE fired_at IS NULL;

                -- Messages to send (escalations now; parent messages with channels).
                CREATE TABLE outbox (
                    id INTEGER PRIMARY KEY, case_id TEXT NOT NULL, step_id TEXT NOT NULL,
                    recipient_role TEXT NOT NULL, recipient_id TEXT NOT NULL, body TEXT NOT NULL,
                    idempotency_key TEXT NOT NULL UNIQUE, created_at INTEGER NOT NULL,
                    state TEXT NOT NULL DEFAULT 'pending'
                );
                CREATE INDEX outbox_by_case ON outbox(case_id);
                """)
        }
        m.registerMigration("2026-11-29 channels: routes, attempts, receipts, replies, tasks") { db in
            try db.execute(sql: """
                ALTER TABLE outbox ADD COLUMN recipient_name TEXT NOT NULL DEFAULT '';
                ALTER TABLE outbox ADD COLUMN topic TEXT NOT NULL DEFAULT 'escalation';
                ALTER TABLE outbox ADD COLUMN urgent INTEGER NOT NULL DEFAULT 1;
                ALTER TABLE outbox ADD COLUMN fields TEXT NOT NULL DEFAULT '{}';      -- JSON object of strings
                ALTER TABLE outbox ADD COLUMN routes TEXT NOT NULL DEFAULT '';        -- 'via=address' per line, preferred first
                ALTER TABLE outbox ADD COLUMN route_index INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE outbox ADD COLUMN channel TEXT NOT NULL DEFAULT '';
                ALTER TABLE outbox ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE outbox ADD COLUMN next_at INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE outbox ADD COLUMN provider_id TEXT NOT NULL DEFAULT '';
                ALTER TABLE outbox ADD COLUMN note TEXT NOT NULL DEFAULT '';
                ALTER TABLE outbox ADD COLUMN updated_at INTEGER NOT NULL DEFAULT 0;
                CREATE INDEX outbox_due ON outbox(next_at) WHERE state = 'pending';
                CREATE INDEX outbox_by_state ON outbox(state, id);
                CREATE INDEX outbox_by_provider ON outbox(provider_id) WHERE provider_id <> '';

                CREATE TABLE message_attempts (
                    message_id INTEGER NOT NULL, n INTEGER NOT NULL, channel TEXT NOT NULL, address TEXT NOT NULL,
                    started_at INTEGER NOT NULL, finished_at INTEGER, outcome TEXT NOT NULL DEFAULT '',
                    provider_id TEXT NOT NULL DEFAULT '', error TEXT NOT NULL DEFAULT '',
                    PRIMARY KEY (message_id, n)
                ) WITHOUT ROWID;

                CREATE TABLE message_receipts (
                    id INTEGER PRIMARY KEY, message_id INTEGER NOT NULL, at INTEGER NOT NULL, channel TEXT NOT NULL,
                    receipt TEXT NOT NULL, provider_id TEXT NOT NULL, detail TEXT NOT NULL
                );
                CREATE INDEX receipts_by_message ON message_receipts(message_id);

                CREATE TABLE replies (
                    id INTEGER PRIMARY KEY, at INTEGER NOT NULL, channel TEXT NOT NULL, from_address TEXT NOT NULL,
                    text TEXT NOT NULL, guardian_id TEXT NOT NULL, case_id TEXT NOT NULL, step_id TEXT NOT NULL,
                    message_id INTEGER
                );
                CREATE INDEX replies_by_message ON replies(message_id) WHERE message_id IS NOT NULL;
                CREATE INDEX guardians_by_phone ON guardians(phone) WHERE phone <> '';

                CREATE TABLE tasks (
                    id INTEGER PRIMARY KEY, case_id TEXT NOT NULL, step_id TEXT NOT NULL, message_id INTEGER,
                    assignee TEXT NOT NULL, kind TEXT NOT NULL, text TEXT NOT NULL,
                    created_at INTEGER NOT NULL, done_at INTEGER
                );
                CREATE INDEX tasks_by_case ON tasks(case_id);
                """)
        }
        m.registerMigration("2026-12-01 case facts: sanction level, effective date") { db in
            // JSON object of strings (CaseFacts.payload); '{}' for the kinds without facts.
            try db.execute(sql: "ALTER TABLE cases ADD COLUMN facts TEXT NOT NULL DEFAULT '{}'")
        }
        m.registerMigration("2026-12-01 guardians: a second number") { db in
            try db.execute(sql: """
                ALTER TABLE guardians ADD COLUMN phone2 TEXT NOT NULL DEFAULT '';
                CREATE INDEX guardians_by_phone2 ON guardians(phone2) WHERE phone2 <> '';
                """)
        }
        m.registerMigration("2026-12-01 households, guardians of several students, classes, student records") { db in
            // A guardian was one student's, with their own address: now a
            // person linked to each of their students, in a household that
            // holds the address. Each guardian held becomes a household of one.
            try db.execute(sql: """
                CREATE TABLE households (id TEXT PRIMARY KEY, address TEXT NOT NULL) WITHOUT ROWID;
                INSERT INTO households (id, address) SELECT id, address FROM guardians;
                CREATE TABLE guardian_students (
                    guardian_id TEXT NOT NULL, student_id TEXT NOT NULL, relation TEXT NOT NULL,
                    PRIMARY KEY (guardian_id, student_id)
                ) WITHOUT ROWID;
                CREATE INDEX guardian_students_by_student ON guardian_students(student_id);
                INSERT INTO guardian_students (guardian_id, student_id, relation) SELECT id, student_id, relation FROM guardians;
                ALTER TABLE guardians ADD COLUMN household_id TEXT NOT NULL DEFAULT '';
                UPDATE guardians SET household_id = id;
                DROP INDEX guardians_by_student;
                ALTER TABLE guardians DROP COLUMN student_id;
                ALTER TABLE guardians DROP COLUMN relation;
                ALTER TABLE guardians DROP COLUMN address;

                CREATE TABLE classes (
                    name TEXT PRIMARY KEY, college TEXT NOT NULL, major TEXT NOT NULL, grade TEXT NOT NULL,
                    counselor_id TEXT NOT NULL, teacher_id TEXT NOT NULL
                ) WITHOUT ROWID;
                CREATE INDEX classes_by_counselor ON classes(counselor_id);

                CREATE TABLE student_records (
                    key TEXT PRIMARY KEY, student_id TEXT NOT NULL, kind TEXT NOT NULL, title TEXT NOT NULL,
                    level TEXT NOT NULL, date TEXT NOT NULL, reasons TEXT NOT NULL, document TEXT NOT NULL
                ) WITHOUT ROWID;
                CREATE INDEX student_records_by_student ON student_records(student_id, date);
                """)
        }
        m.registerMigration("2026-12-01 phone numbers in E.164") { db in
            // Stored until now as a mobile's 11 digits or a landline's AREA-LOCAL with its trunk 0.
            let e164 = { (c: String) in
                "CASE WHEN \(c) GLOB '1[3-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]' THEN '+86' || \(c) "
                    + "WHEN \(c) GLOB '0[1-9]*-[0-9]*' THEN '+86' || replace(substr(\(c), 2), '-', '') ELSE \(c) END"
            }
            try db.execute(sql: """
                UPDATE guardians SET phone = \(e164("phone")), phone2 = \(e164("phone2"));
                UPDATE students SET phone = \(e164("phone"));
                UPDATE staff SET phone = \(e164("phone"));
                """)
        }
        m.registerMigration("2026-12-02 audit log, hash-chained") { db in
            // Who read, copied or changed personal data (PIPL Art. 51, 56).
            // seq is given by the store (1, 2, 3… with no gap, the chain's
            // order); hash is SHA-256 over the row and prev_hash (AuditChain).
            // Append-only as the event log is; a row may only be added after
            // the last one. `sequences` row 'audit-rows' counts the rows ever
            // written, so a log cut at its end is noticed.
            try db.execute(sql: """
                CREATE TABLE audit (
                    seq INTEGER PRIMARY KEY,
                    at INTEGER NOT NULL,            -- ms since the epoch
                    actor TEXT NOT NULL,            -- staff id or 'root'
                    action TEXT NOT NULL,           -- case.read, roster.export, …
                    student_id TEXT,
                    case_id TEXT,
                    scope TEXT NOT NULL,            -- own, college, school, break-glass
                    reason TEXT NOT NULL,
                    detail TEXT NOT NULL,
                    prev_hash TEXT NOT NULL,
                    hash TEXT NOT NULL
                );
                CREATE INDEX audit_by_student ON audit(student_id, seq) WHERE student_id IS NOT NULL;
                CREATE INDEX audit_by_actor ON audit(actor, seq);
                CREATE INDEX audit_by_at ON audit(at);
                CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
                    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
                CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
                    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
                CREATE TRIGGER audit_only_at_the_end BEFORE INSERT ON audit
                    WHEN NEW.seq <= (SELECT coalesce(max(seq), 0) FROM audit)
                    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only: rows go after the last one'); END;
                """)
        }
        m.registerMigration("2026-12-03 event payloads rewritten only by re-sealing or a retention purge") { db in
            // The log stays append-only: who, when, what type, which case and
            // student and which policy never change. A payload may be
            // rewritten only inside the store's own rewrite (re-sealing it
            // under a new key, or cutting personal data out of it when its
            // retention ends), which sets the flag row 'events-rewrite' for
            // the length of its transaction.
            try db.execute(sql: """
                DROP TRIGGER events_no_update;
                CREATE TRIGGER events_no_update BEFORE UPDATE ON events
                    WHEN NEW.seq IS NOT OLD.seq OR NEW.at IS NOT OLD.at OR NEW.actor IS NOT OLD.actor OR NEW.type IS NOT OLD.type
                      OR NEW.case_id IS NOT OLD.case_id OR NEW.student_id IS NOT OLD.student_id OR NEW.policy IS NOT OLD.policy
                      OR coalesce((SELECT value FROM sequences WHERE name = 'events-rewrite'), 0) <> 1
                    BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;
                """)
        }
        m.registerMigration("2026-12-03 sealing: data keys, guardians found by keyed hash") { db in
            // Personal data is sealed under data keys (Sealer): each key held
            // has a row with a value only it opens, so a wrong key is refused
            // at start; retired_at is set when no value is sealed under it any
            // more. Replies find their guardian by a keyed hash of the address
            // (guardian_lookup), filled by the store when it opens: a phone
            // number sealed under a random nonce cannot be an index.
            try db.execute(sql: """
                CREATE TABLE data_keys (
                    id TEXT PRIMARY KEY, check_value TEXT NOT NULL, added_at INTEGER NOT NULL, retired_at INTEGER,
                    lookups INTEGER NOT NULL DEFAULT 0  -- 1 once every guardian_lookup hash is under this key
                ) WITHOUT ROWID;
                CREATE TABLE guardian_lookup (
                    hash TEXT NOT NULL, guardian_id TEXT NOT NULL, PRIMARY KEY (hash, guardian_id)
                ) WITHOUT ROWID;
                CREATE INDEX guardian_lookup_by_guardian ON guardian_lookup(guardian_id);
                DROP INDEX guardians_by_phone;
                DROP INDEX guardians_by_phone2;
                """)
        }
        m.registerMigration("2026-12-04 retention: replies by case and guardian, household events") { db in
            // A retention purge finds a student's replies through their
            // cases and guardians, and a household's events (which name no
            // student) among the few household events.
            try db.execute(sql: """
                CREATE INDEX replies_by_case ON replies(case_id);
                CREATE INDEX replies_by_guardian ON replies(guardian_id) WHERE case_id = '';
                CREATE INDEX events_households ON events(seq) WHERE type IN ('household.added', 'household.changed');
                """)
        }
        m.registerMigration("2026-12-05 messages without cases: each message has a purpose") { db in
            // Issue 15.1: a message belongs to a case step, an escalation, a
            // staff notice, a campaign, an invitation or a reminder; only a
            // case's messages name a case. Rows from before are a case's
            // notice to guardians, an escalation to staff, or (no case) a
            // staff notice; their idempotency keys do not change.
            try db.execute(sql: """
                ALTER TABLE outbox ADD COLUMN purpose TEXT NOT NULL DEFAULT 'case-notice';
                UPDATE outbox SET purpose = CASE
                    WHEN case_id = '' THEN 'staff-notice'
                    WHEN recipient_role <> 'guardian' THEN 'escalation'
                    ELSE 'case-notice' END;
                """)
        }
        m.registerMigration("2026-12-05 cases keep their count of overdue steps") { db in
            // server.status counted overdue steps with json_each over every
            // open case, every heartbeat (0.5 s at 100k open cases): the
            // count is now kept on the row as the case is saved.
            try db.execute(sql: """
                ALTER TABLE cases ADD COLUMN overdue_steps INTEGER NOT NULL DEFAULT 0;
                UPDATE cases SET overdue_steps = (SELECT count(*) FROM json_each(cases.steps) s
                                                  WHERE json_extract(s.value, '$.status') = 'overdue');
                CREATE INDEX cases_overdue ON cases(overdue_steps) WHERE state = 'open' AND overdue_steps > 0;
                """)
        }
        m.registerMigration("2026-12-07 kept counts of open cases, overdue steps and events") { db in
            // server.status (and every heartbeat's STATUS line) counted the
            // open cases and the event log: 4 ms at 100k open cases and
            // growing with the log. The counts are kept by triggers in the
            // writer's own transaction, so they cannot drift from the rows;
            // cases are saved by upsert (an update fires its trigger, a
            // REPLACE's delete would not).
            try db.execute(sql: """
                CREATE TABLE counters (name TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID;
                INSERT INTO counters (name, n) VALUES
                    ('open_cases', (SELECT count(*) FROM cases WHERE state = 'open')),
                    ('overdue_steps', (SELECT coalesce(sum(overdue_steps), 0) FROM cases WHERE state = 'open')),
                    ('events', (SELECT count(*) FROM events));
                CREATE TRIGGER cases_counted_in AFTER INSERT ON cases BEGIN
                    UPDATE counters SET n = n + (NEW.state = 'open') WHERE name = 'open_cases';
                    UPDATE counters SET n = n + (CASE WHEN NEW.state = 'open' THEN NEW.overdue_steps ELSE 0 END) WHERE name = 'overdue_steps';
                END;
                CREATE TRIGGER cases_counted_again AFTER UPDATE OF state, overdue_steps ON cases BEGIN
                    UPDATE counters SET n = n + (NEW.state = 'open') - (OLD.state = 'open') WHERE name = 'open_cases';
                    UPDATE counters SET n = n + (CASE WHEN NEW.state = 'open' THEN NEW.overdue_steps ELSE 0 END)
                                              - (CASE WHEN OLD.state = 'open' THEN OLD.overdue_steps ELSE 0 END) WHERE name = 'overdue_steps';
                END;
                CREATE TRIGGER cases_counted_out AFTER DELETE ON cases BEGIN
                    UPDATE counters SET n = n - (OLD.state = 'open') WHERE name = 'open_cases';
                    UPDATE counters SET n = n - (CASE WHEN OLD.state = 'open' THEN OLD.overdue_steps ELSE 0 END) WHERE name = 'overdue_steps';
                END;
                CREATE TRIGGER events_counted AFTER INSERT ON events BEGIN
                    UPDATE counters SET n = n + 1 WHERE name = 'events';
                END;
                """)
            // A start plans a rulebook migration only for the open cases on
            // another version: found by range in this index, not by reading
            // every open case.
            try db.execute(sql: "CREATE INDEX cases_open_by_version ON cases(kind, rulebook_version) WHERE state = 'open'")
        }
        return m
    }
}
