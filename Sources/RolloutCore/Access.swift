/// Who may do what: the roles of the organisations that use the platform, and the rules that
/// decide, for an account, which routes it may use and which records it may change.
///
/// Every check of a right goes through these functions: the web layer asks ``Access/allows(_:_:)``
/// for the route, the services and the importer ask the record rules below the handlers.
public enum Role: String, CaseIterable, Codable, Sendable {
    /// The city's 5G construction office: everything.
    case cityOffice = "city_office"
    /// City leaders: read everything, change nothing.
    case leader
    /// A district office: reads all, changes its own region's obstacles, escalates.
    case district
    /// An operator or China Tower: its own sites, progress and obstacles; reads the rest.
    case `operator`
    /// The owner of towers, poles or rooftops: its offers (and later the requests on them).
    case resourceOwner = "resource_owner"
    /// Manages the accounts; sees no campaign data.
    case admin
    /// A safety inspector (the communications bureau's or the office's): reads everything, records
    /// findings anywhere and re-inspects them.
    case inspector
    /// A third-party verifier: reads everything, verifies or rejects openings in the queue anywhere.
    case verifier

    /// What the role's account is tied to, if anything: a region, an operator, an owner name.
    public var scopeKind: ScopeKind? {
        switch self {
        case .district: .region
        case .operator: .operator
        case .resourceOwner: .owner
        case .cityOffice, .leader, .admin, .inspector, .verifier: nil
        }
    }

    /// The kinds of thing an account can be tied to: a region, an operator, a resource owner's name.
    public enum ScopeKind: String, Sendable { case region, `operator`, owner }
}

/// The account a request acts for, with what its role is tied to.
public struct Principal: Sendable, Equatable, Codable {
    /// The account's sign-in name, also the actor of the events it records.
    public var account: String
    /// The account's role, which decides the routes it may use.
    public var role: Role
    /// The district's region code.
    public var region: String?
    /// The operator's code.
    public var `operator`: Operator?
    /// The resource owner's name, as written in its `owner` column.
    public var owner: String?
    /// The API token the request came with (nil for a web session or the command line).
    public var token: String?

    /// A principal from its account, its role, what the role is tied to and the token used.
    public init(account: String, role: Role, region: String? = nil, operator: Operator? = nil, owner: String? = nil,
                token: String? = nil) {
        self.account = account; self.role = role; self.region = region; self.operator = `operator`
        self.owner = owner; self.token = token
    }
}

/// What a route asks of the caller.
public enum Need: String, Sendable, CaseIterable {
    /// Anyone, signed in or not (health check, sign-in page, the API description, assets).
    case open
    /// Any signed-in account (sign out, one's own account page).
    case signedIn
    /// Campaign figures: totals, regions, charts, the live stream.
    case readFigures
    /// Site-level records: sites, obstacles, late sites, operators' reports.
    case readRecords
    /// Sending a bulk file (which kinds and rows is decided per file and per row).
    case importFiles
    /// Escalating an obstacle to the city (which obstacles is decided per record).
    case escalate
    /// Dispatching, pausing, resuming, reopening, resolving an obstacle (which ones: per record).
    case handleObstacles
    /// Changing the routing table of dispatching.
    case editRouting
    /// Listing and managing accounts.
    case manageAccounts
    /// Prometheus metrics.
    case metrics
    /// Moving quota between regions.
    case moveQuota
    /// Issuing the weekly bulletin.
    case issueBulletin
    /// Listing, reviewing and delisting regions; setting the rule.
    case supervise
    /// Asking an owner for a resource (operators for their sites) or answering (owners).
    case shareResources
    /// Setting what the office expects of reporting organisations; loading the official calendar.
    case setReporting
    /// Resolving a mismatch between an operator's record and China Tower's (which ones: per region);
    /// the city office also sets the thresholds.
    case reconcile
    /// Recording safety findings and taking their steps (which ones: per finding, ``Safety/check(_:on:at:by:)``).
    case handleSafety
    /// Recording a 5G application project (which ones: per record: a district its region's, an operator those it carries).
    case recordAdoption
    /// Naming a site's contractor (the city office; an operator its own sites).
    case nameContractor
    /// Attaching photos to an opening (an operator, its own sites; the city office).
    case attachEvidence
    /// Deciding on openings in the verification queue (which ones: a district its region's; a verifier any).
    case verify
    /// Setting the evidence rule.
    case setEvidence
    /// Recording planned and actual spend (which records: the city office any, an operator its own).
    case recordInvestment
}

/// The rules.
public enum Access {
    /// Whether a role may use a route that needs `need`.
    public static func allows(_ role: Role, _ need: Need) -> Bool {
        switch need {
        case .open, .signedIn: true
        case .readFigures: role != .admin
        case .readRecords: [.cityOffice, .leader, .district, .operator, .inspector, .verifier].contains(role)
        case .importFiles: [.cityOffice, .district, .operator, .resourceOwner, .inspector].contains(role)
        case .handleSafety: [.cityOffice, .district, .operator, .inspector].contains(role)
        case .escalate, .reconcile: [.cityOffice, .district].contains(role)
        case .recordAdoption: [.cityOffice, .district, .operator].contains(role)
        case .nameContractor, .attachEvidence: [.cityOffice, .operator].contains(role)
        case .verify: [.cityOffice, .district, .verifier].contains(role)
        case .setEvidence: role == .cityOffice
        case .recordInvestment: [.cityOffice, .operator].contains(role)
        case .handleObstacles: [.cityOffice, .district, .operator].contains(role)
        case .editRouting: role == .cityOffice
        case .manageAccounts: role == .admin
        case .metrics: [.admin, .cityOffice].contains(role)
        case .moveQuota, .issueBulletin, .supervise, .setReporting: role == .cityOffice
        case .shareResources: [.cityOffice, .operator, .resourceOwner].contains(role)
        }
    }

