import Foundation
import RolloutCore
import RolloutPhotos
import RolloutStorage

/// The demo's field evidence (illustrative): the city office switches evidence on on 11 May 2020
/// and ranks by verified openings from 8 June. Most openings after it get a small generated JPEG
/// with EXIF (taken at the site shortly before it went on air; unique bytes per photo, a handful
/// of scenes); some come without GPS, a few from the wrong place or with another site's photo;
/// those wait in the queue for the district (or the third-party verifier), which verifies most and
/// rejects the rest, rolling the site back until the operator reports it again with a good photo.
/// One district verifies slowly; one operator's batch of openings in one district, photographed
/// in its office, is rejected at once.
struct EvidenceStory {
    /// When evidence is switched on.
    static let ruleAt = ShanghaiCalendar.start(of: ShanghaiCalendar.dayNumber(year: 2020, month: 5, day: 11)!).adding(seconds: 9 * 3600)
    /// When rankings start counting verified openings.
    static let rankVerifiedAt = ShanghaiCalendar.start(of: ShanghaiCalendar.dayNumber(year: 2020, month: 6, day: 8)!).adding(seconds: 9 * 3600)
    /// The district that verifies slowly.
    static let slowRegion = "500112"
    /// The batch rejected at once: this operator's openings in this district recorded in [from, until).
    static let batch = (operator: Operator.cucc, region: "500105",
                        from: ShanghaiCalendar.start(of: ShanghaiCalendar.dayNumber(year: 2020, month: 6, day: 1)!),
                        until: ShanghaiCalendar.start(of: ShanghaiCalendar.dayNumber(year: 2020, month: 6, day: 4)!))
    /// When the batch is rejected.
    static let batchDecidedAt = ShanghaiCalendar.start(of: ShanghaiCalendar.dayNumber(year: 2020, month: 6, day: 5)!).adding(seconds: 10 * 3600)

    /// The rule events: evidence on, then ranking by verified openings.
    static func ruleEvents(clock: Cutoff) -> [NewEvent] {
        [NewEvent(.evidenceRuleSet(EvidenceRule()), occurredAt: ruleAt, recordedAt: ruleAt, actor: "office"),
         NewEvent(.evidenceRuleSet(EvidenceRule(rankVerified: true)), occurredAt: rankVerifiedAt, recordedAt: rankVerifiedAt, actor: "office")]
            .filter { clock.includes($0.occurredAt) }
    }

    /// A few scenes (a mast against the sky in different light), each a small JPEG and its preview:
    /// a photo is a scene with its own EXIF, so its bytes are its own while previews are shared.
    static let scenes: [(jpeg: [UInt8], preview: StoredBlob)] = (0..<12).map { k in
        let (w, h) = (48, 36)
        var pixels = [UInt8](repeating: 0, count: w * h * 3)
        for y in 0..<h {
            for x in 0..<w {
                let i = (y * w + x) * 3
                let mast = abs(x - w / 2 - (k % 5 - 2)) <= 1 && y > 4
                pixels[i] = mast ? 90 : UInt8(min(255, 110 + y * 3 + k * 9))
                pixels[i + 1] = mast ? 90 : UInt8(min(255, 150 + y * 2 + (k * 17) % 60))
                pixels[i + 2] = mast ? 100 : UInt8(min(255, 200 + (k * 5) % 50))
            }
        }
        let jpeg = (try? JPEGCodec.encode(pixels, width: w, height: h, components: 3)) ?? []
        let preview = (try? JPEGCodec.preview(jpeg, maxSide: 320).bytes) ?? jpeg
        return (jpeg, StoredBlob(sha256: sha256(preview), contentType: "image/jpeg", bytes: preview))
    }

    /// The SHA-256 of bytes, in hex.
    static func sha256(_ bytes: [UInt8]) -> String { PhotoHash.sha256(bytes) }

