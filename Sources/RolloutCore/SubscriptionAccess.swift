/// Who may make, see and change which subscriptions: an account its own; a district or an
/// operator its organisation's; the city office every one (it sets up units' and the city's).
public enum SubscriptionAccess {
    /// The scope of a principal's own organisation, when it has one of its own to subscribe.
    public static func organisation(of p: Principal) -> Subscription.Scope? {
        switch p.role {
        case .district: p.region.map(Subscription.Scope.region)
        case .operator: p.operator.map(Subscription.Scope.operator)
        default: nil
        }
    }

    /// The role whose reach a scope is (what it may hear of).
    public static func role(of scope: Subscription.Scope) -> Role {
        switch scope {
        case .city, .unit: .cityOffice
        case .region: .district
        case .operator: .operator
        case .owner: .resourceOwner
        }
    }

    /// Whether a principal may see and change a subscription (`nil`: the command line, which may).
    public static func mayManage(_ s: Subscription, _ p: Principal?) -> Bool {
        guard let p else { return true }
        if p.role == .cityOffice { return true }
        if let account = s.account { return account == p.account }
        return organisation(of: p) == s.scope
    }

    /// Checks a new organisation's subscription by a principal: throws `forbidden_scope`.
    public static func checkOrganisation(_ scope: Subscription.Scope, _ p: Principal?) throws {
        guard let p, p.role != .cityOffice else { return }
        guard organisation(of: p) == scope else { throw RolloutError("forbidden_scope", kind: .forbidden, ["value": scope.text]) }
    }

    /// Checks the topics a role may hear of: throws `forbidden_topic` naming the first it may not.
    public static func checkTopics(_ topics: Set<NotificationTopic>, role: Role) throws {
        let allowed = Subscription.topics(for: role)
        if let bad = topics.sorted().first(where: { !allowed.contains($0) }) {
            throw RolloutError("forbidden_topic", kind: .forbidden, ["value": bad.rawValue])
        }
    }
}
