import Foundation
import RolloutCore
import RolloutStorage

/// Which obstacles are open at any moment as known now, and what waits on each unit, from the
/// spells each obstacle stood unresolved (``ObstacleSpells``), kept per version of the log.
/// Folding every dispatched obstacle's stored state at each new moment took 3.2 s (median of ten
/// earlier dates) for `/dispatch` at `--scale 100`, most of it decoding 100,000-odd states; the
/// open obstacles of an operator, counted and grouped by the database, 0.42–0.46 s. As known at an
/// earlier instant (`known_at`), the states are folded as before.
extension CampaignService {
    /// The spells for the log's version: made once however many pages ask, from every obstacle's
    /// state; after a write, only the obstacles the appended events name are read again.
    func obstacleSpells(seq: Int64) async throws -> ObstacleSpells {
        try await obstacleSpellsKept.value(at: seq) { [store] previous in
            if let previous, previous.version < seq {
                let named = try await store.obstaclesNamed(after: previous.version, through: seq)
                if named.isEmpty { return previous.value }
                return previous.value.updated(try await store.storedObstacles(only: named), named: named)
            }
            return ObstacleSpells(try await store.storedObstacles(only: nil))
        }
    }

    /// What waits on every unit at a checked moment, for every unit (an idle one with zeros).
    public func unitLoads(at moment: ReadMoment) async throws -> [UnitLoad] {
        guard moment.knownAt == nil else { return try await store.unitLoads(at: moment) }
        let spells = try await obstacleSpells(seq: try await store.currentSeq())
        let table = try await store.dispatchTable(at: moment)
        return spells.loads(before: moment.asOf.before, table: table).map {
            UnitLoad(unit: $0.unit, waiting: $0.waiting, overdue: $0.overdue, onHold: $0.onHold, oldestDays: $0.oldestDays)
        }
    }

    /// What waits on one unit at a checked moment, oldest first, a page of it with the counts of all.
    public func unitObstacles(_ unit: String, at moment: ReadMoment, page: Int = 1, perPage: Int = 100) async throws -> ObstaclePage {
        try await obstacles(ObstacleQuery(status: .open, unit: unit, page: page, perPage: perPage), at: moment)
    }

    /// How many obstacles stand unresolved in each region at a checked moment, and of those how
    /// many ran out of time (the scorecard's, which read every open obstacle's state for it).
    public func openObstaclesByRegion(at moment: ReadMoment) async throws -> [String: (open: Int, overdue: Int)] {
        guard moment.knownAt == nil else {
            var out: [String: (open: Int, overdue: Int)] = [:]
            for o in try await store.obstacles(ObstacleQuery(status: .open, perPage: 1_000_000), at: moment).obstacles {
                var v = out[o.regionCode] ?? (0, 0)
                v.open += 1
                if o.overdue { v.overdue += 1 }
                out[o.regionCode] = v
            }
            return out
        }
        let spells = try await obstacleSpells(seq: try await store.currentSeq())
        return spells.openByRegion(before: moment.asOf.before, table: try await store.dispatchTable(at: moment))
    }

    /// Obstacles at a checked moment: the open (or escalated) ones as known now from the spells,
    /// only the page's states read; the others from the store.
    public func obstacles(_ query: ObstacleQuery, at moment: ReadMoment) async throws -> ObstaclePage {
        guard moment.knownAt == nil, query.status == .open || query.status == .escalated else { return try await store.obstacles(query, at: moment) }
        let spells = try await obstacleSpells(seq: try await store.currentSeq())
        let table = try await store.dispatchTable(at: moment)
        let open = spells.openPage(before: moment.asOf.before, ObstacleSpells.Filter(
            region: query.region, operator: query.operator, category: query.category, escalated: query.status == .escalated,
            minAgeDays: query.minAgeDays, unit: query.unit, overdue: query.overdue), table: table,
            offset: (query.page - 1) * query.perPage, limit: query.perPage)
        let states = Dictionary(try await store.storedObstacles(only: open.obstacles.map(\.entity)), uniquingKeysWith: { a, _ in a })
        func groups(_ tallies: [ObstacleSpells.Tally]) -> [ObstacleGroup] {
            ObstacleGroup.sorted(tallies.map { ObstacleGroup(key: $0.key, count: $0.count, olderThanWeek: $0.olderThanWeek, oldestDays: $0.oldestDays) })
        }
        return ObstaclePage(total: open.total, page: query.page, perPage: query.perPage,
                            obstacles: open.obstacles.compactMap { o in states[o.entity].flatMap { ObstacleRow($0, at: moment, table: table) } },
                            byCategory: groups(open.byCategory), byResponsible: groups(open.byResponsible))
    }
}
