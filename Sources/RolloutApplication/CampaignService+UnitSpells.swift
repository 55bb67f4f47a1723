import Foundation
import RolloutCore
import RolloutStorage

/// What waits on each unit at any moment as known now, from the spells each dispatched obstacle
/// stood with a unit (``UnitSpells``), kept per version of the log. Folding every dispatched
/// obstacle's stored state at each new moment took 3.2 s (median of ten earlier dates) for
/// `/dispatch` at `--scale 100`: most of it decoding 100,000-odd states. As known at an earlier
/// instant (`known_at`), the states are folded as before.
extension CampaignService {
    /// The spells for the log's version: made once however many pages ask, from every dispatched
    /// obstacle's state; after a write, only the obstacles the appended events name are read again.
    func unitSpells(seq: Int64) async throws -> UnitSpells {
        try await unitSpellsKept.value(at: seq) { [store] previous in
            if let previous, previous.version < seq {
                let named = try await store.obstaclesNamed(after: previous.version, through: seq)
                if named.isEmpty { return previous.value }
                return previous.value.updated(try await store.dispatchedObstacles(entities: named), named: named)
            }
            return UnitSpells(try await store.dispatchedObstacles(entities: nil))
        }
    }

    /// What waits on every unit at a checked moment, for every unit (an idle one with zeros).
    public func unitLoads(at moment: ReadMoment) async throws -> [UnitLoad] {
        guard moment.knownAt == nil else { return try await store.unitLoads(at: moment) }
        let spells = try await unitSpells(seq: try await store.currentSeq())
        let table = try await store.dispatchTable(at: moment)
        return spells.loads(before: moment.asOf.before, table: table).map {
            UnitLoad(unit: $0.unit, waiting: $0.waiting, overdue: $0.overdue, onHold: $0.onHold, oldestDays: $0.oldestDays)
        }
    }

    /// What waits on one unit at a checked moment, oldest first, a page of it with the counts of all.
    public func unitObstacles(_ unit: String, at moment: ReadMoment, page: Int = 1, perPage: Int = 100) async throws -> ObstaclePage {
        guard moment.knownAt == nil else {
            return try await store.obstacles(ObstacleQuery(status: .open, unit: unit, page: page, perPage: perPage), at: moment)
        }
        let spells = try await unitSpells(seq: try await store.currentSeq())
        let table = try await store.dispatchTable(at: moment)
        let waiting = spells.waiting(on: unit, before: moment.asOf.before)
        let slice = Array(waiting.dropFirst((page - 1) * perPage).prefix(perPage))
        let states = try await store.obstacleStates(slice.map(\.entity))
        return ObstaclePage(total: waiting.count, page: page, perPage: perPage,
                            obstacles: slice.compactMap { w in states[w.entity].flatMap { ObstacleRow($0, at: moment, table: table) } },
                            byCategory: ObstacleGroup.groups(waiting, key: \.category.rawValue, ageDays: \.ageDays),
                            byResponsible: ObstacleGroup.groups(waiting, key: { $0.responsible ?? "" }, ageDays: \.ageDays))
    }
}
