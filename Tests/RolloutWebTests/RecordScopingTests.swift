import Foundation
import Hummingbird
import HummingbirdTesting
import RolloutCore
import RolloutTestSupport
import Testing
@testable import RolloutStorage
@testable import RolloutSQLStorage
@testable import RolloutApplication
@testable import RolloutWeb

/// Site-level records reach only the accounts that read records. A campaign holds a marked record
/// of every organisation (a site of each operator with its name and location, an obstacle on each,
/// one of a district, an offer and a request for each of two owners); every GET route of
/// route table ``Route`` (so a new route is asked too) is asked by a resource owner, whose answers may
/// hold none of the markers but the code of the site its own request names, and by a district and
/// an operator, whose answers hold them all.
@Suite struct RecordScopingTests {
    /// The marked records, and the texts that give each away.
    struct Markers: Sendable {
        var region: String
        /// One per operator, in ``Operator/allCases`` order.
        var sites: [SiteRegistration]
        /// One on each site (the first on the first site), then the district's own.
        var obstacles: [ObstacleOpening]
        /// The request addressed to the owner under test (for the first site), and one to another owner.
        var mine: ResourceRequest
        var other: ResourceRequest

        /// What every account that reads records finds on the pages the table gives it.
        /// China Tower's record is in no list of late sites (it is not a base station): its code
        /// reaches them through the reconciliation queue (a tower no operator stands on), its name
        /// only on its own page.
        var shownToRecordReaders: [String] {
            sites.flatMap { $0.site.operator == .tower ? [$0.site.code] : [$0.site.code, $0.name] } + obstacles.flatMap { [$0.ref, $0.description] }
        }

        /// What a resource owner may never receive: every site-level record (a site's code, name
        /// and location, an obstacle's reference and description) but the code of the site its own
        /// request names, and another owner's offer and request.
        var hiddenFromOwner: [String] {
            let records = shownToRecordReaders + sites.map(\.name) + sites.flatMap { s in
                [String(format: "%.5f", s.lat), String(format: "%.5f", s.lon), "\(s.lat)", "\(s.lon)"]
            }
            return records.filter { $0 != mine.site.code } + [other.id, other.resourceId, other.note]
        }
    }

    /// A route's answer to one account.
    struct Answer: Sendable {
        var status: HTTPResponse.Status
        var body: String
    }

    static let owner = "poles-MK"
    static let otherOwner = "towers-MK"

    /// 10:00 (or `hour`) on a day of 2020, Shanghai time.
    static func at(_ month: Int, _ day: Int, hour: Int = 10) -> Instant {
        ShanghaiCalendar.start(of: ShanghaiCalendar.dayNumber(year: 2020, month: month, day: day)!).adding(seconds: Int64(hour) * 3600)
    }

    /// Appends the marked records, as known long before the demo's clock (so a bulletin's cut-off
    /// knows them too): sites planned in February and never built (late), obstacles opened in
    /// April on a ten-day clock (overdue), offers and requests.
    static func plant(_ service: CampaignService) async throws -> Markers {
        // A region with an outline of its own, so that its map draws the sites.
        let outlines = try await service.outlines()
        let base = try #require(try await service.sites(SiteQuery(perPage: 500)).sites.first { outlines[$0.regionCode] != nil })
        let region = base.regionCode
        var sites: [SiteRegistration] = []
        var obstacles: [ObstacleOpening] = []
        for (i, op) in Operator.allCases.enumerated() {
            let tag = op.rawValue.uppercased()
            let site = SiteRegistration(site: SiteKey(operator: op, code: "MARKER-\(tag)-SITE"), regionCode: region, name: "MARKER-\(tag)-NAME",
                                        lat: base.lat + 0.00037 * Double(i + 1), lon: base.lon + 0.00041 * Double(i + 1), kind: .macro,
                                        plannedOnAir: at(2, 1))
            sites.append(site)
            obstacles.append(ObstacleOpening(org: op.rawValue, ref: "MARKER-\(tag)-REF", site: site.site, regionCode: region, operator: op,
                                             category: .other, responsible: nil, description: "MARKER-\(tag)-DESC"))
        }
        obstacles.append(ObstacleOpening(org: region, ref: "MARKER-DISTRICT-REF", site: nil, regionCode: region, operator: nil,
                                         category: .other, responsible: nil, description: "MARKER-DISTRICT-DESC"))
        let offers = [
            ResourceOffer(resourceId: "MARKER-OFFER-MINE", owner: owner, kind: .existingTower, regionCode: region,
                          lat: base.lat + 0.003, lon: base.lon + 0.003),
            ResourceOffer(resourceId: "MARKER-OFFER-OTHER", owner: otherOwner, kind: .existingTower, regionCode: region,
                          lat: base.lat + 0.004, lon: base.lon + 0.004),
        ]
        let mine = ResourceRequest(id: "QMARKERMINE", site: sites[0].site, owner: owner, resourceId: offers[0].resourceId,
                                   host: .existingTower, note: "MARKER-NOTE-MINE")
        let other = ResourceRequest(id: "QMARKEROTHER", site: sites[1].site, owner: otherOwner, resourceId: offers[1].resourceId,
                                    host: .existingTower, note: "MARKER-NOTE-OTHER")
        var events: [NewEvent] = sites.map { NewEvent(.siteRegistered($0), occurredAt: at(1, 10), recordedAt: at(1, 10), actor: "test") }
        events += obstacles.map { NewEvent(.obstacleOpened($0), occurredAt: at(4, 20), recordedAt: at(4, 20), actor: "test") }
        events += offers.map { NewEvent(.resourceOffered($0), occurredAt: at(4, 21), recordedAt: at(4, 21), actor: "test") }
        events += [mine, other].map { NewEvent(.resourceRequested($0), occurredAt: at(4, 22), recordedAt: at(4, 22), actor: "test") }
        let appended = try await service.store.append(events)
        #expect(appended.applied == events.count)
        return Markers(region: region, sites: sites, obstacles: obstacles, mine: mine, other: other)
    }

