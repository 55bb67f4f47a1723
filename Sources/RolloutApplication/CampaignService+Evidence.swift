
import Foundation
import RolloutCore
import RolloutPhotos
import RolloutStorage

/// Verification at a moment: each site's opening as it stands, with the sites' regions.
public struct VerificationView: Sendable {
    /// The moment's field instant (the last second counted).
    public var at: Instant
    /// The fold.
    public var verification: Verification
    /// Each opening site's region.
    public var regionOf: [SiteKey: String]
    /// Each opening site's registered position (latitude, longitude).
    public var positionOf: [SiteKey: Position] = [:]

    /// A point on the map, WGS-84 degrees.
    public struct Position: Hashable, Sendable {
        /// Latitude and longitude.
        public var lat: Double, lon: Double
    }
}

/// Every registered site's region and position, from the registrations' places
/// (``RegisteredPlace``) up to a version of the log: taken once and grown as the log grows, not
/// looked up again for every moment (735,000 registrations at `--scale 10`). A site registered
/// again keeps its latest.
struct VerificationSites: Sendable {
    /// How many registrations were taken.
    var events = 0
    /// Each site's region.
    var regionOf: [SiteKey: String] = [:]
    /// Each site's position.
    var positionOf: [SiteKey: VerificationView.Position] = [:]

    /// Takes registrations' places, in log order.
    mutating func take(_ places: [RegisteredPlace]) {
        for p in places {
            regionOf[p.site] = p.regionCode
            positionOf[p.site] = .init(lat: p.lat, lon: p.lon)
        }
        events += places.count
    }
}

extension CampaignService {
    /// Sets the evidence rule from now on, as the city office.
    @discardableResult
    public func setEvidenceRule(_ rule: EvidenceRule, by principal: Principal) async throws -> EvidenceRule {
        try await recordNow(needs: .setEvidence, by: principal) { let checked = try rule.validated(); return (.evidenceRuleSet(checked), checked) }
    }

    /// Verification as of a written moment.
    public func verification(asOf: String? = nil, knownAt: String? = nil) async throws -> VerificationView {
        let (_, moment) = try await self.moment(asOf: asOf, knownAt: knownAt)
        return try await verification(at: moment)
    }

    /// Verification at a checked moment.
    public func verification(at moment: ReadMoment) async throws -> VerificationView {
        let log = try await verificationEvents()
        let v = Verification(log.events, at: moment)
        // Every registered site's, a superset of the openings' (only looked up by site).
        return VerificationView(at: moment.asOf.before.adding(seconds: -1), verification: v, regionOf: log.sites.regionOf, positionOf: log.sites.positionOf)
    }

    /// Makes verification's timeline when evidence was ever switched on, and reconciliation's
    /// timelines, their pairing and their tallies swept over time under the thresholds in force:
    /// a server does it as it starts, from what is kept in the database (verification's 1.2 s at
    /// `--scale 100`) or, when nothing is kept, from every kept event and site (which it then
    /// keeps); a page asked meanwhile waits for the same making, not makes it again.
    public func prepareReads() async throws {
        if try await !store.events(kinds: ["evidence.rule_set"]).isEmpty { _ = try await verificationTimeline() }
        let seq = try await store.currentSeq()
        // The obstacles' spells beside reconciliation's pairing and sweep (on the other core).
        async let spells = obstacleSpells(seq: seq)
        var thresholds = Reconciliation.Thresholds.standard
        for e in try await reconciliationEvents(seq: seq) { if case .reconciliationThresholdsSet(let t) = e.event.body { thresholds = t } }
        _ = try await pairingTimeline(seq: seq, radius: thresholds.pairMetres)
        _ = try await reconciliationSweep(seq: seq, thresholds: thresholds)
        _ = try await spells
    }

    /// The events verification is folded from (those that can change an opening:
    /// ``Verification/changesOpenings(_:)``) and the sites' regions and positions, kept from one
    /// read to the next (``KeptEvents``): after a write only the events appended since are read and
    /// decoded (reading them all again cost 8 s after every write on the demo generated to the end
    /// of 2020: 504,000 events), and only the registrations appended since are taken.
    func verificationEvents() async throws -> (events: [LoggedEvent], sites: VerificationSites) {
        // The two lists side by side (each read on its own SQLite connection and thread): a server's
        // first summary at `--scale 10` waited for one after the other.
        async let verifying = kept.events(kinds: Verification.kinds, store: store, reportsBelowBuilt: false)
        async let registrations = registeredSites()
        return try await (verifying, registrations)
    }

