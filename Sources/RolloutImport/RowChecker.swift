import RolloutCore
import RolloutStorage

/// Checks the rows of one kind of file.
protocol RowChecker {
    /// Loads, for a chunk of rows, what they refer to in the store.
    mutating func prepare(_ rows: [(Int, [String])], header: HeaderMap, session: any ImportChecks) async throws
    /// Checks one row; returns its events (none when it has errors, or when it changes nothing).
    mutating func check(_ row: inout RowReader) -> [NewEvent]
    /// The chunk's events are in the store now: states kept for later rows may be read from it again.
    mutating func didAppend()
    /// The errors only the whole file shows (rows that are fine alone but not together), once every row is read.
    mutating func finish() -> [ImportError]
}

extension RowChecker {
    mutating func didAppend() {}
    mutating func finish() -> [ImportError] { [] }
}
