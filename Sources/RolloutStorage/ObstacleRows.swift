import RolloutCore

/// Which obstacles to list.
public struct ObstacleQuery: Sendable, Equatable {
    /// Which obstacles, by their state at the moment.
    public enum Status: String, Sendable, CaseIterable {
        /// Not resolved (escalated ones included).
        case open
        /// Escalated to the city and not resolved.
        case escalated
        /// Resolved at the moment.
        case resolved
        /// Every obstacle, whatever its state.
        case all
    }

    /// Only the obstacles in this region (a region code); nil for every region.
    public var region: String?
    /// Only this operator's obstacles; nil for every operator.
    public var `operator`: Operator?
    /// Only those of this category; nil for every category.
    public var category: ObstacleCategory?
    /// Which states to list; `open` unless told.
    public var status: Status
    /// Only those open at least this many days.
    public var minAgeDays: Int?
    /// Only the unresolved ones with this unit (dispatched to it).
    public var unit: String?
    /// Only those whose service-level clock has run out.
    public var overdue: Bool
    /// From 1.
    public var page: Int
    /// How many obstacles a page holds.
    public var perPage: Int

    /// A query; by default the open obstacles, the first page of 50.
    public init(region: String? = nil, operator: Operator? = nil, category: ObstacleCategory? = nil, status: Status = .open,
                minAgeDays: Int? = nil, unit: String? = nil, overdue: Bool = false, page: Int = 1, perPage: Int = 50) {
        self.region = region; self.operator = `operator`; self.category = category; self.status = status
        self.minAgeDays = minAgeDays; self.unit = unit; self.overdue = overdue; self.page = page; self.perPage = perPage
    }
}

/// An obstacle as a list shows it, at a moment.
public struct ObstacleRow: Codable, Sendable, Equatable {
    /// The reporting organisation and its reference: together they name the obstacle.
    public var org: String
    /// The organisation's own reference for it.
    public var ref: String
    /// The code of the region it was raised in.
    public var regionCode: String
    /// The operator's code, nil when it concerns no one operator.
    @Nullable public var `operator`: String?
    /// The code of the site it blocks, nil for one raised on a whole region.
    @Nullable public var siteCode: String?
    /// Its category: `access`, `power`, `permit` and so on.
    public var category: String
    /// The unit the reporter named as responsible, nil when it named none.
    @Nullable public var responsible: String?
    /// What the reporter wrote about it.
    public var description: String
    /// `open`, `dispatched`, `escalated` or `resolved`, at the moment.
    public var status: String
    /// When it was raised (ISO-8601, Shanghai time).
    public var openedAt: String
    /// The unit it is with (dispatched to), and since when.
    @Nullable public var unit: String?
    /// When it was dispatched to that unit; nil when it never was.
    @Nullable public var dispatchedAt: String?
    /// When it was escalated to the city; nil when it was not.
    @Nullable public var escalatedAt: String?
    /// Why it was escalated; nil when it was not.
    @Nullable public var escalationReason: String?
    /// `system` when the clock ran out, else the account that escalated it.
    @Nullable public var escalatedBy: String?
    /// When it was resolved; nil while unresolved (a reopened one too).
    @Nullable public var resolvedAt: String?
    /// Waiting on the reporter (the clock stopped) since then, and why.
    @Nullable public var waitingSince: String?
    /// Why it waits on the reporter; nil when it does not.
    @Nullable public var waitingReason: String?
    /// When it was last reopened after a resolution; nil when never.
    @Nullable public var reopenedAt: String?
    /// Why it was last reopened; nil when never.
    @Nullable public var reopenReason: String?
    /// Whole days from opening to the moment (or to its resolution).
    public var ageDays: Int
    /// The category's service-level clock, in days.
    public var slaDays: Int
    /// When the clock runs out as things stand (nil once resolved).
    @Nullable public var due: String?
    /// Whole days left on the clock (negative once run out; nil once resolved).
    @Nullable public var daysLeft: Int?
    /// Whether the clock has run out.
    public var overdue: Bool

    /// A row with every field given.
    public init(org: String, ref: String, regionCode: String, `operator`: String? = nil, siteCode: String? = nil, category: String, responsible: String? = nil, description: String, status: String, openedAt: String, unit: String? = nil, dispatchedAt: String? = nil, escalatedAt: String? = nil, escalationReason: String? = nil, escalatedBy: String? = nil, resolvedAt: String? = nil, waitingSince: String? = nil, waitingReason: String? = nil, reopenedAt: String? = nil, reopenReason: String? = nil, ageDays: Int, slaDays: Int, due: String? = nil, daysLeft: Int? = nil, overdue: Bool) {
        self.`operator` = `operator`; self.org = org; self.ref = ref; self.regionCode = regionCode; self.siteCode = siteCode; self.category = category; self.responsible = responsible; self.description = description; self.status = status; self.openedAt = openedAt; self.unit = unit; self.dispatchedAt = dispatchedAt; self.escalatedAt = escalatedAt; self.escalationReason = escalationReason; self.escalatedBy = escalatedBy; self.resolvedAt = resolvedAt; self.waitingSince = waitingSince; self.waitingReason = waitingReason; self.reopenedAt = reopenedAt; self.reopenReason = reopenReason; self.ageDays = ageDays; self.slaDays = slaDays; self.due = due; self.daysLeft = daysLeft; self.overdue = overdue
    }
}