    /// Every registered site's region and position up to the log's current version, grown from
    /// the places taken before (the log only grows; a log found shorter is taken again whole).
    func registeredSites() async throws -> VerificationSites {
        let seq = try await store.currentSeq()
        return try await verificationSites.value(at: seq) { [store] previous in
            let base = previous.flatMap { $0.version < seq ? $0 : nil }
            var sites = base?.value ?? VerificationSites()
            sites.take(try await store.registeredPlaces(after: base?.version ?? 0, through: seq))
            return sites
        }
    }

    /// An operator's openings rejected and not reported again, latest decision first; none (and
    /// nothing more read) while evidence has never been switched on by the moment.
    public func rejectedOpenings(of op: Operator, at moment: ReadMoment) async throws -> [Verification.Opening] {
        guard try await evidenceEverSet(at: moment) else { return [] }
        // Picked from the openings before any sorting: sorting every current opening first took
        // a third of an operator page's time at `--scale 10`. As known now, picked by the
        // timeline and each folded from its own events.
        let rejected: [Verification.Opening]
        if moment.knownAt == nil {
            let seq = try await store.currentSeq()
            let timeline = try await verificationTimeline()
            let sites = timeline.sites(at: moment.asOf) { site, state in site.operator == op && state == .rejected }
            let own = try await keptOwnEvents(of: sites, seq: seq)
            rejected = sites.compactMap { timeline.opening(of: $0, own: own[$0] ?? [], at: moment) }
        } else {
            rejected = try await verification(at: moment).verification.openings.values.filter { $0.site.operator == op && $0.isCurrent && $0.state == .rejected }
        }
        return rejected.sorted { ($0.decidedAt ?? $0.recordedAt, $0.site.code) > ($1.decidedAt ?? $1.recordedAt, $1.site.code) }
    }

    /// One site's opening at a moment (nil when it never went on air), folded from that site's
    /// events and the rule's and spot checks' alone (the index by entity, not the whole log).
    public func siteVerification(_ site: SiteKey, at moment: ReadMoment) async throws -> Verification.Opening? {
        let own = try await store.events(entities: [site.entity, EvidencePhoto.entity(site)])
        let shared = try await kept.events(kinds: ["evidence.rule_set", "verification.spot_check"], store: store)
        return Verification((own + shared).sorted { $0.seq < $1.seq }, at: moment).openings[site]
    }

    /// Attaches a photo to a site's `on_air` or `accepted` stage, now, as `principal` (the site's
    /// operator, or the city office): the photo is read (a real JPEG within the size limit, its
    /// EXIF), checked against the site (``EvidenceChecks``), kept with its preview by SHA-256, and
    /// logged with the checks it failed. Throws `bad_evidence_stage`, `site_not_yours`,
    /// `unknown_site`, `evidence_stage_not_reached`, the photo's own errors, `evidence_exists` (the
    /// same photo for the same stage again).
    public func attachEvidence(site: SiteKey, stage: Stage, bytes: [UInt8], by principal: Principal,
                               maxBytes: Int = Limits.standard.photoBytes) async throws -> EvidencePhoto {
        guard Access.allows(principal.role, .attachEvidence) else { throw RolloutError("forbidden", kind: .forbidden, ["role": principal.role.rawValue]) }
        guard EvidencePhoto.stages.contains(stage) else { throw RolloutError("bad_evidence_stage", ["value": stage.rawValue]) }
        guard principal.role == .cityOffice || principal.operator == site.operator else {
            throw RolloutError("site_not_yours", kind: .forbidden, ["value": site.code])
        }
        let now = try await campaign().now(clock)
        let sha = Self.sha256(bytes)
        let rule = Verification(try await store.events(kinds: ["evidence.rule_set"]), at: ReadMoment(asOf: .including(now))).rule ?? EvidenceRule()
        // The same bytes as another site's evidence (looked for only when the bytes are kept already).
        var reused = false
        if try await store.blob(sha256: sha) != nil {
            for e in try await store.events(kinds: ["evidence.attached"]) {
                guard case .evidenceAttached(let p) = e.event.body, p.sha256 == sha else { continue }
                if p.site != site { reused = true } else if p.stage == stage { throw RolloutError("evidence_exists", kind: .conflict, ["value": sha]) }
            }
        }
        let (evidence, blobs) = try await makeEvidence(site: site, stage: stage, bytes: bytes, sha256: sha, maxBytes: maxBytes, now: now, rule: rule,
                                                       reusedElsewhere: reused)
        _ = try await store.keep(blobs, appending: [NewEvent(.evidenceAttached(evidence), occurredAt: now, recordedAt: now, actor: principal.account, via: principal.token)])
        return evidence
    }

