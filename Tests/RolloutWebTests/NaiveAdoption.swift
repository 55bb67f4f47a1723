import RolloutCore

/// Adoption computed the plain way from the log's events, for the tests to hold the page, the API,
/// the export and the scorecard to: none of `Adoption`'s code.
struct NaiveAdoption {
    /// Standing subscribers by (month "YYYY-MM", region, operator).
    var subscribers: [String: [String: [String: Int]]] = [:]
    var traffic: [String: [String: [String: Double]]] = [:]
    /// Projects by ref: (status, region, domain, demonstration, investment, date).
    var projects: [String: (status: String, region: String, domain: String, demo: Bool, investment: Double?, at: Int64)] = [:]
    var targets: [String: (Int, Int64)] = [:]

    /// Reads the events that happened up to `asOf` (inclusive) and were recorded up to `knownAt`.
    init(_ events: [LoggedEvent], asOf: Instant, knownAt: Instant? = nil) {
        var order = events
        order.sort { $0.seq < $1.seq }
        for e in order where e.event.occurredAt <= asOf && (knownAt.map { e.event.recordedAt <= $0 } ?? true) {
            switch e.event.body {
            case .subscribersReported(let f):
                let m = f.month.description, op = f.operator.rawValue
                // The last one recorded stands, even when it leaves a value out.
                subscribers[m, default: [:]][f.regionCode, default: [:]][op] = f.subscribers
                traffic[m, default: [:]][f.regionCode, default: [:]][op] = f.trafficTB
            case .applicationRecorded(let p):
                if let old = projects[p.ref], old.at > e.event.occurredAt.seconds { continue }
                projects[p.ref] = (p.status.rawValue, p.regionCode, p.domain.rawValue, p.demonstration, p.investmentCNY, e.event.occurredAt.seconds)
            case .subscriberTargetSet(let t) where t.operator == nil:
                if let old = targets[t.regionCode], old.1 > e.event.occurredAt.seconds { continue }
                targets[t.regionCode] = (t.target, e.event.occurredAt.seconds)
            default: break
            }
        }
    }

    /// The latest month with a subscriber count.
    var latestMonth: String? { subscribers.filter { !$0.value.values.allSatisfy(\.isEmpty) }.keys.max() }

    func subscribers(_ month: String?, region: String? = nil) -> Int? {
        guard let month, let byRegion = subscribers[month] else { return nil }
        let counts = byRegion.filter { region == nil || $0.key == region }.flatMap { $0.value.values }
        return counts.isEmpty ? nil : counts.reduce(0, +)
    }

    func traffic(_ month: String?, region: String? = nil) -> Double? {
        guard let month, let byRegion = traffic[month] else { return nil }
        let tb = byRegion.filter { region == nil || $0.key == region }.flatMap { $0.value.values }
        return tb.isEmpty ? nil : tb.reduce(0, +)
    }

    /// The month three before `month` ("YYYY-MM").
    static func threeBefore(_ month: String) -> String {
        let y = Int(month.prefix(4))!, m = Int(month.suffix(2))!
        let i = y * 12 + m - 1 - 3
        return String(format: "%04d-%02d", i / 12, i % 12 + 1)
    }

    func growth(region: String?) -> Double? {
        guard let last = latestMonth, let now = subscribers(last, region: region), let before = subscribers(Self.threeBefore(last), region: region),
              before > 0 else { return nil }
        return Double(now - before) / Double(before)
    }

    func inOperation(region: String) -> Int { projects.values.filter { $0.region == region && $0.status == "in_operation" }.count }
}
