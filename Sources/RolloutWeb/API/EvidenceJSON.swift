import Foundation
import RolloutApplication
import RolloutCore

/// Evidence and verification as the API answers them.
enum EvidenceJSON {
    /// A photo as attached: its id (the SHA-256), where and when it was taken, the checks it failed.
    struct Photo: Encodable {
        var id: String, sha256: String, previewSha256: String, site: String, operator_: String, stage: String
        var bytes: Int, width: Int, height: Int
        var takenAt: String?, lat: Double?, lon: Double?, distanceM: Double?
        var checks: [String]

        init(_ p: EvidencePhoto) {
            id = p.sha256; sha256 = p.sha256; previewSha256 = p.previewSha256; site = p.site.code; operator_ = p.site.operator.rawValue
            stage = p.stage.rawValue; bytes = p.bytes; width = p.width; height = p.height
            takenAt = p.takenAt.map(ShanghaiCalendar.iso8601); lat = p.latitude; lon = p.longitude
            distanceM = p.distanceMetres.map { ($0 * 10).rounded() / 10 }; checks = p.failures.map(\.rawValue)
        }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: AnyKey.self)
            try c.encode(id, forKey: AnyKey("id")); try c.encode(sha256, forKey: AnyKey("sha256")); try c.encode(previewSha256, forKey: AnyKey("preview_sha256"))
            try c.encode(operator_, forKey: AnyKey("operator")); try c.encode(site, forKey: AnyKey("site_code")); try c.encode(stage, forKey: AnyKey("stage"))
            try c.encode(bytes, forKey: AnyKey("bytes")); try c.encode(width, forKey: AnyKey("width")); try c.encode(height, forKey: AnyKey("height"))
            try c.encode(takenAt, forKey: AnyKey("taken_at")); try c.encode(lat, forKey: AnyKey("lat")); try c.encode(lon, forKey: AnyKey("lon"))
            try c.encode(distanceM, forKey: AnyKey("distance_m")); try c.encode(checks, forKey: AnyKey("checks"))
        }
    }

    /// An opening: the site, where it stands, its photos and the decision.
    struct Opening: Encodable {
        var o: Verification.Opening
        var region: String?

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: AnyKey.self)
            try c.encode(o.site.operator.rawValue, forKey: AnyKey("operator")); try c.encode(o.site.code, forKey: AnyKey("site_code"))
            try c.encode(region, forKey: AnyKey("region_code")); try c.encode(o.state.rawValue, forKey: AnyKey("state"))
            try c.encode(ShanghaiCalendar.iso8601(o.reportedAt), forKey: AnyKey("reported_at"))
            try c.encode(ShanghaiCalendar.iso8601(o.recordedAt), forKey: AnyKey("recorded_at"))
            try c.encode(o.drawn, forKey: AnyKey("drawn")); try c.encode(o.photos.map(Photo.init), forKey: AnyKey("photos"))
            try c.encode(o.decidedAt.map(ShanghaiCalendar.iso8601), forKey: AnyKey("decided_at")); try c.encode(o.decidedBy, forKey: AnyKey("decided_by"))
            var reason: String?
            if case .rejected(let r)? = o.decision { reason = r }
            try c.encode(reason, forKey: AnyKey("reason"))
        }
    }

    /// The verification at a moment: the rule, the counts of openings by state (city, region,
    /// operator), and for accounts that read records the queue and every opening not before evidence.
    struct View: Encodable {
        var v: VerificationView
        var records: Bool

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: AnyKey.self)
            let f = v.verification
            try c.encode(ShanghaiCalendar.iso8601(v.at), forKey: AnyKey("as_of"))
            try c.encode(f.rule?.required ?? false, forKey: AnyKey("evidence_required"))
            try c.encode((f.requiredSince ?? f.ruleSince).map(ShanghaiCalendar.iso8601), forKey: AnyKey("evidence_since"))
            try c.encode(f.ruleSince.map(ShanghaiCalendar.iso8601), forKey: AnyKey("rule_since"))
            try c.encode(f.rule?.checks.maxDistanceMetres ?? EvidenceChecks.Rules().maxDistanceMetres, forKey: AnyKey("max_distance_m"))
            try c.encode(f.rule?.spotCheckRate ?? EvidenceRule().spotCheckRate, forKey: AnyKey("spot_check_rate"))
            try c.encode(f.rule?.rankVerified ?? false, forKey: AnyKey("rank_verified"))
            let current = f.current
            func counts(_ list: [Verification.Opening]) -> [String: Int] {
                var out = Dictionary(uniqueKeysWithValues: Verification.State.allCases.map { ($0.rawValue, 0) })
                for o in list { out[o.state.rawValue, default: 0] += 1 }
                out["verified_count"] = list.filter { $0.state.countsVerified }.count
                return out
            }
            try c.encode(counts(current), forKey: AnyKey("city"))
            let byRegion = Dictionary(grouping: current) { v.regionOf[$0.site] ?? "" }
            try c.encode(byRegion.mapValues(counts), forKey: AnyKey("regions"))
            let byOperator = Dictionary(grouping: current) { $0.site.operator.rawValue }
            try c.encode(byOperator.mapValues(counts), forKey: AnyKey("operators"))
            // The openings that needed evidence: their shares and the median days to a person's decision.
            let tally = VerificationTally(f, regionOf: v.regionOf)
            struct Shares: Encodable {
                var openings: Int, accepted_share: Double?, verified_share: Double?, rejected_share: Double?, median_days_to_decision: Double?
                init(_ l: VerificationTally.Line) {
                    openings = l.openings; accepted_share = l.share(.accepted); verified_share = l.verifiedShare
                    rejected_share = l.share(.rejected); median_days_to_decision = l.medianDaysToDecision
                }
                func encode(to encoder: any Encoder) throws {
                    var c = encoder.container(keyedBy: AnyKey.self)
                    try c.encode(openings, forKey: AnyKey("openings")); try c.encode(accepted_share, forKey: AnyKey("accepted_share"))
                    try c.encode(verified_share, forKey: AnyKey("verified_share")); try c.encode(rejected_share, forKey: AnyKey("rejected_share"))
                    try c.encode(median_days_to_decision, forKey: AnyKey("median_days_to_decision"))
                }
            }
            var shares = c.nestedContainer(keyedBy: AnyKey.self, forKey: AnyKey("shares"))
            try shares.encode(Shares(tally.city), forKey: AnyKey("city"))
            try shares.encode(tally.regions.mapValues(Shares.init), forKey: AnyKey("regions"))
            try shares.encode(tally.operators.mapValues(Shares.init), forKey: AnyKey("operators"))
            if records {
                try c.encode(f.queue.map { Opening(o: $0, region: v.regionOf[$0.site]) }, forKey: AnyKey("queue"))
                try c.encode(current.filter { $0.state != .beforeEvidence }.map { Opening(o: $0, region: v.regionOf[$0.site]) }, forKey: AnyKey("openings"))
            }
        }
    }
}
