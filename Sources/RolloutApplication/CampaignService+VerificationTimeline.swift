import Logging
import RolloutCore

extension CampaignService {
    /// The name verification's timeline is kept under (``SnapshotStore``).
    static let timelineSnapshot = "verification_timeline"

    /// Events appended since the kept timeline beyond which a server keeps its timeline again:
    /// a server that starts then folds again fewer sites than a weekly import at `--scale 100` names.
    static let eventsBeforeKeepingAgain: Int64 = 200_000

    /// How many sites of a kept timeline are folded again before it is used.
    static let sitesChecked = 64

    /// Verification as known now, as a step function of the as-of instant (``VerificationTimeline``),
    /// for the log's current version: a tally at a new date is then a look-up per site instead of
    /// a fold of every kept event.
    ///
    /// Derived once, then grown: after a write only the sites the appended events name are folded
    /// again (``VerificationTimeline/updated(refolding:regions:)``). A server that starts takes
    /// the timeline kept in the database (``SnapshotStore``) and grows it the same way, instead of
    /// reading and folding every kept event (8.4 million at `--scale 100`); it derives it whole only
    /// when none is kept, when the kept one cannot be read, or when an evidence rule was set since.
    func verificationTimeline() async throws -> VerificationTimeline {
        let seq = try await store.currentSeq()
        return try await verificationTimelines.value(at: seq) { [self] previous in
            if let previous, previous.version < seq, let grown = try await grow(previous.value, from: previous.version, to: seq) {
                return grown
            }
            if previous == nil, let kept = try await keptTimeline(through: seq), let grown = try await grow(kept.timeline, from: kept.version, to: seq) {
                if seq - kept.version >= Self.eventsBeforeKeepingAgain { keepInBackground(grown, version: seq) }
                return grown
            }
            let log = try await verificationEvents()
            let whole = VerificationTimeline(log.events, regionOf: log.sites.regionOf)
            timelineDerivations.withLockedValue { $0 += 1 }
            keepInBackground(whole, version: seq)
            return whole
        }
    }

    /// The timeline kept in the database, if it was derived by the log's version `seq` or before
    /// and reads back whole.
    private func keptTimeline(through seq: Int64) async throws -> (version: Int64, timeline: VerificationTimeline)? {
        guard let kept = try await store.snapshot(Self.timelineSnapshot), kept.version <= seq else { return nil }
        let rules = try await ruleEvents(through: kept.version)
        guard let timeline = try? VerificationTimeline(bytes: kept.bytes, rules: rules) else {
            Logger(label: "rollout.verification").warning("kept verification timeline unreadable; deriving it again")
            return nil
        }
        // Sites drawn at random and folded again from the log as it stood then: a timeline kept
        // by another build whose rules of verification differ is derived again, not trusted.
        let sample = timeline.sample(Self.sitesChecked, seed: UInt64(kept.version))
        let own = try await ownEvents(of: Array(Set(sample.map(\.site))))
        guard timeline.agrees(with: own.mapValues { $0.filter { $0.seq <= kept.version } }, at: sample) else {
            Logger(label: "rollout.verification").warning("kept verification timeline disagrees with the log; deriving it again")
            return nil
        }
        return (kept.version, timeline)
    }

    /// The evidence rules up to a version of the log.
    private func ruleEvents(through version: Int64) async throws -> [LoggedEvent] {
        try await kept.events(kinds: ["evidence.rule_set"], store: store).filter { $0.seq <= version }
    }

    /// `timeline` (of the log up to `version`) grown to the log's version `seq`; nil when it must be
    /// derived whole (an evidence rule appended since, or so many sites named that a whole fold is quicker).
    private func grow(_ timeline: VerificationTimeline, from version: Int64, to seq: Int64) async throws -> VerificationTimeline? {
        guard version < seq else { return timeline }
        async let appended = store.events(kinds: Verification.kinds, after: version, through: seq, reportsBelowBuilt: false)
        async let places = store.registeredPlaces(after: version, through: seq)
        let (events, registered) = try await (appended, places)
        if events.contains(where: { if case .evidenceRuleSet = $0.event.body { true } else { false } }) { return nil }
        var named = Set<SiteKey>()
        for e in events { named.formUnion(VerificationTimeline.sites(of: e)) }
        if named.count > max(50_000, timeline.siteCount / 5) { return nil }
        var regions: [SiteKey: String] = [:]
        for p in registered { regions[p.site] = p.regionCode }
        if named.isEmpty && regions.isEmpty { return timeline }
        return timeline.updated(refolding: try await ownEvents(of: Array(named)), regions: regions)
    }

