import RolloutCore

/// The obstacles and their dispatching, read at a moment.
public protocol ObstacleReads: Sendable {
    /// Obstacles at a moment, oldest first, with their counts by category and responsible unit.
    func obstacles(_ query: ObstacleQuery, at moment: ReadMoment) async throws -> ObstaclePage
    /// One obstacle as it stood at a moment, or nil when it was not raised (or known) then.
    func obstacle(org: String, ref: String, at moment: ReadMoment) async throws -> ObstacleRow?
    /// An obstacle's stored state (its opening and every mark), or nil when there is none.
    func obstacleState(org: String, ref: String) async throws -> ObstacleState?
    /// The routing table of dispatching at a moment.
    func dispatchTable(at moment: ReadMoment) async throws -> Dispatch.Table
    /// What waits on each unit at a moment, for every unit.
    func unitLoads(at moment: ReadMoment) async throws -> [UnitLoad]
    /// The obstacles whose clock has run out by `now`, neither resolved nor escalated, with when it ran out.
    func overdueObstacles(now: Instant) async throws -> [(state: ObstacleState, ranOutAt: Instant)]
    /// Every obstacle's state with its entity; only those of `entities` when given (an entity with
    /// none is left out).
    func storedObstacles(only entities: [String]?) async throws -> [(entity: String, state: ObstacleState)]
    /// The obstacles whose entity the events after `afterSeq` up to `throughSeq` name.
    func obstaclesNamed(after afterSeq: Int64, through throughSeq: Int64) async throws -> [String]
}
