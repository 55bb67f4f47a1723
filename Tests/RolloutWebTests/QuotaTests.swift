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

/// The city office moves quota between districts: through the API and the page, recorded as
/// target lines from that moment on, refused when it cannot be made or is not the office's.
@Suite struct QuotaTests {
    static func json(_ r: TestResponse) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(buffer: r.body)) as? [String: Any])
    }

    @Test(arguments: Backend.available)
    func theCityOfficeMovesQuotaAndEveryViewUsesTheAdjustedTargetsFromThenOn(backend: Backend) async throws {
        try await withFreshDemo(backend) { service in
            let app = Application(router: buildRouter(service: service, security: .init(bcryptCost: 4)))
            let before = try await service.regions()
            let giving = try #require(before.filter { ($0.target ?? 0) - $0.progress >= 5 }.max { ($0.target! - $0.progress) < ($1.target! - $1.progress) })
            let receiving = try #require(before.first { $0.regionCode != giving.regionCode && $0.target != nil })
            let yesterday = ShanghaiCalendar.dateString(try await service.campaign().now(service.clock).adding(days: -1))
            let summaryBefore = try await service.summary()
            try await app.test(.router) { client in
                let office = try await TestAccess.client(client, service.store, role: .cityOffice)
                try await office.execute(uri: "/api/v1/quota/proposals", method: .get) { r in
                    #expect(r.status == .ok)
                    let body = try Self.json(r)
                    #expect(body["proposals"] is [Any] && body["effect"] is [String: Any])
                }
                // Too much, and someone else's lever: refused, nothing recorded.
                let seq = try await service.store.lastSeq()
                let tooMuch = #"{"from":"\#(giving.regionCode)","to":"\#(receiving.regionCode)","sites":\#(giving.target! - giving.progress + 1),"reason":"x"}"#
                try await office.execute(uri: "/api/v1/quota/moves", method: .post, body: ByteBuffer(string: tooMuch)) { r in
                    #expect(r.status == .badRequest)
                    #expect(String(buffer: r.body).contains("quota_move_too_large") && String(buffer: r.body).contains("剩余待建"))
                }
                let district = try await TestAccess.client(client, service.store, role: .district, region: giving.regionCode)
                let move = #"{"from":"\#(giving.regionCode)","to":"\#(receiving.regionCode)","sites":5,"reason":"选址困难，调至有储备的区县"}"#
                try await district.execute(uri: "/api/v1/quota/moves", method: .post, body: ByteBuffer(string: move)) { r in
                    #expect(r.status == .forbidden)
                }
                #expect(try await service.store.lastSeq() == seq)
                // The move.
                try await office.execute(uri: "/api/v1/quota/moves", method: .post, body: ByteBuffer(string: move)) { r in
                    #expect(r.status == .ok, "\(String(buffer: r.body))")
                }
                let log = try await service.store.events(after: seq, limit: 10)
                #expect(log.count == 2, "the two regions' whole targets (no operator given): \(log.map(\.event.body.kind))")
                #expect(log.allSatisfy { $0.event.body.kind == "target.set" && $0.event.actor == office.account && $0.event.via != nil })
                // The page shows it; the form refuses a bad move with the reason, in the page.
                let page = try await office.execute(uri: "/quota?moved=5", method: .get) { String(buffer: $0.body) }
                #expect(page.contains("id=\"moved\"") && page.contains("id=\"quota-form\""))
                try await office.execute(uri: "/quota", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                                         body: ByteBuffer(string: "from=\(giving.regionCode)&to=\(giving.regionCode)&sites=1&reason=x")) { r in
                    #expect(r.status == .badRequest)
                    #expect(String(buffer: r.body).contains("调出与调入区县相同"))
                }
            }
            // From the move on: the adjusted targets, ranks and completions; before it: the original ones.
            let after = try await service.regions()
            let g = try #require(after.first { $0.regionCode == giving.regionCode }), r = try #require(after.first { $0.regionCode == receiving.regionCode })
            #expect(g.target == giving.target! - 5 && r.target == receiving.target! + 5)
            #expect(r.completion == Double(r.progress) / Double(r.target!))
            #expect(try await service.summary().target == summaryBefore.target)
            let then = try await service.regions(asOf: yesterday)
            #expect(then.first { $0.regionCode == giving.regionCode }?.target == giving.target)
            let targets = try await service.store.targets(at: ReadMoment(asOf: .including(try await service.campaign().now(service.clock))))
            #expect(targets.lines.values.contains { $0.setting.regionCode == giving.regionCode && $0.setting.reason?.contains("选址困难") == true })
        }
    }
}
