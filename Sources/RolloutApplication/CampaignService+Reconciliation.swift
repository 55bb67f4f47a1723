import Foundation
import RolloutCore
import RolloutStorage

/// Operators' records against China Tower's at a moment: the pairs, the queue of mismatches and
/// the reconciliation rate.
public struct ReconciliationView: Sendable {
    /// The thresholds in force.
    public var thresholds: Reconciliation.Thresholds
    /// The moment's instant (ages are counted to it).
    public var at: Instant
    /// Every mismatch with its status, oldest first.
    public var entries: [Reconciliation.Entry]
    /// The pairs: each operator site paired with a China Tower site.
    public var pairs: [Reconciliation.Pair]
    /// Operator sites with two China Tower sites near enough and none named.
    public var ambiguous: [SiteKey: [SiteKey]]
    /// The rate for the city, per district and per operator.
    public var city: Reconciliation.Rate
    /// The rate per district.
    public var byRegion: [String: Reconciliation.Rate]
    /// The rate per operator.
    public var byOperator: [String: Reconciliation.Rate]

    /// The rate and the open mismatches of a district, an operator (China Tower: the city's rate
    /// and every mismatch with a tower record) or the city.
    public struct Figure: Sendable, Equatable {
        /// Paired sites, and those with no open mismatch.
        public var rate: Reconciliation.Rate
        /// Open mismatches.
        public var open: Int
    }

    /// The figure of a district, an operator or (with neither) the city.
    public func figure(region: String? = nil, operator op: Operator? = nil) -> Figure {
        let rate = region.map { byRegion[$0] ?? Reconciliation.Rate() } ?? op.flatMap { $0 == .tower ? nil : byOperator[$0.rawValue] ?? Reconciliation.Rate() } ?? city
        return Figure(rate: rate, open: entries(region: region, operator: op, status: .open).count)
    }

    /// What reconciliation says of one site: for an operator's, the China Tower site it is paired
    /// with (or the candidates, when two are near and none named); for China Tower's, the operator
    /// sites on it; and the site's mismatches.
    public struct SiteFigure: Sendable {
        /// The pair an operator's site is in.
        public var pair: Reconciliation.Pair?
        /// The China Tower sites near enough, none named (an ambiguous pairing).
        public var candidates: [SiteKey]
        /// The operator sites paired with a China Tower site.
        public var operatorSites: [SiteKey]
        /// The site's mismatches, open and resolved.
        public var entries: [Reconciliation.Entry]
    }

    /// What reconciliation says of one site.
    public func site(_ key: SiteKey) -> SiteFigure {
        let entries = self.entries.filter { $0.mismatch.operatorSite == key || $0.mismatch.towerSite == key }
        if key.operator == .tower {
            return SiteFigure(pair: nil, candidates: [], operatorSites: pairs.filter { $0.towerSite == key }.map(\.operatorSite), entries: entries)
        }
        return SiteFigure(pair: pairs.first { $0.operatorSite == key }, candidates: ambiguous[key] ?? [], operatorSites: [], entries: entries)
    }

    /// The entries a filter keeps, oldest first.
    public func entries(region: String? = nil, operator op: Operator? = nil, kind: Reconciliation.MismatchKind? = nil,
                        status: Reconciliation.Status? = nil) -> [Reconciliation.Entry] {
        entries.filter { e in
            (region == nil || e.regionCode == region) && (kind == nil || e.mismatch.kind == kind) && (status == nil || e.status == status)
                && (op == nil || e.mismatch.operatorSite?.operator == op || (op == .tower && e.mismatch.towerSite != nil))
        }
    }
}

/// What a reconciliation is kept by: its moment, its district and its operator (nil: all).
struct ReconciliationKey: Hashable, Sendable {
    var moment: ReadMoment
    var region: String?
    var `operator`: Operator?
}

extension CampaignService {
    /// The kinds of event the queue and the thresholds are folded from.
    public static let reconciliationKinds = ["reconciliation.resolved", "reconciliation.thresholds_set"]

    /// The reconciliation at a moment given as text (`as_of`, `known_at`).
    public func reconciliation(asOf: String? = nil, knownAt: String? = nil, region: String? = nil) async throws -> ReconciliationView {
        let (_, moment) = try await self.moment(asOf: asOf, knownAt: knownAt)
        return try await reconciliation(at: moment, region: region)
    }

