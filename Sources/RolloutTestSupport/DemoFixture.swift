import Foundation
import RolloutCore
import RolloutDemo
import RolloutStorage
import RolloutSQLStorage
import RolloutApplication

/// A small demo campaign (4 % of Chongqing's sites, seed 2020, standing at the demo's day) per
/// engine, made once per test process by the first caller while the others wait, and shared by
/// the web tests that only read it.
public actor DemoFixture {
    /// The one fixture of the test process.
    public static let shared = DemoFixture()
    private var tasks: [Backend: Task<SQLCampaignStore, any Error>] = [:]

    /// The shared campaign on `backend`, behind a service on `clock`.
    public func service(_ backend: Backend = .sqlite, clock: WallClock = .system) async throws -> CampaignService {
        if tasks[backend] == nil {
            tasks[backend] = Task {
                let url: DatabaseURL
                switch backend {
                case .sqlite:
                    url = .sqlite(path: NSTemporaryDirectory() + "rollout-web-\(UUID().uuidString)/rollout.sqlite")
                case .postgres:
                    url = try await Backend.newPostgresDatabase()
                }
                let store = try await SQLCampaignStore.open(url)
                _ = try await store.migrate(now: WallClock.system.now())
                let demo = try DemoInstaller.chongqing(seed: 2020, scale: 1, clockDay: DemoCampaign.defaultClockDay, fraction: 0.04)
                _ = try await DemoInstaller.install(demo, into: store, now: WallClock.system.now())
                return store
            }
        }
        return CampaignService(store: try await tasks[backend]!.value, clock: clock)
    }
}