    /// The value of a path parameter of a route of the table (`after`: the segment before it);
    /// nil for a parameter this test does not know yet.
    static func value(_ name: String, after: String, markers m: Markers, account: String, bulletin: Int) -> String? {
        switch name {
        case "code": return after == "regions" ? m.region : m.sites[0].site.code
        case "operator": return m.sites[0].site.operator.rawValue
        case "org": return m.obstacles[0].org
        case "ref": return m.obstacles[0].ref
        case "unit": return "grid"
        case "name": return account
        case "id": return "\(bulletin)"
        case "region": return m.region
        case "kind": return "resources"
        case "sha256": return String(repeating: "0", count: 64)
        default: return nil
        }
    }

    /// A route's path with its parameters filled in (nil when one has no value).
    static func fill(_ path: String, _ value: (_ name: String, _ after: String) -> String?) -> String? {
        var out: [String] = []
        var previous = ""
        for segment in path.split(separator: "/", omittingEmptySubsequences: false).map(String.init) {
            if segment.hasPrefix("{") && segment.hasSuffix("}") {
                guard let v = value(String(segment.dropFirst().dropLast()), previous) else { return nil }
                out.append(Route.encode(v))
            } else {
                out.append(segment)
            }
            previous = segment
        }
        return out.joined(separator: "/")
    }

    /// Every GET route of the table asked by one account, each answer's status checked against
    /// the table (refused: 403; allowed: neither refused nor failed); the answers by route.
    static func sweep(_ client: SignedInClient, role: Role, markers m: Markers, bulletin: Int, port: Int?) async throws -> [String: Answer] {
        var answers: [String: Answer] = [:]
        for entry in Route.allCases.sorted(by: { $0.pattern < $1.pattern }) where entry.method == .get {
            let route = "GET \(entry.pattern)", path = entry.pattern, need = entry.need
            guard let uri = fill(path, { name, after in value(name, after: after, markers: m, account: client.account, bulletin: bulletin) }) else {
                Issue.record("\(route): a path parameter this test has no value for (add it to RecordScopingTests.value)")
                continue
            }
            let allowed = Access.allows(role, need)
            if path.hasSuffix("/stream") {
                // A stream never ends: what arrives first (its greeting, or the refusal) is its answer.
                let stream = try EventStreamReader(port: try #require(port), path: uri, authorization: client.authorization)
                let arrived = await stream.waitFor(allowed ? "event: hello" : "403", seconds: 60)
                #expect(arrived, "\(role) \(route): \(stream.text.prefix(300))")
                answers[route] = Answer(status: allowed ? .ok : .forbidden, body: stream.text)
                continue
            }
            let r = try await client.executeRequest(uri: uri, method: .get, headers: [:], body: nil)
            let body = String(buffer: r.body)
            if allowed {
                #expect(r.status != .unauthorized && r.status != .forbidden && r.status.code < 500,
                        "\(role) may use \(route) (\(uri)): \(r.status) \(body.prefix(300))")
            } else {
                #expect(r.status == .forbidden, "\(role) may not use \(route) (\(uri)): \(r.status)")
            }
            answers[route] = Answer(status: r.status, body: body)
        }
        return answers
    }

