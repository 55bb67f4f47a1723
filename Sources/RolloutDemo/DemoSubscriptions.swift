import RolloutCore

/// The demo's subscriptions: a few of each kind, every one a webhook without an address (off until
/// the city office sets one on the notifications page), so that the page shows what can be had.
public enum DemoSubscriptions {
    /// The subscriptions, made at `at` by the demo.
    public static func all(at: Instant) -> [Subscription] {
        func hook(_ format: Subscription.Format, _ style: Subscription.Style = .markdown) -> Subscription.Channel {
            .webhook(url: "", format: format, style: style, secret: nil)
        }
        return [
            Subscription(id: 0, account: nil, scope: .city, topics: [.escalation, .clockRanOut, .missedReports, .supervision],
                         channel: hook(.wecom), digest: false, language: .zh, createdAt: at, createdBy: "demo"),
            Subscription(id: 0, account: "yuzhong", scope: .region("500103"), topics: [.escalation, .clockRanOut, .dispatched, .obstacleOpened],
                         channel: hook(.dingtalk), digest: false, language: .zh, createdAt: at, createdBy: "demo"),
            Subscription(id: 0, account: nil, scope: .unit("grid"), topics: [.dispatched, .clockRanOut],
                         channel: hook(.wecom), digest: false, language: .zh, createdAt: at, createdBy: "demo"),
            Subscription(id: 0, account: nil, scope: .operator(.cmcc), topics: [.rejection, .missedReports, .obstacleOpened],
                         channel: hook(.json), digest: true, language: .zh, createdAt: at, createdBy: "demo"),
            Subscription(id: 0, account: "leader", scope: .city, topics: [.bulletin, .supervision],
                         channel: hook(.wecom, .text), digest: true, language: .zh, createdAt: at, createdBy: "demo"),
        ]
    }
}