    /// A photo of a scene with its EXIF, as evidence of a site's stage, and the blobs to keep.
    static func photo(scene: Int, site: SiteKey, stage: Stage, taken: Instant?, lat: Double?, lon: Double?, tag: String,
                      siteLat: Double, siteLon: Double, previousStageAt: Instant?, recordedAt: Instant, reused: Bool,
                      bytes given: [UInt8]? = nil) -> (EvidencePhoto, [StoredBlob]) {
        let s = scenes[scene % scenes.count]
        let bytes = given ?? ExifWriter(taken: taken.map(ExifWriter.cameraTime), offset: "+08:00", latitude: lat, longitude: lon,
                                        make: "Rollout demo \(tag)").write(into: s.jpeg)
        let outcome = EvidenceChecks.check(takenAt: taken, latitude: lat, longitude: lon, siteLatitude: siteLat, siteLongitude: siteLon,
                                           previousStageAt: previousStageAt, reportRecordedAt: recordedAt, reusedElsewhere: reused, rules: .init())
        let sha = sha256(bytes)
        let p = EvidencePhoto(site: site, stage: stage, sha256: sha, previewSha256: s.preview.sha256, bytes: bytes.count, width: 48, height: 36,
                              takenAt: taken, latitude: lat, longitude: lon, distanceMetres: outcome.distanceMetres, failures: outcome.failures)
        return (p, [StoredBlob(sha256: sha, contentType: "image/jpeg", bytes: bytes), s.preview])
    }
}

extension EvidenceStory {
    /// Where the rejected batch was photographed (its operator's office, not a site).
    static let batchOffice = (lat: 29.5750, lon: 106.5320)