    /// The figures of a page's cards (`data-live` name → text).
    static func cards(_ html: String) -> [String: String] {
        let regex = try! NSRegularExpression(pattern: #"data-live="([a-z_]+)"[^>]*>([^<]*)<"#)
        var out: [String: String] = [:]
        for match in regex.matches(in: html, range: NSRange(html.startIndex..., in: html)) {
            guard let name = Range(match.range(at: 1), in: html), let text = Range(match.range(at: 2), in: html) else { continue }
            out[String(html[name])] = String(html[text])
        }
        return out
    }

    @Test(arguments: Backend.available)
    func aResourceOwnerReceivesFiguresAndItsOwnRequestsButNoSiteLevelRecordOnAnyRoute(backend: Backend) async throws {
        try await withFreshDemo(backend) { service in
            let m = try await Self.plant(service)
            // A bulletin whose cut-off knows the marked obstacles, overdue by then.
            let day = ShanghaiCalendar.dateString(try await service.campaign().now(service.clock).adding(days: -2))
            try await TestAccess.withServer(service) { port, client in
                let office = try await TestAccess.client(client, service.store, role: .cityOffice)
                let bulletin = try await office.execute(uri: "/api/v1/bulletins?as_of=\(day)", method: .post) { r in
                    #expect(r.status == .ok, "\(String(buffer: r.body))")
                    let info = try #require(try JSONSerialization.jsonObject(with: Data(buffer: r.body)) as? [String: Any])
                    return try #require(info["id"] as? Int)
                }
                let owner = try await TestAccess.client(client, service.store, role: .resourceOwner, owner: Self.owner)
                let district = try await TestAccess.client(client, service.store, role: .district, region: m.region)
                let cmcc = try await TestAccess.client(client, service.store, role: .operator, operator: .cmcc)

                // The owner: no marker of a record on any route, whatever its status.
                let mine = try await Self.sweep(owner, role: .resourceOwner, markers: m, bulletin: bulletin, port: port)
                for (route, answer) in mine.sorted(by: { $0.key < $1.key }) {
                    let leaked = m.hiddenFromOwner.filter { answer.body.contains($0) }
                    #expect(leaked.isEmpty, "\(route) (\(answer.status)) gives a resource owner site-level records: \(leaked)")
                }
                // What it may see: the figures, its own offer, the request addressed to it and the site it names.
                let sharing = mine["GET /sharing"]?.body ?? ""
                #expect(sharing.contains(m.mine.resourceId) && sharing.contains("data-request=\"\(m.mine.id)\"") && sharing.contains(m.mine.site.code))
                #expect(mine["GET /api/v1/sharing/requests"]?.body.contains(m.mine.id) == true)
                #expect(mine["GET /"]?.body.contains("id=\"figures-only\"") == true)
                #expect(mine["GET /regions/{code}"]?.body.contains("id=\"figures-only\"") == true)
                // The stored bulletin lists overdue obstacles: refused; its CSV (figures) is given.
                #expect(mine["GET /api/v1/bulletins/{id}"]?.status == .forbidden)
                #expect(mine["GET /api/v1/bulletins/{id}/csv"]?.status == .ok)
                // The region's map: its outline, no point of a site (a site's point is a circle of radius 2.2).
                #expect(mine["GET /regions/{code}"]?.body.contains("r=\"2.2\"") == false)

                // A district and an operator read everything: every marked record reaches them.
                let theirs = try await Self.sweep(district, role: .district, markers: m, bulletin: bulletin, port: port)
                let operators = try await Self.sweep(cmcc, role: .operator, markers: m, bulletin: bulletin, port: port)
                for (role, answers) in [(Role.district, theirs), (Role.operator, operators)] {
                    let all = answers.values.map(\.body).joined(separator: "\n")
                    let missing = m.shownToRecordReaders.filter { !all.contains($0) }
                    #expect(missing.isEmpty, "\(role) does not see \(missing)")
                    #expect(answers["GET /regions/{code}"]?.body.contains("r=\"2.2\"") == true, "\(role): the sites on the region's map")
                    let stored = answers["GET /api/v1/bulletins/{id}"]?.body ?? ""
                    #expect(m.obstacles.allSatisfy { stored.contains($0.description) }, "\(role): the bulletin lists the overdue obstacles")
                }
                // The owner's figures are the district's: only the lists are left out.
                for route in ["GET /", "GET /regions/{code}"] {
                    let figures = Self.cards(mine[route]?.body ?? "")
                    #expect(!figures.isEmpty && figures == Self.cards(theirs[route]?.body ?? ""), "\(route)")
                }
            }
        }
    }
}
