import Foundation
import Hummingbird
import RolloutApplication
import RolloutCore

/// Evidence and verification through the API: a photo sent for a site's stage (the body a JPEG),
/// the photos and previews by their SHA-256, the verification's counts and queue, a decision on
/// an opening, and the city office's rule.
enum EvidenceRoutes {
    struct Decision: Decodable { var decision: String; var reason: String?; var note: String? }
    struct Bulk: Decodable { var reporter: String; var from: String; var until: String; var decision: String; var reason: String? }

    /// The decision a request names; `bad_decision` otherwise.
    static func decision(_ name: String, reason: String?, note: String?) throws -> VerificationDecision {
        switch name {
        case "verified": return .verified(note: note ?? "")
        case "rejected": return .rejected(reason: (reason ?? "").trimmedSpaces)
        default: throw RolloutError("bad_decision", ["value": String(name.prefix(40))])
        }
    }

    /// A period's bound: a day (its start) or an instant; `bad_period` otherwise.
    static func bound(_ text: String) throws -> Instant {
        let t = text.trimmedSpaces
        if let day = ShanghaiCalendar.parseDay(t) { return ShanghaiCalendar.start(of: day) }
        guard let i = ShanghaiCalendar.parseInstant(t) else { throw RolloutError("bad_period") }
        return i
    }
    struct Rule: Decodable {
        var required: Bool?, max_distance_m: Double?, tolerance_hours: Double?, spot_check_rate: Double?, rank_verified: Bool?
    }

    static func add(to router: Router<RolloutContext>, service: CampaignService, limits: Limits) {
        router.on(.apiSiteEvidence) { request, context in
            let principal = try context.requirePrincipal()
            let site = try ContractorPage.site(context)
            let stageText = request.query("stage") ?? "on_air"
            guard let stage = Stage(rawValue: stageText) else { throw RolloutError("bad_evidence_stage", ["value": String(stageText.prefix(40))]) }
            let type = request.headers[.contentType]?.lowercased() ?? ""
            guard type.hasPrefix("image/jpeg") else { throw RolloutError("photo_not_jpeg") }
            let body = try await request.body.collect(upTo: limits.photoBytes + 1)
            let photo = try await service.attachEvidence(site: site, stage: stage, bytes: Array(buffer: body), by: principal, maxBytes: limits.photoBytes)
            return Response(status: .created, headers: [.contentType: "application/json; charset=utf-8", .location: Route.apiEvidenceBlob.path(photo.sha256)],
                            body: .init(byteBuffer: try JSONResponse.bytes(EvidenceJSON.Photo(photo))))
        }
        router.on(.apiEvidenceBlob) { request, context in
            let sha = try context.parameters.require("sha256").lowercased()
            guard sha.count == 64, sha.allSatisfy(\.isHexDigit), let blob = try await service.evidenceBlob(sha256: sha) else {
                throw RolloutError("unknown_evidence", kind: .notFound, ["value": String(sha.prefix(64))])
            }
            return Response(status: .ok, headers: [.contentType: blob.contentType, .cacheControl: "private, max-age=31536000, immutable",
                                                   .eTag: "\"\(sha)\""], body: .init(byteBuffer: ByteBuffer(bytes: blob.bytes)))
        }
        router.on(.apiVerification) { request, context in
            let view = try await service.verification(asOf: request.query("as_of"), knownAt: request.query("known_at"))
            return try JSONResponse.ok(EvidenceJSON.View(v: view, records: context.principal.map(Access.mayReadRecords) ?? false))
        }
        router.on(.apiSiteVerification) { request, context in
            let body = try await request.json(Decision.self, upTo: 16 * 1024)
            let decision = try decision(body.decision, reason: body.reason, note: body.note)
            try await service.decide(site: try ContractorPage.site(context), decision, by: try context.requirePrincipal())
            return try JSONResponse.ok(["decision": body.decision])
        }
        router.on(.apiVerificationBulk) { request, context in
            let body = try await request.json(Bulk.self, upTo: 16 * 1024)
            let sites = try await service.decideAll(reportedBy: body.reporter, from: try bound(body.from), until: try bound(body.until),
                                                    try decision(body.decision, reason: body.reason, note: nil), by: try context.requirePrincipal())
            struct Answer: Encodable { var decision: String; var decided: Int; var sites: [String] }
            return try JSONResponse.ok(Answer(decision: body.decision, decided: sites.count, sites: sites.map { "\($0.operator.rawValue)/\($0.code)" }))
        }
        router.on(.apiEvidenceRule) { request, context in
            let body = try await request.json(Rule.self, upTo: 16 * 1024)
            let rule = EvidenceRule(required: body.required, maxDistanceMetres: body.max_distance_m, toleranceHours: body.tolerance_hours,
                                    spotCheckRate: body.spot_check_rate, rankVerified: body.rank_verified)
            let set = try await service.setEvidenceRule(rule, by: try context.requirePrincipal())
            return try JSONResponse.ok(["required": set.required])
        }
    }
}