    /// Weaves a site's evidence into its own events (sorted by when they were recorded, as they
    /// are loaded): the photos of its opening after evidence was on, the decision on one in the
    /// queue, a rejection's rollback and the report and photo that open it again. `reusable` gives
    /// another site's photo and when it was attached, for the few openings that reuse one.
    static func weave(_ events: inout [NewEvent], index i: Int, site: SiteKey, region: String, lat: Double, lon: Double, scale: Int,
                      clock: Cutoff, seed: UInt64, reusable: () -> (bytes: [UInt8], at: Instant)?) -> [StoredBlob] {
        guard scale <= 1 || i % scale == 0 else { return [] }
        func change(_ e: NewEvent) -> Bool {
            switch e.body { case .stageReported, .stageRolledBack: true; default: false }
        }
        guard let openIndex = events.firstIndex(where: { if case .stageReported(_, let s, _) = $0.body { s.isBuilt } else { false } }) else { return [] }
        let open = events[openIndex]
        guard open.recordedAt >= ruleAt else { return [] }
        var rng = SeededRandom(seed: seed, stream: 0xE71D, item: UInt64(i))
        let actor = open.actor
        let previous = events.filter { change($0) && $0.occurredAt < open.occurredAt }.map(\.occurredAt).max()
        var extra: [NewEvent] = []
        var blobs: [StoredBlob] = []
        func add(_ body: EventBody, at t: Instant, occurred: Instant? = nil, by who: String) -> Bool {
            guard clock.includes(t) else { return false }
            extra.append(NewEvent(body, occurredAt: occurred ?? t, recordedAt: t, actor: who))
            return true
        }
        // Most upload within hours of the report; the last two days' openings often not yet.
        let recent = clock.before.seconds - open.recordedAt.seconds < 2 * 86_400
        if rng.chance(recent ? 0.4 : 0.03) { return [] }
        let attachAt = open.recordedAt.adding(seconds: Int64(rng.uniform(0.1...8) * 3600))
        var taken = open.occurredAt.adding(seconds: -Int64(rng.uniform(600...10_800)))
        if let previous, taken <= previous { taken = Instant(seconds: (previous.seconds + open.occurredAt.seconds) / 2) }
        let inBatch = site.operator == batch.operator && region == batch.region && open.recordedAt >= batch.from && open.recordedAt < batch.until
        let u = rng.unit()
        enum Kind { case good, noGPS, wrongPlace, reused, batch }
        var kind: Kind = inBatch ? .batch : u < 0.035 ? .noGPS : u < 0.05 ? .wrongPlace : u < 0.055 ? .reused : .good
        var given: [UInt8]? = nil
        if kind == .reused {
            if let other = reusable(), other.at < attachAt { given = other.bytes } else { kind = .good }
        }
        let jitter = (rng.uniform(-0.0004...0.0004), rng.uniform(-0.0004...0.0004))
        let place: (Double, Double)? = switch kind {
        case .noGPS: nil
        case .wrongPlace: (lat + rng.uniform(0.006...0.03) * (rng.chance(0.5) ? 1 : -1), lon + rng.uniform(0.006...0.03))
        case .batch: (batchOffice.lat, batchOffice.lon)
        case .good, .reused: (lat + jitter.0, lon + jitter.1)
        }
        let scene = Int(rng.unit() * Double(scenes.count))
        let (photo, kept) = self.photo(scene: scene, site: site, stage: .onAir, taken: taken, lat: place?.0, lon: place?.1, tag: "\(site.code)/1",
                                       siteLat: lat, siteLon: lon, previousStageAt: previous, recordedAt: open.recordedAt, reused: given != nil,
                                       bytes: given)
        guard add(.evidenceAttached(photo), at: attachAt, by: actor) else { return [] }
        blobs += kept
        guard !photo.failures.isEmpty else { return merge(&events, extra, blobs) }
        // In the queue: the district (slowly in one of them) or the third-party verifier decides.
        let byDistrict = region == slowRegion || kind == .batch || rng.chance(0.7)
        let decider = byDistrict ? "district-\(region)" : "verifier"
        let days = kind == .batch ? nil : region == slowRegion ? rng.uniform(8...20) : byDistrict ? rng.uniform(0.5...4) : rng.uniform(1...3)
        let decidedAt = days.map { attachAt.adding(seconds: Int64($0 * 86_400)) } ?? max(batchDecidedAt, attachAt.adding(seconds: 3600))
        let reason: String? = switch kind {
        case .noGPS: rng.chance(0.75) ? nil : "照片无定位信息，无法核实"
        case .wrongPlace: rng.chance(0.8) ? "照片拍摄位置与站址不符" : nil
        case .reused: "重复使用其他站点的照片"
        case .batch: "批量照片拍摄于同一地点，非现场照片"
        case .good: photo.failures == [.tooLate] || photo.failures == [.tooEarly] ? nil : "照片不符合要求"
        }
        guard add(.verificationDecided(site: site, decision: reason.map { .rejected(reason: $0) } ?? .verified(note: "电话核实，站点已开通")),
                  at: decidedAt, by: decider) else { return merge(&events, extra, blobs) }
        guard let reason else { return merge(&events, extra, blobs) }
        _ = add(.stageRolledBack(site: site, stage: .installed, reason: "核验未通过：\(reason)"), at: decidedAt, by: decider)
        // Opened again: by the site's next report after the rollback, or by the operator's report a few days on.
        var again = events.first { $0.recordedAt > decidedAt && { if case .stageReported(_, let s, _) = $0.body { s.isBuilt } else { false } }($0) }
        if again == nil {
            let r = decidedAt.adding(seconds: Int64(rng.uniform(2...6) * 86_400))
            if add(.stageReported(site: site, stage: .onAir, note: "整改后重新开通"), at: r, occurred: r.adding(seconds: -7200), by: actor) { again = extra.last }
        }
        guard let reopen = again else { return merge(&events, extra, blobs) }
        let retaken = reopen.occurredAt.adding(seconds: -Int64(rng.uniform(600...5400)))
        let (second, more) = self.photo(scene: scene + 1, site: site, stage: .onAir, taken: retaken, lat: lat + jitter.1, lon: lon + jitter.0, tag: "\(site.code)/2",
                                        siteLat: lat, siteLon: lon, previousStageAt: decidedAt, recordedAt: reopen.recordedAt, reused: false)
        if add(.evidenceAttached(second), at: reopen.recordedAt.adding(seconds: Int64(rng.uniform(0.2...6) * 3600)), by: actor) { blobs += more }
        return merge(&events, extra, blobs)
    }

    /// The site's events with the evidence's, in the order they were recorded (ties: as they came).
    private static func merge(_ events: inout [NewEvent], _ extra: [NewEvent], _ blobs: [StoredBlob]) -> [StoredBlob] {
        guard !extra.isEmpty else { return blobs }
        let all = Array((events + extra).enumerated())
        events = all.sorted { ($0.element.recordedAt, $0.offset) < ($1.element.recordedAt, $1.offset) }.map(\.element)
        return blobs
    }
}