extension ObstacleRow {
    /// An obstacle as it stood at a moment, or nil when it was not yet raised (or known) then.
    public init?(_ s: ObstacleState, at moment: ReadMoment, table: Dispatch.Table) {
        guard moment.asOf.includes(s.openedAt), moment.knownAt.map({ $0.includes(s.openedRecordedAt) }) ?? true else { return nil }
        let now = ObstacleWorkflow.situation(openedAt: s.openedAt, marks: s.marks, at: moment)
        let end = now.resolvedAt ?? moment.asOf.before
        let sla = table.rule(s.opening.category).slaDays
        let o = s.opening
        self.init(org: o.org, ref: o.ref, regionCode: o.regionCode, operator: o.operator?.rawValue, siteCode: o.site?.code,
                           category: o.category.rawValue, responsible: o.responsible, description: o.description,
                           status: now.status.rawValue, openedAt: s.openedAt.description,
                           unit: now.unit, dispatchedAt: now.dispatchedAt?.description,
                           escalatedAt: now.escalatedAt?.description, escalationReason: now.escalationReason,
                           escalatedBy: now.escalatedBy, resolvedAt: now.resolvedAt?.description,
                           waitingSince: now.waitingSince?.description, waitingReason: now.waitingReason,
                           reopenedAt: now.reopenedAt?.description, reopenReason: now.reopenReason,
                           ageDays: Int(max(0, end.seconds - s.openedAt.seconds) / 86_400), slaDays: sla,
                           due: now.resolvedAt == nil ? now.deadline(slaDays: sla, end: moment.asOf.before).description : nil,
                           daysLeft: now.daysLeft(slaDays: sla, end: moment.asOf.before),
                           overdue: now.isOverdue(slaDays: sla, end: moment.asOf.before))
    }
}

/// One page of obstacles, with the counts of all that match.
public struct ObstaclePage: Codable, Sendable, Equatable {
    /// How many obstacles match the query in all.
    public var total: Int
    /// The page's number, from 1.
    public var page: Int
    /// How many obstacles a page holds.
    public var perPage: Int
    /// The page's obstacles, oldest first.
    public var obstacles: [ObstacleRow]
    /// Per category: how many match, how many are older than a week, the oldest age in days.
    public var byCategory: [ObstacleGroup]
    /// The same per responsible unit (`""` when the reporter named none).
    public var byResponsible: [ObstacleGroup]

    /// A page with its obstacles and the groups of all that match.
    public init(total: Int, page: Int, perPage: Int, obstacles: [ObstacleRow], byCategory: [ObstacleGroup], byResponsible: [ObstacleGroup]) {
        self.total = total; self.page = page; self.perPage = perPage; self.obstacles = obstacles; self.byCategory = byCategory; self.byResponsible = byResponsible
    }
}

/// Obstacles grouped by one attribute.
public struct ObstacleGroup: Codable, Sendable, Equatable {
    /// The attribute's value: a category, or a unit (`""` for none named).
    public var key: String
    /// How many obstacles have it.
    public var count: Int
    /// Of those, how many are over 7 days old.
    public var olderThanWeek: Int
    /// The age in whole days of the oldest.
    public var oldestDays: Int

    /// A group with its counts.
    public init(key: String, count: Int, olderThanWeek: Int, oldestDays: Int) {
        self.key = key; self.count = count; self.olderThanWeek = olderThanWeek; self.oldestDays = oldestDays
    }

    /// Groups in the order lists show them: the most numerous first (then by key).
    public static func sorted(_ groups: [ObstacleGroup]) -> [ObstacleGroup] {
        groups.sorted { ($0.count, $1.key) > ($1.count, $0.key) }
    }
}

/// What waits on a unit at a moment.
public struct UnitLoad: Codable, Sendable, Equatable {
    /// The unit's code: a department (`grid`, `police`, …) or an operator's.
    public var unit: String
    /// Unresolved obstacles dispatched to it.
    public var waiting: Int
    /// Of those, the ones whose clock has run out.
    public var overdue: Int
    /// Of those, the ones waiting on their reporter (clock stopped).
    public var onHold: Int
    /// The age in days of the oldest.
    public var oldestDays: Int

    /// A unit's load with every count given.
    public init(unit: String, waiting: Int, overdue: Int, onHold: Int, oldestDays: Int) {
        self.unit = unit; self.waiting = waiting; self.overdue = overdue; self.onHold = onHold; self.oldestDays = oldestDays
    }
}