    /// Each site's events that its opening is folded from: those of its entity and of its
    /// verification, and the spot checks that drew it (the rules are the timeline's).
    func ownEvents(of sites: [SiteKey]) async throws -> [SiteKey: [LoggedEvent]] {
        var out: [SiteKey: [LoggedEvent]] = [:]
        let wanted = Set(sites)
        for s in sites { out[s] = [] }
        // A few hundred sites a read: each names two entities, and the engines bound the parameters of a statement.
        for chunk in stride(from: 0, to: sites.count, by: 500).map({ sites[$0..<min(sites.count, $0 + 500)] }) {
            let entities = chunk.flatMap { [$0.entity, EvidencePhoto.entity($0)] }
            for e in try await store.events(entities: entities) {
                if case .siteRegistered(let r) = e.event.body { out[r.site]?.append(e); continue }
                for s in VerificationTimeline.sites(of: e) where wanted.contains(s) { out[s]?.append(e) }
            }
        }
        for e in try await kept.events(kinds: ["verification.spot_check"], store: store) {
            for s in VerificationTimeline.sites(of: e) where wanted.contains(s) { out[s]?.append(e) }
        }
        return out
    }

    /// The openings a week's spot check draws from (``SpotCheck/candidates(_:week:)`` of the
    /// whole fold as of the Monday, in the same order): a candidate's first photo was attached in
    /// the week before, so only the sites with a photo attached then that the timeline has
    /// accepted on the Monday are folded, each from its own events. Folding every kept event
    /// instead made a server that started on a new week's clock spend a minute at `--scale 100`,
    /// beside its first requests.
    func spotCheckCandidates(week: DayNumber) async throws -> [SiteKey] {
        let photos = SpotCheck.photoWeek(week)
        var photographed = Set<SiteKey>()
        for e in try await store.events(kinds: ["evidence.attached"]) {
            if case .evidenceAttached(let p) = e.event.body, photos.contains(e.event.occurredAt) { photographed.insert(p.site) }
        }
        guard !photographed.isEmpty else { return [] }
        let monday = ReadMoment(asOf: Cutoff(before: photos.upperBound))
        let timeline = try await verificationTimeline()
        let sites = timeline.sites(at: monday.asOf) { site, state in state == .accepted && photographed.contains(site) }
        let own = try await ownEvents(of: sites)
        let openings = sites.compactMap { timeline.opening(of: $0, own: own[$0] ?? [], at: monday) }.filter(\.isCurrent)
        return SpotCheck.candidates(openings.sorted { ($0.site.operator.rawValue, $0.site.code) < ($1.site.operator.rawValue, $1.site.code) }, week: week)
    }

    /// ``ownEvents(of:)`` kept for the log's version `seq`: an operator's rejected openings at one
    /// date and the next are mostly the same sites, whose events were otherwise read again for
    /// every date the operator page is asked at.
    func keptOwnEvents(of sites: [SiteKey], seq: Int64) async throws -> [SiteKey: [LoggedEvent]] {
        let known = ownEventsKept.withLockedValue { $0.seq == seq ? $0.events : [:] }
        let missing = sites.filter { known[$0] == nil }
        guard !missing.isEmpty else { return known }
        let read = try await ownEvents(of: missing)
        return ownEventsKept.withLockedValue { kept in
            if kept.seq != seq { kept = (seq, [:]) }
            kept.events.merge(read) { old, _ in old }
            return kept.events
        }
    }

    /// Keeps a timeline in the database without holding up the read that made it (one at a time:
    /// while one is being written, a newer one waits for a later version); a failure is logged,
    /// and the next server derives the timeline again.
    private func keepInBackground(_ timeline: VerificationTimeline, version: Int64) {
        let store = self.store
        timelineKeeping.withLockedValue { running in
            guard running == nil else { return }
            running = Task.detached(priority: .background) { [timelineKeeping] in
                do { try await store.keepSnapshot(Self.timelineSnapshot, version: version, bytes: timeline.bytes()) } catch {
                    Logger(label: "rollout.verification").warning("could not keep the verification timeline: \(error)")
                }
                timelineKeeping.withLockedValue { $0 = nil }
            }
        }
    }

    /// Waits until a timeline being kept in the database is written (a server that stops, a test
    /// that closes its store).
    public func keptWritesFinished() async {
        await timelineKeeping.withLockedValue { $0 }?.value
        await reconciliationKeeping.withLockedValue { $0 }?.value
    }
}