    /// The reconciliation at a checked moment, of the whole city or of one district: computed once
    /// per version of the log, moment and district (the overview, the district and operator pages
    /// and the queue each ask for it). Records pair only within their district, so a district's
    /// reconciliation is the city's restricted to it, read from its records alone (on the demo's
    /// district pages, a first render 6 ms slower in `scripts/bench-web`, against 100 ms for the city). With an operator (not China Tower), only
    /// its sites and China Tower's are read: its pairs and mismatches are the city's, but a China
    /// Tower site none of its sites stands on is not listed (another operator's may).
    public func reconciliation(at moment: ReadMoment, region: String? = nil, operator op: Operator? = nil) async throws -> ReconciliationView {
        let seq = try await store.currentSeq()
        let only = op == .tower ? nil : op
        let key = ReconciliationKey(moment: moment, region: region, operator: only)
        if let hit = reconciliations.withLockedValue({ $0.seq == seq ? $0.views[key] : nil }) { return hit }
        let (thresholds, resolutions) = try await reconciliationLog(seq: seq, at: moment)
        let now = Instant(seconds: moment.asOf.before.seconds - 1)
        let pairing: Reconciliation.Pairing, regions: [SiteKey: String]
        var mismatches: [Reconciliation.Mismatch]
        if moment.knownAt == nil {
            // As known now, from the pairing kept for the log's version (the near towers found
            // once), each record made only when a mismatch asks for it.
            let kept = try await pairingTimeline(seq: seq, radius: thresholds.pairMetres)
            pairing = kept.pairing(at: moment.asOf, region: region, operator: only)
            let record: (SiteKey) -> Reconciliation.Record? = { kept.record($0, at: moment.asOf) }
            mismatches = Reconciliation.mismatches(pairing, operator: record, tower: record, thresholds: thresholds, at: now)
            regions = kept.regionOf
        } else {
            // As known at a past instant, from that instant's records.
            let records = try await reconciliationTimelines(seq: seq, knownAt: moment.knownAt).compactMap { t in
                (region == nil || t.regionCode == region) && (only == nil || t.key.operator == only || t.key.operator == .tower) ? t.record(at: moment.asOf) : nil
            }
            pairing = Reconciliation.pair(operators: records.filter { $0.key.operator != .tower }, towers: records.filter { $0.key.operator == .tower },
                                          radius: thresholds.pairMetres)
            // One table of every record serves as both sides' (a key names its operator).
            let byKey = Dictionary(records.map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
            mismatches = Reconciliation.mismatches(pairing, operators: byKey, towers: byKey, thresholds: thresholds, at: now)
            regions = byKey.mapValues(\.regionCode)
        }
        if only != nil { mismatches.removeAll { $0.kind == .operatorMissing } }
        let queue = Reconciliation.queue(mismatches, regions: regions, resolutions: resolutions)
        let rates = Reconciliation.rates(pairing, queue: queue, regions: regions)
        let view = ReconciliationView(thresholds: thresholds, at: now, entries: queue, pairs: pairing.pairs,
                                      ambiguous: pairing.ambiguous,
                                      city: rates.city, byRegion: rates.byRegion, byOperator: rates.byOperator)
        reconciliations.withLockedValue { kept in
            if kept.seq != seq || kept.views.count >= 8 { kept = (seq, [:]) }
            kept.views[key] = view
        }
        return view
    }

    /// The thresholds in force at a moment and the resolutions logged by then, in log order.
    func reconciliationLog(seq: Int64, at moment: ReadMoment) async throws -> (Reconciliation.Thresholds, [Reconciliation.LoggedResolution]) {
        var thresholds = Reconciliation.Thresholds.standard
        var resolutions: [Reconciliation.LoggedResolution] = []
        for e in try await reconciliationEvents(seq: seq)
        where moment.asOf.includes(e.event.occurredAt) && (moment.knownAt?.includes(e.event.recordedAt) ?? true) {
            switch e.event.body {
            case .reconciliationThresholdsSet(let t): thresholds = t
            case .reconciliationResolved(let r): resolutions.append(Reconciliation.LoggedResolution(r, at: e.event.occurredAt, actor: e.event.actor))
            default: break
            }
        }
        return (thresholds, resolutions)
    }

    /// What reconciliation says of one site at a checked moment (a site's page). As known now,
    /// from the site's own pairs in the pairing kept for the log's version
    /// (``Reconciliation/PairingTimeline/pairing(ofSite:at:)``), where its district's whole
    /// reconciliation was made before; as known at a past instant, from that district's.
    public func reconciliation(ofSite key: SiteKey, region: String, at moment: ReadMoment) async throws -> ReconciliationView.SiteFigure {
        guard moment.knownAt == nil else { return try await reconciliation(at: moment, region: region).site(key) }
        let seq = try await store.currentSeq()
        let (thresholds, resolutions) = try await reconciliationLog(seq: seq, at: moment)
        let kept = try await pairingTimeline(seq: seq, radius: thresholds.pairMetres)
        let pairing = kept.pairing(ofSite: key, at: moment.asOf)
        let now = Instant(seconds: moment.asOf.before.seconds - 1)
        let record: (SiteKey) -> Reconciliation.Record? = { kept.record($0, at: moment.asOf) }
        let mismatches = Reconciliation.mismatches(pairing, operator: record, tower: record, thresholds: thresholds, at: now)
        let queue = Reconciliation.queue(mismatches, regions: kept.regionOf, resolutions: resolutions)
        return ReconciliationView(thresholds: thresholds, at: now, entries: queue, pairs: pairing.pairs, ambiguous: pairing.ambiguous,
                                  city: Reconciliation.Rate(), byRegion: [:], byOperator: [:]).site(key)
    }

    /// The pairing of the timelines as known now, for the log's version and a radius, made once
    /// however many pages ask (``KeptPerVersion``).
    func pairingTimeline(seq: Int64, radius: Double) async throws -> Reconciliation.PairingTimeline {
        let timelines = try await reconciliationTimelines(seq: seq, knownAt: nil)
        // A keeper per radius: moments on either side of a change of the thresholds ask for both
        // radii at one version of the log, and one keeper of both would make one of them again at
        // every request.
        let keeper = KeptPerVersion.keeper(radius, in: reconciliationPairings)
        return try await keeper.value(at: seq) { [store] previous in
            // No site named since (a resolution, an obstacle, a target): the timelines are those
            // of the version before, and so is their pairing (at `--scale 100`, 2.7 s of the first
            // overview after such a write went into making it again).
            if let previous, previous.version < seq, try await store.sitesNamed(after: previous.version, through: seq).isEmpty { return previous.value }
            // The places unchanged (only stages reported since): the near towers found before serve.
            return previous.flatMap { $0.value.updated(timelines) } ?? Reconciliation.PairingTimeline(timelines, radius: radius)
        }
    }

    /// The resolutions and thresholds in the log, read again only when the log has grown.
    func reconciliationEvents(seq: Int64) async throws -> [LoggedEvent] {
        if let kept = reconciliationLog.withLockedValue({ $0 }), kept.seq == seq { return kept.events }
        let events = try await store.events(kinds: Self.reconciliationKinds)
        reconciliationLog.withLockedValue { $0 = (seq, events) }
        return events
    }

    /// Resolves an open mismatch now, as the city office or the district it lies in, with a note
    /// naming the side that was right. A mismatch that is not open now (resolved, or gone because
    /// the two agree) is refused, as is an empty note.
    public func resolveMismatch(kind: Reconciliation.MismatchKind, operatorSite: SiteKey?, towerSite: SiteKey?, right: Reconciliation.Side,
                                note: String, by principal: Principal) async throws -> Reconciliation.Entry {
        guard Access.allows(principal.role, .reconcile) else { throw RolloutError("forbidden", kind: .forbidden, ["role": principal.role.rawValue]) }
        let text = note.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { throw RolloutError("reconciliation_note_required") }
        guard text.count <= 500 else { throw RolloutError("reconciliation_note_too_long", ["value": "\(text.count)"]) }
        let c = try await campaign()
        let now = c.now(clock)
        let view = try await reconciliation(at: ReadMoment(asOf: .including(now)))
        let entity = Reconciliation.entity(kind, operatorSite: operatorSite, towerSite: towerSite)
        guard let entry = view.entries.first(where: { $0.mismatch.entity == entity }) else {
            throw RolloutError("reconciliation_no_mismatch", kind: .notFound, ["value": entity])
        }
        guard entry.status == .open else { throw RolloutError("reconciliation_not_open", kind: .conflict, ["value": entity]) }
        let m = entry.mismatch
        let resolution = Reconciliation.Resolution(kind: kind, operatorSite: m.operatorSite, towerSite: m.towerSite, regionCode: entry.regionCode,
                                                   operatorValue: m.operatorValue, towerValue: m.towerValue, right: right, note: text)
        let body = EventBody.reconciliationResolved(resolution)
        guard Access.mayRecord(body, principal) else { throw RolloutError("forbidden_region", kind: .forbidden, ["value": entry.regionCode]) }
        _ = try await store.append([NewEvent(body, occurredAt: now, recordedAt: now, actor: principal.account, via: principal.token)])
        var resolved = entry
        resolved.status = .resolved; resolved.reopened = false
        resolved.resolution = Reconciliation.LoggedResolution(resolution, at: now, actor: principal.account)
        return resolved
    }

    /// Sets the reconciliation's thresholds, as the city office; returns them.
    @discardableResult
    public func setReconciliationThresholds(_ thresholds: Reconciliation.Thresholds, by principal: Principal) async throws -> Reconciliation.Thresholds {
        guard principal.role == .cityOffice else { throw RolloutError("forbidden", kind: .forbidden, ["role": principal.role.rawValue]) }
        let checked = try thresholds.validated()
        let now = try await campaign().now(clock)
        _ = try await store.append([NewEvent(.reconciliationThresholdsSet(checked), occurredAt: now, recordedAt: now, actor: principal.account,
                                             via: principal.token)])
        return checked
    }
}
