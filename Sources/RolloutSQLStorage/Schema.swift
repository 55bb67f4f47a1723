import RolloutCore
import RolloutStorage
import SQLKit

/// The numbered migrations of the schema. A database remembers the versions applied to it in
/// `schema_version`; a database from a newer Rollout is refused before anything is touched.
enum Schema {
    /// The newest version this program knows.
    static var latest: Int { migrations.count }
    /// A database older than this version has its projections rebuilt after migrating.
    static let rebuildAfter = 15
    /// The version that made the table of kept snapshots.
    static let snapshotsVersion = migrations.firstIndex { $0.name == "snapshots" }! + 1

    /// Each migration: statements, written once for both engines where they agree.
    static let migrations: [(name: String, statements: @Sendable (Dialect) -> [String])] = [
        ("initial", { d in
            let seqType = d == .sqlite ? "INTEGER" : "BIGINT"
            // SQLite keeps a table keyed by its primary key in one b-tree instead of two.
            let clustered = d == .sqlite ? " WITHOUT ROWID" : ""
            var s = [
                """
                CREATE TABLE campaign (id BIGINT PRIMARY KEY CHECK (id = 1), name TEXT NOT NULL, start_at BIGINT NOT NULL,
                  deadline_at BIGINT NOT NULL, clock_at BIGINT NULL, created_at BIGINT NOT NULL)
                """,
                """
                CREATE TABLE regions (code TEXT PRIMARY KEY, ordinal BIGINT NOT NULL, name_zh TEXT NOT NULL,
                  name_en TEXT NOT NULL, kind TEXT NOT NULL, data TEXT NOT NULL)
                """,
                "CREATE TABLE region_outlines (code TEXT PRIMARY KEY, geojson TEXT NOT NULL)",
                """
                CREATE TABLE events (seq \(seqType) PRIMARY KEY, entity TEXT NOT NULL, kind TEXT NOT NULL,
                  occurred_at BIGINT NOT NULL, recorded_at BIGINT NOT NULL, region_code TEXT NULL, operator TEXT NULL,
                  actor TEXT NOT NULL, dedup TEXT NOT NULL UNIQUE, payload TEXT NOT NULL)
                """,
                "CREATE INDEX events_entity ON events (entity, seq)",
                "CREATE INDEX events_occurred ON events (occurred_at)",
                "CREATE INDEX events_recorded ON events (recorded_at)",
                """
                CREATE TABLE sites (operator TEXT NOT NULL, code TEXT NOT NULL, region_code TEXT NOT NULL,
                  stage TEXT NOT NULL, registered_at BIGINT NOT NULL, registered_recorded_at BIGINT NOT NULL,
                  state TEXT NOT NULL, PRIMARY KEY (operator, code))
                """,
                "CREATE INDEX sites_region ON sites (region_code, operator, code)",
                """
                CREATE TABLE obstacles (entity TEXT PRIMARY KEY, region_code TEXT NOT NULL, operator TEXT NULL,
                  site_code TEXT NULL, category TEXT NOT NULL, opened_at BIGINT NOT NULL, resolved_at BIGINT NULL,
                  state TEXT NOT NULL)
                """,
                "CREATE INDEX obstacles_site ON obstacles (operator, site_code)",
                "CREATE INDEX obstacles_region ON obstacles (region_code)",
                """
                CREATE TABLE targets (seq BIGINT PRIMARY KEY, entity TEXT NOT NULL, region_code TEXT NOT NULL,
                  operator TEXT NULL, key_area TEXT NULL, target BIGINT NOT NULL, due_at BIGINT NOT NULL,
                  set_at BIGINT NOT NULL, recorded_at BIGINT NOT NULL, reason TEXT NULL)
                """,
                """
                CREATE TABLE counter_days (region_code TEXT NOT NULL, operator TEXT NOT NULL, metric TEXT NOT NULL,
                  occurred_day BIGINT NOT NULL, recorded_day BIGINT NOT NULL, delta BIGINT NOT NULL,
                  PRIMARY KEY (region_code, operator, metric, occurred_day, recorded_day))\(clustered)
                """,
                """
                CREATE TABLE counter_totals (day BIGINT NOT NULL, region_code TEXT NOT NULL, operator TEXT NOT NULL,
                  metric TEXT NOT NULL, value BIGINT NOT NULL, PRIMARY KEY (day, region_code, operator, metric))\(clustered)
                """,
                "CREATE INDEX counter_totals_key ON counter_totals (region_code, operator, metric, day)",
                "CREATE TABLE counter_span (id BIGINT PRIMARY KEY CHECK (id = 1), first_day BIGINT NOT NULL, last_day BIGINT NOT NULL)",
            ]
            switch d {
            case .sqlite:
                s += [
                    "CREATE TRIGGER events_no_update BEFORE UPDATE ON events BEGIN SELECT RAISE(ABORT, 'log_is_append_only'); END",
                    "CREATE TRIGGER events_no_delete BEFORE DELETE ON events BEGIN SELECT RAISE(ABORT, 'log_is_append_only'); END",
                ]
            case .postgres:
                s += [
                    """
                    CREATE FUNCTION rollout_log_is_append_only() RETURNS trigger LANGUAGE plpgsql AS
                    'BEGIN RAISE EXCEPTION ''log_is_append_only''; END'
                    """,
                    """
                    CREATE TRIGGER events_no_change BEFORE UPDATE OR DELETE ON events
                      FOR EACH ROW EXECUTE FUNCTION rollout_log_is_append_only()
                    """,
                    """
                    CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events
                      FOR EACH STATEMENT EXECUTE FUNCTION rollout_log_is_append_only()
                    """,
                ]
            }
            return s
        }),
        ("resources", { _ in
            [
                """
                CREATE TABLE resources (entity TEXT PRIMARY KEY, resource_id TEXT NOT NULL, owner TEXT NOT NULL, kind TEXT NOT NULL,
                  region_code TEXT NOT NULL, lat DOUBLE PRECISION NOT NULL, lon DOUBLE PRECISION NOT NULL,
                  height_m DOUBLE PRECISION NULL, offered_at BIGINT NOT NULL)
                """,
                "CREATE INDEX resources_id ON resources (resource_id)",
            ]
        }),
        // The dashboard's lists: late sites, escalated obstacles, an operator's reports. The columns
        // are filled by the rebuild that `SQLCampaignStore.migrate` runs after this migration.
        ("dashboard", { _ in
            [
                "ALTER TABLE sites ADD COLUMN planned_at BIGINT NULL",
                "ALTER TABLE sites ADD COLUMN built_at BIGINT NULL",
                "ALTER TABLE sites ADD COLUMN first_built_at BIGINT NULL",
                // Covering indexes: counting late sites and grouping open obstacles read these, not the
                // rows (which carry the states as JSON).
                "CREATE INDEX sites_late ON sites (planned_at, first_built_at, built_at, registered_at, registered_recorded_at, region_code, operator)",
                "ALTER TABLE obstacles ADD COLUMN escalated_at BIGINT NULL",
                "ALTER TABLE obstacles ADD COLUMN responsible TEXT NULL",
                "CREATE INDEX obstacles_open ON obstacles (opened_at, resolved_at, escalated_at, category, responsible, region_code, operator)",
                "CREATE INDEX events_operator ON events (operator, recorded_at)",
            ]
        }),
        // Accounts, their API tokens, web sessions, failed sign-ins; the token an event came with.
        ("accounts", { _ in
            [
                """
                CREATE TABLE accounts (name TEXT PRIMARY KEY, role TEXT NOT NULL, region_code TEXT NULL, operator TEXT NULL,
                  owner TEXT NULL, display_name TEXT NOT NULL, password_hash TEXT NOT NULL, created_at BIGINT NOT NULL,
                  disabled_at BIGINT NULL)
                """,
                """
                CREATE TABLE tokens (id TEXT PRIMARY KEY, account TEXT NOT NULL REFERENCES accounts (name), secret_hash TEXT NOT NULL,
                  label TEXT NOT NULL, created_at BIGINT NOT NULL, revoked_at BIGINT NULL, last_used_at BIGINT NULL)
                """,
                "CREATE INDEX tokens_account ON tokens (account)",
                // Session data by the SHA-256 of its key: a copy of the database holds no usable session id.
                "CREATE TABLE persist (key_hash TEXT PRIMARY KEY, value TEXT NOT NULL, expires_at BIGINT NULL)",
                "CREATE TABLE signin_failures (key TEXT NOT NULL, at BIGINT NOT NULL)",
                "CREATE INDEX signin_failures_key ON signin_failures (key, at)",
                "ALTER TABLE events ADD COLUMN via TEXT NULL",
                "CREATE INDEX events_actor ON events (actor, seq)",
            ]
        }),
        // Bulletins: their bytes, kept once and never changed (the log holds the issuing event).
        ("bulletins", { d in
            var s = [
                """
                CREATE TABLE bulletins (id BIGINT PRIMARY KEY, cutoff_at BIGINT NOT NULL, issued_at BIGINT NOT NULL, actor TEXT NOT NULL,
                  html TEXT NOT NULL, csv TEXT NOT NULL, sha256 TEXT NOT NULL, csv_sha256 TEXT NOT NULL)
                """,
                "CREATE INDEX bulletins_cutoff ON bulletins (cutoff_at, id)",
            ]
            switch d {
            case .sqlite:
                s += [
                    "CREATE TRIGGER bulletins_no_update BEFORE UPDATE ON bulletins BEGIN SELECT RAISE(ABORT, 'bulletins_are_kept'); END",
                    "CREATE TRIGGER bulletins_no_delete BEFORE DELETE ON bulletins BEGIN SELECT RAISE(ABORT, 'bulletins_are_kept'); END",
                ]
            case .postgres:
                s += [
                    """
                    CREATE TRIGGER bulletins_no_change BEFORE UPDATE OR DELETE ON bulletins
                      FOR EACH ROW EXECUTE FUNCTION rollout_log_is_append_only()
                    """,
                ]
            }
            return s
        }),
        // The log read by kind (listed supervision, bulletins' events).
        ("events_by_kind", { _ in ["CREATE INDEX events_kind ON events (kind, seq)"] }),
        // The sharing rate's counter (sites on shared infrastructure): filled by the rebuild that
        // follows (`rebuildAfter`), no new table.
        ("sharing_counter", { _ in [] }),
        // Dispatching: the units an obstacle was ever sent to (`|grid|police|`, to narrow a unit's
        // list) and whether it was reopened (its resolution then depends on the moment). Filled,
        // with the marks in the states, by the rebuild that follows.
        ("dispatching", { _ in
            [
                "ALTER TABLE obstacles ADD COLUMN units TEXT NOT NULL DEFAULT ''",
                "ALTER TABLE obstacles ADD COLUMN reopened INTEGER NOT NULL DEFAULT 0",
                // The open lists count the never-reopened ones from the index alone (it covers
                // `reopened` too) and read the few reopened ones through their own small index.
                "DROP INDEX obstacles_open",
                "CREATE INDEX obstacles_open ON obstacles (opened_at, resolved_at, escalated_at, category, responsible, region_code, operator, reopened)",
                "CREATE INDEX obstacles_reopened ON obstacles (opened_at) WHERE reopened = 1",
            ]
        }),
        // An operator's reports (events recorded, by Shanghai day, kind and actor), kept as they
        // are appended: the operator page read the last 30 days' events one by one (1.1 s for the
        // 250 k events of one operator at `--scale 10`). Filled here from the log.
        // And when an obstacle's resolution was recorded: a list as known at a moment must keep
        // the obstacles whose resolution was not known yet (it dropped them). Filled from the states.
        ("report_days_and_resolution_recording", { d in
            [
                """
                CREATE TABLE report_days (operator TEXT NOT NULL, day BIGINT NOT NULL, kind TEXT NOT NULL, actor TEXT NOT NULL,
                  events BIGINT NOT NULL, PRIMARY KEY (operator, day, kind, actor))
                """,
                ReportDays.fill,
                "ALTER TABLE obstacles ADD COLUMN resolved_recorded_at BIGINT NULL",
                d == .sqlite
                    ? "UPDATE obstacles SET resolved_recorded_at = json_extract(state, '$.resolvedRecordedAt') WHERE resolved_at IS NOT NULL"
                    : "UPDATE obstacles SET resolved_recorded_at = (state::jsonb ->> 'resolvedRecordedAt')::bigint WHERE resolved_at IS NOT NULL",
            ]
        }),
        // Sign-in attempts counted per key in one row updated atomically (an upsert), before the
        // password is checked: counting failures after bcrypt let concurrent attempts all pass.
        // Sessions name their account, so a password change or a disabled account ends them.
        ("signin_attempts_and_session_accounts", { _ in
            [
                "CREATE TABLE signin_attempts (key TEXT PRIMARY KEY, attempts BIGINT NOT NULL, window_start BIGINT NOT NULL)",
                "DROP TABLE signin_failures",
                "ALTER TABLE persist ADD COLUMN account TEXT NULL",
                "CREATE INDEX persist_account ON persist (account)",
            ]
        }),
        // Notifications: the subscriptions, and the outbox the log's append writes in the events'
        // own transaction (a message per notification, or per subscription and day for a digest)
        // with the facts of its events; a delivery service claims, sends and marks its messages.
        ("notifications", { d in
            let id = d == .sqlite ? "INTEGER PRIMARY KEY" : "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"
            return [
                """
                CREATE TABLE subscriptions (id \(id), account TEXT NULL, spec TEXT NOT NULL, created_at BIGINT NOT NULL,
                  removed_at BIGINT NULL)
                """,
                """
                CREATE TABLE notifications (id \(id), subscription_id BIGINT NOT NULL, digest_day BIGINT NULL,
                  status TEXT NOT NULL, attempts BIGINT NOT NULL DEFAULT 0, next_attempt_at BIGINT NOT NULL,
                  claimed_until BIGINT NULL, claimed_by TEXT NULL, last_error TEXT NULL, created_at BIGINT NOT NULL,
                  delivered_at BIGINT NULL, last_attempt_at BIGINT NULL, per_minute BIGINT NOT NULL)
                """,
                "CREATE INDEX notifications_due ON notifications (status, next_attempt_at)",
                "CREATE INDEX notifications_recent ON notifications (last_attempt_at, subscription_id)",
                "CREATE INDEX notifications_subscription ON notifications (subscription_id, id)",
                """
                CREATE TABLE notification_items (notification_id BIGINT NOT NULL, seq BIGINT NOT NULL, fact TEXT NOT NULL,
                  PRIMARY KEY (notification_id, seq))
                """,
            ]
        }),
        // Evidence: photos and their previews, kept once by SHA-256 beside the log (in the database
        // on both engines, so a photo is written in the transaction of its event and every instance
        // serves it); never changed or deleted.
        ("evidence_blobs", { d in
            var s = [
                """
                CREATE TABLE blobs (sha256 TEXT PRIMARY KEY, content_type TEXT NOT NULL, size BIGINT NOT NULL,
                  data \(d == .sqlite ? "BLOB" : "BYTEA") NOT NULL, created_at BIGINT NOT NULL)
                """,
            ]
            switch d {
            case .sqlite:
                s += [
                    "CREATE TRIGGER blobs_no_update BEFORE UPDATE ON blobs BEGIN SELECT RAISE(ABORT, 'evidence_is_kept'); END",
                    "CREATE TRIGGER blobs_no_delete BEFORE DELETE ON blobs BEGIN SELECT RAISE(ABORT, 'evidence_is_kept'); END",
                ]
            case .postgres:
                s += ["CREATE TRIGGER blobs_no_change BEFORE UPDATE OR DELETE ON blobs FOR EACH ROW EXECUTE FUNCTION rollout_log_is_append_only()"]
            }
            return s
        }),
        // The running totals as a Fenwick tree over days (``CounterTree``) instead of a row per
        // counter and day: a late report or a new day cost a write per later day and counter.
        // Filled from the day changes, which stay as they were.
        ("counter_tree", { d in
            [
                """
                CREATE TABLE counter_tree (node BIGINT NOT NULL, region_code TEXT NOT NULL, operator TEXT NOT NULL, metric TEXT NOT NULL,
                  value BIGINT NOT NULL, PRIMARY KEY (node, region_code, operator, metric))\(d == .sqlite ? " WITHOUT ROWID" : "")
                """,
                CounterTree.fill,
                "DROP TABLE counter_totals",
                "DROP TABLE counter_span",
            ]
        }),
        // The plan's first milestone, as `init` may give it: the day the forecast measures against
        // while no target line is known yet (none: the campaign's deadline).
        ("campaign_first_due", { _ in ["ALTER TABLE campaign ADD COLUMN first_due_at BIGINT NULL"] }),
        // How long each category of obstacle took to be resolved (`obstacles.resolvedin.*`
        // counters, for the district page's obstacle outlook): filled by the rebuild that follows
        // (`rebuildAfter`), no new table.
        ("obstacle_resolution_counters", { _ in [] }),
        // The day changes by the day they were recorded: a read as known at a recent past instant
        // takes the tree less the changes recorded since (``CounterReader``), instead of scanning them all.
        ("counter_days_by_recording", { _ in ["CREATE INDEX counter_days_recorded ON counter_days (recorded_day)"] }),
        // The day changes by how late they were recorded (``CounterSpans``): a read as known at any
        // past instant takes the tree less the changes in flight then. Neither engine used the
        // index on the recorded day alone for those reads (they scanned every change), so it goes.
        ("counter_days_by_span", { _ in ["DROP INDEX counter_days_recorded", CounterSpans.createIndex] }),
        // The stage reports that put a site on air, by sequence number (``BuiltReports``: the kept
        // list verification folds), and the late sites' index with the site's code, so that the
        // keys of the first late sites are found in the index alone and only their states read
        // (PostgreSQL read the row of every site planned before the moment to test the rest).
        ("built_reports_and_late_keys", { d in [
            BuiltReports.createIndex(d), "DROP INDEX sites_late",
            "CREATE INDEX sites_late ON sites (planned_at, first_built_at, built_at, registered_at, registered_recorded_at, region_code, operator, code)",
        ] }),
        // Values derived from the log and kept beside it (``SnapshotStore``): verification's timeline,
        // which a server otherwise derived from every kept event as it started (78 s at `--scale 100`).
        ("snapshots", { d in [
            """
            CREATE TABLE snapshots (name TEXT NOT NULL, part BIGINT NOT NULL, version BIGINT NOT NULL,
              data \(d == .sqlite ? "BLOB" : "BYTEA") NOT NULL, PRIMARY KEY (name, part))
            """,
        ] }),
        // The sites once built and not built without a break since (a rollback): the late sites'
        // list reads them through this small index instead of every site planned before the
        // moment (`--scale 100`: 231 sites; 0.17 s → 0.1 ms as of 25 April).
        ("late_sites_broken", { _ in [
            "CREATE INDEX sites_broken ON sites (planned_at, first_built_at, built_at, registered_at, registered_recorded_at, region_code, operator, code) WHERE \(LateSiteIndex.broken)",
        ] }),
    ]

