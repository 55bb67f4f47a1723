/// Where a forecast's sites come from and where those not expected by the deadline stand: per
/// stage, the sites there now and how many of them the model expects built by the deadline (its
/// raw chances, moved by the calibration's bias), so a district page can say which stages the
/// shortfall comes from.
public struct StageOutlook: Codable, Sendable, Equatable {
    /// The stage's code (e.g. `civil_done`).
    public var stage: String
    /// Sites at the stage now.
    public var sites: Int
    /// Of them, expected built by the deadline.
    public var expectedBuilt: Int
    /// Expected still not built at the deadline.
    public var expectedLeft: Int
}

extension Figures {
    /// The stages of a region's (or the city's) unbuilt sites and what the model expects of each by the deadline.
    public static func stageOutlook(inputs: Inputs, region: String?, campaign: Campaign, moment: ReadMoment) -> [StageOutlook] {
        let daysLeft = max(0, Double(campaign.deadline.seconds - moment.asOf.before.seconds) / 86_400)
        let scale = inputs.calibration.fit(for: region ?? "").map { fit in fit.expected(1) } ?? 1
        return Stage.allCases.filter { !$0.isBuilt }.compactMap { stage in
            var sites = 0, expected = 0.0
            for op in Operator.network.map(\.rawValue) {
                let n = inputs.now.sites(at: stage, region: region, operator: op)
                guard n > 0 else { continue }
                sites += n
                expected += Double(n) * inputs.model.probability(operator: op, stage: stage, within: daysLeft)
            }
            guard sites > 0 else { return nil }
            let built = min(sites, Int((expected * scale).rounded()))
            return StageOutlook(stage: stage.rawValue, sites: sites, expectedBuilt: built, expectedLeft: sites - built)
        }
    }
}

extension Summary {
    func withStages(_ stages: [StageOutlook]) -> Summary { var s = self; s.forecast.byStage = stages; return s }
}

extension RegionFigures {
    func withStages(_ stages: [StageOutlook]) -> RegionFigures { var r = self; r.forecast.byStage = stages; return r }
}