    /// Whether an account may receive site-level records (a site's code, name or location, an
    /// obstacle's reference or description, the late sites): every page and answer built for a
    /// figures-only account (a resource owner) leaves them out when it is read, not when it is shown.
    /// The requests addressed to an owner, which name their sites, are its own and decided apart.
    public static func mayReadRecords(_ p: Principal) -> Bool {
        allows(p.role, .readRecords)
    }

    /// Whether an account may send files of a kind (`sites`, `progress`, `obstacles`, `resources`, `targets`,
    /// `subscribers`, `applications`, `inspections`).
    public static func mayImport(_ kind: String, _ p: Principal) -> Bool {
        switch p.role {
        case .cityOffice: true
        case .operator: ["sites", "progress", "obstacles", "subscribers", "applications", "investments"].contains(kind)
        case .district: ["obstacles", "applications", "inspections"].contains(kind)
        case .resourceOwner: kind == "resources"
        case .inspector: kind == "inspections"
        case .leader, .admin, .verifier: false
        }
    }

    /// Whether an account may record an event: an operator only about its own sites and obstacles,
    /// a district only about the obstacles it raised in its region, an owner only about its offers,
    /// targets only by the city office.
    public static func mayRecord(_ body: EventBody, _ p: Principal) -> Bool {
        // The platform's own sweeps alone escalate a finding's missed deadline and draw spot checks.
        switch body {
        case .findingStep(_, .escalated), .spotCheckDrawn: return false
        default: break
        }
        if p.role == .cityOffice { return true }
        switch body {
        case .siteRegistered(let r): return p.role == .operator && r.site.operator == p.operator
        case .stageReported(let s, _, _), .stageRolledBack(let s, _, _): return p.role == .operator && s.operator == p.operator
        case .obstacleOpened(let o): return owns(obstacle: o.org, region: o.regionCode, site: o.site, p)
        case .obstacleResolved(let org, _): return owns(obstacle: org, region: nil, site: nil, p)
        case .obstacleEscalated: return p.role == .district
        case .obstacleStep: return p.role == .district || p.role == .operator
        case .dispatchRuleSet: return false
        case .targetSet: return false
        case .resourceOffered(let r): return p.role == .resourceOwner && r.owner == p.owner
        case .bulletinIssued, .supervision, .supervisionRuleSet, .reportingRuleSet, .workingCalendarSet, .reportingEscalated: return false
        case .reportReceived(let org, _, _): return Reporting.Organisation(reporting: p) == org
        case .reconciliationResolved(let r): return p.role == .district && p.region == r.regionCode
        case .reconciliationThresholdsSet, .scorecardWeightsSet, .subscriberTargetSet: return false
        // A district records the projects in its region, an operator those it carries.
        case .applicationRecorded(let a):
            return (p.role == .district && p.region == a.regionCode) || (p.role == .operator && a.operator != nil && a.operator == p.operator)
        case .subscribersReported(let f): return p.role == .operator && f.operator == p.operator
        case .investmentReported(let f): return p.role == .operator && f.operator == p.operator
        // A district records the findings of its region; who takes a step is checked by `Safety.check`.
        case .findingRecorded(let f): return (p.role == .district && p.region == f.regionCode) || p.role == .inspector
        case .findingStep: return p.role == .district || p.role == .operator || p.role == .inspector
        case .contractorSet(let site, _): return p.role == .operator && site.operator == p.operator
        case .evidenceRuleSet: return false
        // An operator shows photos of its own sites; it never decides on them (the region is checked by the service).
        case .evidenceAttached(let photo): return p.role == .operator && photo.site.operator == p.operator
        case .verificationDecided: return p.role == .district || p.role == .verifier
        case .spotCheckDrawn: return false
        case .resourceRequested(let r): return p.role == .operator && r.site.operator == p.operator
        case .resourceRequestAnswered(let r, _, _): return p.role == .resourceOwner && r.owner == p.owner
        }
    }

    /// Whether an account may escalate an obstacle of a region to the city.
    public static func mayEscalate(region: String, _ p: Principal) -> Bool {
        p.role == .cityOffice || (p.role == .district && p.region == region)
    }

    /// Whether an account may take an action on an obstacle of a region, raised by `org`, with `unit`
    /// now: the city office any; a district those of its region; an operator (or China Tower) may
    /// pause, resume and resolve what waits on it or what it raised, and reopen what it raised.
    public static func mayHandle(_ action: ObstacleAction, region: String, org: String, unit: String?, _ p: Principal) -> Bool {
        switch p.role {
        case .cityOffice: return true
        case .district: return p.region == region
        case .operator:
            guard let op = p.operator?.rawValue else { return false }
            switch action {
            case .dispatch: return false
            case .reopen: return org == op
            case .pause, .resume, .resolve: return org == op || unit == op
            }
        case .leader, .resourceOwner, .admin, .inspector, .verifier: return false
        }
    }

    /// Whether an account may see another account's page (what it did, its tokens).
    public static func maySeeAccount(_ name: String, _ p: Principal) -> Bool {
        p.account == name || p.role == .admin || p.role == .cityOffice
    }

    /// An obstacle belongs to the organisation that raised it: an operator (its code, about its
    /// own sites) or a district (its region code, in its region).
    static func owns(obstacle org: String, region: String?, site: SiteKey?, _ p: Principal) -> Bool {
        switch p.role {
        case .operator:
            guard let op = p.operator else { return false }
            return org == op.rawValue && (site == nil || site?.operator == op)
        case .district:
            guard let mine = p.region else { return false }
            return org == mine && (region == nil || region == mine) && site == nil
        default: return false
        }
    }
}
