/// An account of a person or a system of one organisation, as stored (without its password).
public struct Account: Sendable, Equatable, Codable {
    /// The sign-in name, also the actor of every event it causes.
    public var name: String
    /// What the account may do (see ``Access``).
    public var role: Role
    /// The region code of a district account; nil for every other role.
    public var region: String?
    /// The operator of an operator account (China Tower included); nil for every other role.
    public var `operator`: Operator?
    /// The owner name of a resource-owner account, as its offers write it; nil for every other role.
    public var owner: String?
    /// The organisation or person, for the pages.
    public var displayName: String
    /// When the account was created.
    public var createdAt: Instant
    /// Set when the account is disabled: it can no longer sign in, and its sessions and tokens stop working.
    public var disabledAt: Instant?

    /// An account from its fields, unchecked: a new one goes through ``validated(regionCodes:)``.
    public init(name: String, role: Role, region: String? = nil, operator: Operator? = nil, owner: String? = nil,
                displayName: String = "", createdAt: Instant, disabledAt: Instant? = nil) {
        self.name = name; self.role = role; self.region = region; self.operator = `operator`; self.owner = owner
        self.displayName = displayName; self.createdAt = createdAt; self.disabledAt = disabledAt
    }

    /// The principal of a request made by this account (with the token it used, if any).
    public func principal(token: String? = nil) -> Principal {
        Principal(account: name, role: role, region: region, operator: self.operator, owner: owner, token: token)
    }

    /// Names the system itself writes as actors; no account may take them.
    public static let reservedNames: Set<String> = ["demo", "cli", "web", "api", "system", "admin-cli", "rollout"]

    /// Checks a new account: a name of 2–40 lower-case letters, digits, `.`, `_` or `-` that is not
    /// one of the system's, and exactly the scope its role needs (a region for a district, an
    /// operator for an operator, an owner name for a resource owner, nothing for the others).
    public func validated(regionCodes: Set<String>) throws -> Account {
        let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789._-")
        guard (2...40).contains(name.count), name.allSatisfy({ allowed.contains($0) }), name.first!.isLetter else {
            throw RolloutError("bad_account_name", ["value": name])
        }
        if Account.reservedNames.contains(name) { throw RolloutError("reserved_account_name", ["value": name]) }
        guard displayName.count <= 200 else { throw RolloutError("text_too_long", ["value": "200"]) }
        switch role.scopeKind {
        case .region?:
            guard let region, regionCodes.contains(region), self.operator == nil, owner == nil else {
                throw RolloutError("account_needs_region", ["value": region ?? ""])
            }
        case .operator?:
            guard self.operator != nil, region == nil, owner == nil else { throw RolloutError("account_needs_operator") }
        case .owner?:
            guard let owner, !owner.trimmingCharacters(in: .whitespaces).isEmpty, owner.count <= 200, region == nil,
                  self.operator == nil else { throw RolloutError("account_needs_owner") }
        case nil:
            guard region == nil, self.operator == nil, owner == nil else { throw RolloutError("account_takes_no_scope", ["value": role.rawValue]) }
        }
        return self
    }
}

/// An API token as listed (its secret is shown once, at creation, and never stored).
public struct TokenInfo: Sendable, Equatable, Codable {
    /// The token's public id (12 hex digits), written in the token between `rlt_` and the secret.
    public var id: String
    /// The sign-in name of the account the token acts for.
    public var account: String
    /// The account's own name for the token, to tell its tokens apart.
    public var label: String
    /// When the token was created.
    public var createdAt: Instant
    /// When the token was revoked; nil while it is not.
    public var revokedAt: Instant?
    /// When the token was last used, noted at most hourly; nil if never.
    public var lastUsedAt: Instant?

    /// A token as listed; a new one is neither revoked nor used yet.
    public init(id: String, account: String, label: String, createdAt: Instant, revokedAt: Instant? = nil, lastUsedAt: Instant? = nil) {
        self.id = id; self.account = account; self.label = label; self.createdAt = createdAt
        self.revokedAt = revokedAt; self.lastUsedAt = lastUsedAt
    }
}
