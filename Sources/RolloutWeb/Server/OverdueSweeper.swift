import Foundation
import Logging
import RolloutApplication
import RolloutStorage
import ServiceLifecycle

/// Escalates to the city, once a minute, the obstacles whose service-level clock has run out
/// (``CampaignService/escalateOverdue()``), the safety findings not fixed by their deadline
/// (``CampaignService/escalateOverdueFindings()``) and the organisations whose silence reached the office's
/// count (``CampaignService/escalateSilentOrganisations()``). Every instance runs it; each is escalated once.
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
            do {
                let n = try await service.escalateOverdueFindings()
                if n > 0 { logger.notice("escalated \(n) safety findings not fixed by their deadline") }
            } catch {
                logger.warning("escalating overdue safety findings failed: \(error)")
            }
            do {
                if let n = try await service.drawSpotCheck() { logger.notice("drew this week's spot check: \(n) openings into the verification queue") }
            } catch {
                logger.warning("drawing the spot check failed: \(error)")
            }
            do {
                let n = try await service.escalateSilentOrganisations()
                if n > 0 { logger.notice("escalated \(n) organisations that stopped reporting") }
            } catch {
                logger.warning("escalating organisations that stopped reporting failed: \(error)")
            }
        }
    }
}
