import RolloutCore

/// The database as a whole: its schema, its size, the campaign it holds, its connections.
public protocol CampaignDatabase: Sendable {
    /// Applies the migrations the database lacks; refuses a database from a newer Rollout.
    func migrate(now: Instant) async throws -> Int
    /// Checks the schema is the one this program knows.
    func checkSchema() async throws
    /// The database's size on disk, in bytes.
    func databaseBytes() async throws -> Int64
    /// The campaign, or nil in an empty database.
    func campaign() async throws -> StoredCampaign?
    /// Creates the campaign with its regions and outlines (GeoJSON geometry per region code).
    func createCampaign(_ campaign: Campaign, clock: Instant?, regions: [Region], outlines: [String: String], now: Instant) async throws
    /// The metrics system has been set up (the server's): timers made before it are made again.
    func metricsSystemStarted()
    /// Closes the connections.
    func close() async throws
}
