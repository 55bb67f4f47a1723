import Foundation
import Hummingbird
import HummingbirdTesting
import RolloutApplication
import RolloutCore
import RolloutDemo
import RolloutStorage
import RolloutWeb

/// Which campaign a web test runs on.
public enum TestCampaign: Sendable {
    /// The shared demo of ``DemoFixture`` (for tests that only read).
    case shared
    /// A demo of its own, made for this test: `fraction` of Chongqing's sites (for tests that write).
    case fresh(fraction: Double)
}

/// A demo campaign made for one test on `backend` (`fraction` of Chongqing's sites, seed 2020,
/// standing at the demo's day), behind a service on `clock`; the database goes when `body` ends.
public func withFreshDemo<T>(_ backend: Backend = .sqlite, fraction: Double = 0.02, clock: WallClock = .system,
                             _ body: (CampaignService) async throws -> T) async throws -> T {
    try await backend.withStore { store, _ in
        let demo = try DemoInstaller.chongqing(seed: 2020, scale: 1, clockDay: DemoCampaign.defaultClockDay, fraction: fraction)
        _ = try await DemoInstaller.install(demo, into: store, now: clock.now())
        return try await body(CampaignService(store: store, clock: clock))
    }
}

/// The web test harness: a campaign on `backend` behind a service on `clock`, served by the whole
/// router (sessions, access, every route) in-process, with bcrypt at its cheapest cost; `body` gets
/// a client of the router and the service.
public func withApp<T: Sendable>(_ backend: Backend = .sqlite, clock: WallClock = .system, campaign: TestCampaign = .shared,
                                 security: WebSecurity = .init(bcryptCost: 4),
                                 _ body: @escaping @Sendable (any TestClientProtocol, CampaignService) async throws -> T) async throws -> T {
    func serve(_ service: CampaignService) async throws -> T {
        let app = Application(router: buildRouter(service: service, security: security))
        return try await app.test(.router) { client in try await body(client, service) }
    }
    switch campaign {
    case .shared:
        return try await serve(try await DemoFixture.shared.service(backend, clock: clock))
    case .fresh(let fraction):
        return try await withFreshDemo(backend, fraction: fraction, clock: clock) { try await serve($0) }
    }
}
