import Foundation
import RolloutCore

/// Reconciliation's figures at a moment for the city, every district and every operator: what
/// the overview, the district and operator pages, the bulletin and the scorecard show of it
/// (the queue itself is ``ReconciliationView``'s).
public struct ReconciliationFigures: Sendable, Equatable {
    /// The city's tally.
    public var city: Reconciliation.Tally
    /// Each district's with anything paired or open.
    public var byRegion: [String: Reconciliation.Tally]
    /// Each operator's (not China Tower's: the city's is its).
    public var byOperator: [Operator: Reconciliation.Tally]

    /// Figures with every tally given.
    public init(city: Reconciliation.Tally, byRegion: [String: Reconciliation.Tally], byOperator: [Operator: Reconciliation.Tally]) {
        self.city = city; self.byRegion = byRegion.filter { $0.value != Reconciliation.Tally() }
        self.byOperator = byOperator.filter { $0.value != Reconciliation.Tally() }
    }

    /// The figures of a whole reconciliation of the city (its rates, and its open entries counted).
    public init(_ view: ReconciliationView) {
        func tally(_ rate: Reconciliation.Rate, _ open: [Reconciliation.Entry]) -> Reconciliation.Tally {
            Reconciliation.Tally(paired: rate.paired, agreeing: rate.agreeing, open: open.count, openWithTower: open.filter { $0.mismatch.towerSite != nil }.count)
        }
        let open = view.entries(status: .open)
        var byRegion: [String: Reconciliation.Tally] = [:], byOperator: [Operator: Reconciliation.Tally] = [:]
        for r in Set(view.byRegion.keys).union(open.map(\.regionCode)) {
            byRegion[r] = tally(view.byRegion[r] ?? Reconciliation.Rate(), open.filter { $0.regionCode == r })
        }
        for o in Operator.allCases where o != .tower {
            byOperator[o] = tally(view.byOperator[o.rawValue] ?? Reconciliation.Rate(), open.filter { $0.mismatch.operatorSite?.operator == o })
        }
        self.init(city: tally(view.city, open), byRegion: byRegion, byOperator: byOperator)
    }

    /// The figure of a district, of an operator (China Tower: the city's rate and every open
    /// mismatch naming a tower site), or (with neither) of the city; a district wins over an
    /// operator (no page asks for both).
    public func figure(region: String? = nil, operator op: Operator? = nil) -> ReconciliationView.Figure {
        func figure(_ t: Reconciliation.Tally?) -> ReconciliationView.Figure {
            ReconciliationView.Figure(rate: Reconciliation.Rate(paired: t?.paired ?? 0, agreeing: t?.agreeing ?? 0), open: t?.open ?? 0)
        }
        if let region { return figure(byRegion[region]) }
        switch op {
        case nil: return figure(city)
        case .tower?: return ReconciliationView.Figure(rate: Reconciliation.Rate(paired: city.paired, agreeing: city.agreeing), open: city.openWithTower)
        case let o?: return figure(byOperator[o])
        }
    }
}

extension CampaignService {
    /// Reconciliation's figures at a checked moment. As known now, a look-up in the tallies swept
    /// over time for the log's version and the thresholds in force at the moment
    /// (``Reconciliation/Sweep``): a new date no longer pairs and compares every site again. As
    /// known at a past instant, counted from that instant's whole reconciliation.
    public func reconciliationFigures(at moment: ReadMoment) async throws -> ReconciliationFigures {
        guard moment.knownAt == nil else { return ReconciliationFigures(try await reconciliation(at: moment)) }
        let seq = try await store.currentSeq()
        let (thresholds, _) = try await reconciliationLog(seq: seq, at: moment)
        let t = try await reconciliationSweep(seq: seq, thresholds: thresholds).tallies(at: moment.asOf)
        return ReconciliationFigures(city: t.city, byRegion: t.byRegion, byOperator: t.byOperator)
    }

    /// The tallies swept over time under a set of thresholds, for the log's version: made once
    /// however many pages ask (``KeptPerVersion``), from the pairing kept for that version and
    /// every resolution logged; after a write, grown from the version before by following again
    /// only the sites the appended events name and those they can pair with
    /// (``Reconciliation/Sweep/updated(_:named:resolutions:)``).
    func reconciliationSweep(seq: Int64, thresholds: Reconciliation.Thresholds) async throws -> Reconciliation.Sweep {
        let keeper = KeptPerVersion.keeper(thresholds, in: reconciliationSweeps)
        return try await keeper.value(at: seq) { [self] previous in
            let pairing = try await pairingTimeline(seq: seq, radius: thresholds.pairMetres)
            var resolutions: [Reconciliation.LoggedResolution] = [], resolvedSince: [SiteKey] = []
            for e in try await reconciliationEvents(seq: seq) {
                guard case .reconciliationResolved(let r) = e.event.body else { continue }
                resolutions.append(Reconciliation.LoggedResolution(r, at: e.event.occurredAt, actor: e.event.actor))
                // The sites a resolution logged since names are followed again (the others' are in the sweep already).
                if let previous, e.seq > previous.version { resolvedSince += [r.operatorSite, r.towerSite].compactMap { $0 } }
            }
            if let previous, previous.version < seq,
               let grown = previous.value.updated(pairing, named: try await store.sitesNamed(after: previous.version, through: seq) + resolvedSince,
                                                  resolutions: resolutions) {
                return grown
            }
            return Reconciliation.Sweep(pairing, thresholds: thresholds, resolutions: resolutions)
        }
    }
}