    /// The version the database is at (0: empty).
    static func version(_ db: any SQLDatabase, _ dialect: Dialect) async throws -> Int {
        let exists: Bool
        switch dialect {
        case .sqlite:
            exists = try await db.raw("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'").first() != nil
        case .postgres:
            exists = try await db.raw("SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND tablename = 'schema_version'").first() != nil
        }
        guard exists else { return 0 }
        let row = try await db.raw("SELECT CAST(COALESCE(MAX(version), 0) AS BIGINT) AS v FROM schema_version").first()
        return Int(try row?.decode(column: "v", as: Int64.self) ?? 0)
    }

    /// Applies the migrations the database lacks, in one transaction; refuses a newer database.
    /// `through`: the version to stop at (the newest unless a test builds a database of an older release).
    static func migrate(_ db: any SQLDatabase, _ dialect: Dialect, now: Instant, through target: Int = latest) async throws -> Int {
        if dialect == .postgres {
            // Two instances starting together must not both migrate.
            try await db.raw("SELECT pg_advisory_xact_lock(20200409)").run()
        }
        let current = try await version(db, dialect)
        if current > latest { throw RolloutError("schema_too_new", kind: .conflict, ["found": "\(current)", "known": "\(latest)"]) }
        if current == 0 {
            try await db.raw("CREATE TABLE schema_version (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)").run()
        }
        for v in (current + 1)...max(current + 1, target) where v <= target {
            for statement in migrations[v - 1].statements(dialect) { try await db.raw(SQLQueryString(statement)).run() }
            try await db.raw("INSERT INTO schema_version (version, name, applied_at) VALUES (\(bind: v), \(bind: migrations[v - 1].name), \(bind: now.seconds))").run()
        }
        return max(current, target)
    }

    /// Checks that the database is at exactly the version this program knows.
    static func check(_ db: any SQLDatabase, _ dialect: Dialect) async throws {
        let current = try await version(db, dialect)
        if current > latest { throw RolloutError("schema_too_new", kind: .conflict, ["found": "\(current)", "known": "\(latest)"]) }
        if current < latest { throw RolloutError("schema_not_migrated", kind: .conflict, ["found": "\(current)", "known": "\(latest)"]) }
    }
}
