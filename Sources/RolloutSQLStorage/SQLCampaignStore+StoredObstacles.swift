import Foundation
import RolloutCore
import RolloutStorage
import SQLKit

/// The obstacles the service keeps the spells of (``ObstacleSpells``): every one, read once, then
/// only those the log's later events name.
extension SQLCampaignStore {
    /// Every obstacle's state with its entity; only those of `entities` when given.
    public func storedObstacles(only entities: [String]?) async throws -> [(entity: String, state: ObstacleState)] {
        try await read { db in
            guard let entities else {
                return try await db.raw("SELECT entity, state FROM obstacles").all().map { r in
                    (try r.string("entity"), try StoredJSON.obstacleState(try r.string("state")))
                }
            }
            return try await Projector.loadObstacles(Set(entities), db: db).map { ($0.key, $0.value) }
        }
    }

    /// The obstacles whose entity the events after `afterSeq` up to `throughSeq` name (one distinct
    /// read of the log's entities in that span).
    public func obstaclesNamed(after afterSeq: Int64, through throughSeq: Int64) async throws -> [String] {
        guard throughSeq > afterSeq else { return [] }
        return try await read { db in
            try await db.raw("SELECT DISTINCT entity FROM events WHERE seq > \(bind: afterSeq) AND seq <= \(bind: throughSeq) AND entity LIKE 'obstacle:%'")
                .all().map { try $0.string("entity") }
        }
    }
}