    /// A photo of a site's stage as evidence, as of `now`: the site must have reached the stage;
    /// the photo is read (a real JPEG within the size limit, its EXIF) and checked against the
    /// site (``EvidenceChecks``) under the rule; with the photo and its preview to keep. Throws
    /// `unknown_site`, `evidence_stage_not_reached` and the photo's own errors.
    func makeEvidence(site: SiteKey, stage: Stage, bytes: [UInt8], sha256 sha: String, maxBytes: Int, now: Instant, rule: EvidenceRule,
                      reusedElsewhere reused: Bool) async throws -> (EvidencePhoto, [StoredBlob]) {
        guard let detail = try await store.site(site, at: ReadMoment(asOf: .including(now))) else {
            throw RolloutError("unknown_site", kind: .notFound, ["operator": site.operator.rawValue, "value": site.code])
        }
        // The report of the stage shown (the latest that reached it) and the change before it.
        let changes = detail.events.filter { $0.kind == "stage.reported" || $0.kind == "stage.rolled_back" }
        guard let current = Stage(rawValue: detail.site.stage), current >= stage,
              let report = changes.last(where: { $0.kind == "stage.reported" && ($0.stage.flatMap(Stage.init(rawValue:)) ?? .planned) >= stage }),
              let reportAt = ShanghaiCalendar.parseInstant(report.occurredAt), let reportRecorded = ShanghaiCalendar.parseInstant(report.recordedAt) else {
            throw RolloutError("evidence_stage_not_reached", kind: .conflict, ["value": stage.rawValue])
        }
        let previous = changes.last { ShanghaiCalendar.parseInstant($0.occurredAt).map { $0 < reportAt } == true }
            .flatMap { ShanghaiCalendar.parseInstant($0.occurredAt) }
        let photo = try Photo.read(bytes, maxBytes: maxBytes)
        let outcome = EvidenceChecks.check(takenAt: photo.exif.takenAt, latitude: photo.exif.latitude, longitude: photo.exif.longitude,
                                           siteLatitude: detail.site.lat, siteLongitude: detail.site.lon, previousStageAt: previous,
                                           reportRecordedAt: reportRecorded, reusedElsewhere: reused, rules: rule.checks)
        let preview = try JPEGCodec.preview(bytes, maxSide: 320)
        let previewSha = Self.sha256(preview.bytes)
        let evidence = EvidencePhoto(site: site, stage: stage, sha256: sha, previewSha256: previewSha, bytes: bytes.count, width: photo.layout.width,
                                     height: photo.layout.height, takenAt: photo.exif.takenAt, latitude: photo.exif.latitude,
                                     longitude: photo.exif.longitude, distanceMetres: outcome.distanceMetres, failures: outcome.failures)
        return (evidence, [StoredBlob(sha256: sha, contentType: "image/jpeg", bytes: bytes),
                           StoredBlob(sha256: previewSha, contentType: "image/jpeg", bytes: preview.bytes)])
    }

    /// Attaches several photos to a site's stage (a form's upload): every photo is read first, so
    /// that a file that is no JPEG keeps all of them out; then each is attached as one.
    @discardableResult
    public func attachEvidence(site: SiteKey, stage: Stage, photos: [[UInt8]], by principal: Principal,
                               maxBytes: Int = Limits.standard.photoBytes) async throws -> [EvidencePhoto] {
        for bytes in photos { _ = try Photo.read(bytes, maxBytes: maxBytes) }
        var kept: [EvidencePhoto] = []
        for bytes in photos { kept.append(try await attachEvidence(site: site, stage: stage, bytes: bytes, by: principal, maxBytes: maxBytes)) }
        return kept
    }

    /// Decides on a site's opening in the queue, now, as `principal` (see ``Verification/check(_:on:region:by:)``):
    /// a rejection rolls the site back to the stage before `on_air`, with the reason, in the same append.
    public func decide(site: SiteKey, _ decision: VerificationDecision, by principal: Principal) async throws {
        let now = try await campaign().now(clock)
        let view = try await verification(at: ReadMoment(asOf: .including(now)))
        try view.verification.check(decision, on: site, region: view.regionOf[site] ?? "", by: principal)
        _ = try await store.append(Self.decisionEvents(site, decision, at: now, by: principal))
    }

    /// The events of a decision: the decision, and for a rejection the rollback to `installed` with its reason.
    static func decisionEvents(_ site: SiteKey, _ decision: VerificationDecision, at now: Instant, by principal: Principal) -> [NewEvent] {
        var events = [NewEvent(.verificationDecided(site: site, decision: decision), occurredAt: now, recordedAt: now, actor: principal.account, via: principal.token)]
        if case .rejected(let reason) = decision {
            events.append(NewEvent(.stageRolledBack(site: site, stage: .installed, reason: "核验未通过：\(reason)"), occurredAt: now, recordedAt: now,
                                   actor: principal.account, via: principal.token))
        }
        return events
    }

