import Foundation
import Logging
import RolloutApplication
import RolloutStorage
import ServiceLifecycle

/// Escalates to the city, once a minute, the obstacles whose service-level clock has run out
/// (``CampaignService/escalateOverdue()``). Every instance runs it; an obstacle is escalated once.
struct OverdueSweeper: Service {
    let service: CampaignService
    var interval: Duration = .seconds(60)

    func run() async throws {
        let (service, logger) = (self.service, Logger(label: "rollout.sweeper"))
        await Periodic.run(every: interval) {
            do {
                let n = try await service.escalateOverdue()
                if n > 0 { logger.notice("escalated \(n) obstacles whose clock ran out") }
            } catch {
                logger.warning("automatic escalation failed: \(error)")
            }
        }
    }
}
