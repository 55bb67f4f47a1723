import RolloutCore

/// The stage reports that put a site on air (or accept it): a few in a log of stage reports,
/// found through the partial index `events_built_reports` on their sequence numbers, instead of
/// reading every stage report and its payload's JSON to drop the rest. Verification folds these,
/// its kept list being read whole as a server starts: at `--scale 10` on PostgreSQL (4.7 million
/// events, 3.4 million stage reports, 0.84 million of them built) the read took 8.0 s in `psql`
/// through the key, filtering every payload, and 1.1 s through the index.
///
/// Both engines use a partial index only when the query's condition says what the index's does,
/// written the same and with the stages as literals (never bound), so ``condition(_:)`` is written
/// once for the index and the queries.
enum BuiltReports {
    /// The stages that mean built, as SQL literals (code names from ``Stage``, never user input).
    static let stages = Stage.allCases.filter(\.isBuilt).map { "'\($0.rawValue)'" }.joined(separator: ", ")

    /// A report's stage, read from its payload by the engine's JSON functions.
    static func stage(_ dialect: Dialect) -> String {
        dialect == .sqlite ? "json_extract(payload, '$.stageReported.stage')" : "(payload::json -> 'stageReported' ->> 'stage')"
    }

    /// The condition a built report meets, as the index and the queries write it.
    static func condition(_ dialect: Dialect) -> String {
        "kind = 'stage.reported' AND \(stage(dialect)) IN (\(stages))"
    }

    /// The log as the query names it: SQLite is told to take the index (`INDEXED BY`, an error
    /// if the condition ever stopped matching it), since without statistics it takes `events_kind`
    /// (the kind, then the span) and filters every stage report: 2.8 s against 1.0 s at `--scale 10`,
    /// cache warm; PostgreSQL takes the index on its own.
    static func table(_ dialect: Dialect) -> String {
        dialect == .sqlite ? "events INDEXED BY events_built_reports" : "events"
    }

    /// The index's statement (migration 18).
    static func createIndex(_ dialect: Dialect) -> String {
        "CREATE INDEX events_built_reports ON events (seq) WHERE \(condition(dialect))"
    }
}