    /// Draws this week's spot check (the Monday's, Beijing time) if it is not drawn yet and the rule
    /// in force on Monday asks for evidence and a rate above 0: from each operator's openings
    /// accepted in the week before, by ``SpotCheck/draw(_:rate:seed:)``, logged as `system` with its
    /// seed. Several instances may sweep at once: a week is drawn once. Returns how many sites it
    /// drew, nil when it drew nothing this time.
    @discardableResult
    public func drawSpotCheck() async throws -> Int? {
        let now = try await campaign().now(clock)
        let week = SpotCheck.monday(of: ShanghaiCalendar.day(of: now))
        let start = ShanghaiCalendar.start(of: week)
        // The rule and the draws first (a few events): the stage events are read only when a draw is due.
        let small = Verification(try await store.events(kinds: ["evidence.rule_set", "verification.spot_check"]), at: ReadMoment(asOf: .including(now)))
        guard small.spotChecks[week] == nil, let rule = small.rule(before: start), rule.required, rule.spotCheckRate > 0 else { return nil }
        let seed = SpotCheck.seed(week: week)
        let sites = SpotCheck.draw(try await spotCheckCandidates(week: week), rate: rule.spotCheckRate, seed: seed)
        let applied = try await store.append([NewEvent(.spotCheckDrawn(SpotCheck(week: week, seed: seed, rate: rule.spotCheckRate, sites: sites)),
                                                       occurredAt: start, recordedAt: now, actor: Self.systemActor)]).applied
        return applied > 0 ? sites.count : nil
    }

    /// Whether the city office had set an evidence rule by the moment (one small read by kind).
    func evidenceEverSet(at moment: ReadMoment) async throws -> Bool {
        Verification(try await store.events(kinds: ["evidence.rule_set"]), at: moment).rule != nil
    }

    /// The openings that needed evidence counted by operator and region, with the rank basis in
    /// force; nil while evidence has never been switched on by the moment (nothing more is read then).
    public func verificationTally(at moment: ReadMoment) async throws -> (tally: VerificationTally, basis: RankBasis)? {
        guard try await evidenceEverSet(at: moment) else { return nil }
        if moment.knownAt == nil {
            let timeline = try await verificationTimeline()
            return (timeline.tally(at: moment.asOf), timeline.rule(at: moment)?.rankVerified == true ? .verified : .reported)
        }
        let view = try await verification(at: moment)
        return (VerificationTally(view.verification, regionOf: view.regionOf), view.verification.rule?.rankVerified == true ? .verified : .reported)
    }

    /// A kept photo or preview by its SHA-256.
    public func evidenceBlob(sha256: String) async throws -> StoredBlob? { try await store.blob(sha256: sha256) }

    /// Decides, now, as `principal`, on every opening in the queue that `reporter` reported in
    /// [`from`, `until`) and that the principal may decide on (a district: its region's): one
    /// decision event per site (and a rollback per rejection), in one append. Returns the sites
    /// decided. Throws what a single decision throws for the first that fails its check.
    @discardableResult
    public func decideAll(reportedBy reporter: String, from: Instant, until: Instant, _ decision: VerificationDecision,
                          by principal: Principal) async throws -> [SiteKey] {
        guard Access.allows(principal.role, .verify) else { throw RolloutError("forbidden", kind: .forbidden, ["role": principal.role.rawValue]) }
        if case .rejected(let reason) = decision, reason.trimmedSpaces.isEmpty { throw RolloutError("reason_required") }
        guard from < until else { throw RolloutError("bad_period") }
        let now = try await campaign().now(clock)
        let view = try await verification(at: ReadMoment(asOf: .including(now)))
        let openings = view.verification.queue(reportedBy: reporter, from: from, until: until)
            .filter { principal.role != .district || view.regionOf[$0.site] == principal.region }
        var events: [NewEvent] = []
        for o in openings {
            try view.verification.check(decision, on: o.site, region: view.regionOf[o.site] ?? "", by: principal)
            events += Self.decisionEvents(o.site, decision, at: now, by: principal)
        }
        if !events.isEmpty { _ = try await store.append(events) }
        return openings.map(\.site)
    }

    /// The SHA-256 of bytes, in hex.
    static func sha256(_ bytes: [UInt8]) -> String {
        PhotoHash.sha256(bytes)
    }
}
