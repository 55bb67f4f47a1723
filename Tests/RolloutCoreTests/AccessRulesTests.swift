import Testing
@testable import RolloutCore

/// The rights of each role, rule by rule: what each may use, send and record.
@Suite struct AccessRulesTests {
    static let t = Instant(seconds: 1_590_000_000)
    static let office = Principal(account: "o", role: .cityOffice)
    static let leader = Principal(account: "l", role: .leader)
    static let yuzhong = Principal(account: "y", role: .district, region: "500103")
    static let cmcc = Principal(account: "m", role: .operator, operator: .cmcc)
    static let owner = Principal(account: "r", role: .resourceOwner, owner: "杆塔公司")
    static let admin = Principal(account: "a", role: .admin)
    static let inspector = Principal(account: "i", role: .inspector)
    static let verifier = Principal(account: "v", role: .verifier)
    static let everyone = [office, leader, yuzhong, cmcc, owner, admin, inspector, verifier]

    static func registration(_ op: Operator) -> EventBody {
        .siteRegistered(SiteRegistration(site: SiteKey(operator: op, code: "S1"), regionCode: "500103", name: "n", lat: 29.5, lon: 106.5, kind: .macro))
    }

    static func obstacle(org: String, region: String, site: SiteKey? = nil) -> EventBody {
        .obstacleOpened(ObstacleOpening(org: org, ref: "1", site: site, regionCode: region, operator: site?.operator, category: .power,
                                        responsible: nil, description: "d"))
    }

    @Test func routesAreOpenToTheRolesThatNeedThem() throws {
        let table: [Need: Set<Role>] = [
            .open: Set(Role.allCases), .signedIn: Set(Role.allCases),
            .readFigures: [.cityOffice, .leader, .district, .operator, .resourceOwner, .inspector, .verifier],
            .readRecords: [.cityOffice, .leader, .district, .operator, .inspector, .verifier],
            .importFiles: [.cityOffice, .district, .operator, .resourceOwner, .inspector],
            .handleSafety: [.cityOffice, .district, .operator, .inspector],
            .escalate: [.cityOffice, .district],
            .handleObstacles: [.cityOffice, .district, .operator], .editRouting: [.cityOffice],
            .manageAccounts: [.admin],
            .metrics: [.admin, .cityOffice],
            .moveQuota: [.cityOffice], .issueBulletin: [.cityOffice], .supervise: [.cityOffice], .shareResources: [.cityOffice, .operator, .resourceOwner],
            .setReporting: [.cityOffice], .reconcile: [.cityOffice, .district], .recordAdoption: [.cityOffice, .district, .operator], .nameContractor: [.cityOffice, .operator],
            .attachEvidence: [.cityOffice, .operator], .verify: [.cityOffice, .district, .verifier], .setEvidence: [.cityOffice],
            .recordInvestment: [.cityOffice, .operator],
        ]
        for need in Need.allCases {
            let allowed = try #require(table[need], "no line for \(need)")
            for role in Role.allCases { #expect(Access.allows(role, need) == allowed.contains(role), "\(role) \(need)") }
        }
    }

    @Test func onlyTheAccountsThatReadRecordsReceiveSiteLevelRecords() {
        for p in Self.everyone { #expect(Access.mayReadRecords(p) == [.cityOffice, .leader, .district, .operator, .inspector, .verifier].contains(p.role), "\(p.role)") }
    }

    @Test func eachRoleSendsOnlyItsKindsOfFile() {
        let table: [String: Set<Role>] = [
            "sites": [.cityOffice, .operator], "progress": [.cityOffice, .operator], "obstacles": [.cityOffice, .operator, .district],
            "resources": [.cityOffice, .resourceOwner], "targets": [.cityOffice],
            "subscribers": [.cityOffice, .operator], "applications": [.cityOffice, .operator, .district], "inspections": [.cityOffice, .district, .inspector],
        ]
        for (kind, roles) in table {
            for p in Self.everyone { #expect(Access.mayImport(kind, p) == roles.contains(p.role), "\(p.role) \(kind)") }
        }
    }

    @Test func eachRoleRecordsOnlyWhatIsItsOwn() {
        let mine = SiteKey(operator: .cmcc, code: "S1"), theirs = SiteKey(operator: .ctcc, code: "S1")
        let cases: [(EventBody, Set<String>)] = [
            (Self.registration(.cmcc), ["o", "m"]),
            (Self.registration(.ctcc), ["o"]),
            (.stageReported(site: mine, stage: .designed, note: nil), ["o", "m"]),
            (.stageReported(site: theirs, stage: .designed, note: nil), ["o"]),
            (.stageRolledBack(site: mine, stage: .planned, reason: "r"), ["o", "m"]),
            (Self.obstacle(org: "cmcc", region: "500101", site: mine), ["o", "m"]),
            (Self.obstacle(org: "cmcc", region: "500101", site: theirs), ["o"]),
            (Self.obstacle(org: "500103", region: "500103"), ["o", "y"]),
            (Self.obstacle(org: "500101", region: "500101"), ["o"]),
            (Self.obstacle(org: "500103", region: "500101"), ["o"]),
            (.obstacleResolved(org: "500103", ref: "1"), ["o", "y"]),
            (.obstacleResolved(org: "cmcc", ref: "1"), ["o", "m"]),
            (.obstacleResolved(org: "ctcc", ref: "1"), ["o"]),
            // Steps: which obstacle is checked by `mayHandle` before the service appends.
            (.obstacleStep(org: "cmcc", ref: "1", step: .paused(reason: "r")), ["o", "y", "m"]),
            (.dispatchRuleSet(Dispatch.Rule(category: .power, unit: "grid", slaDays: 9)), ["o"]),
            (.targetSet(TargetSetting(regionCode: "500103", target: 10, due: Self.t)), ["o"]),
            (.resourceOffered(ResourceOffer(resourceId: "R", owner: "杆塔公司", kind: .streetLamp, regionCode: "500103", lat: 29.5, lon: 106.5)), ["o", "r"]),
            (.resourceOffered(ResourceOffer(resourceId: "R", owner: "别家", kind: .streetLamp, regionCode: "500103", lat: 29.5, lon: 106.5)), ["o"]),
            // Adoption: a district its region's projects, an operator those it carries and its own figures.
            (.applicationRecorded(Self.project(region: "500103", op: .cmcc)), ["o", "y", "m"]),
            (.applicationRecorded(Self.project(region: "500101", op: .cmcc)), ["o", "m"]),
            (.applicationRecorded(Self.project(region: "500101", op: nil)), ["o"]),
            (.applicationRecorded(Self.project(region: "500103", op: .ctcc)), ["o", "y"]),
            (.subscribersReported(SubscriberFigure(month: YearMonth(year: 2020, month: 4)!, operator: .cmcc, regionCode: "500103", subscribers: 1, trafficTB: nil)), ["o", "m"]),
            (.subscribersReported(SubscriberFigure(month: YearMonth(year: 2020, month: 4)!, operator: .ctcc, regionCode: "500103", subscribers: 1, trafficTB: nil)), ["o"]),
            (.investmentReported(InvestmentFigure(regionCode: "500103", operator: .cmcc, year: 2020, plannedCNY: 1, actualCNY: nil)), ["o", "m"]),
            (.investmentReported(InvestmentFigure(regionCode: "500103", operator: .ctcc, year: 2020, plannedCNY: 1, actualCNY: nil)), ["o"]),
            (.subscriberTargetSet(SubscriberTarget(regionCode: "500103", target: 10, due: Self.t)), ["o"]),
            // Safety: a district records its region's findings, an inspector any; who takes a step is checked per finding.
            (.findingRecorded(SafetyFinding(ref: "F", inspectionRef: "F", site: nil, regionCode: "500103", contractor: nil, inspector: "x", category: .fire,
                                            severity: .general, text: "t", responsible: "500103", deadline: Self.t)), ["o", "y", "i"]),
            (.findingRecorded(SafetyFinding(ref: "F", inspectionRef: "F", site: nil, regionCode: "500101", contractor: nil, inspector: "x", category: .fire,
                                            severity: .general, text: "t", responsible: "500101", deadline: Self.t)), ["o", "i"]),
            (.contractorSet(site: SiteKey(operator: .cmcc, code: "S1"), contractor: "甲"), ["o", "m"]),
            // Evidence: an operator shows its own sites' photos; a district or a verifier decides (the region per site), never an operator.
            (.evidenceAttached(EvidencePhoto(site: SiteKey(operator: .cmcc, code: "S1"), stage: .onAir, sha256: "a", previewSha256: "b", bytes: 1, width: 1,
                                             height: 1, takenAt: nil, latitude: nil, longitude: nil, distanceMetres: nil, failures: [])), ["o", "m"]),
            (.verificationDecided(site: SiteKey(operator: .cmcc, code: "S1"), decision: .verified(note: "")), ["o", "y", "v"]),
            (.evidenceRuleSet(EvidenceRule()), ["o"]),
        ]
        for (body, allowed) in cases {
            for p in Self.everyone { #expect(Access.mayRecord(body, p) == allowed.contains(p.account), "\(p.role) \(body.kind) \(body.entity)") }
        }
    }

    static func project(region: String, op: Operator?) -> ApplicationProject {
        ApplicationProject(ref: "P1", name: "远程会诊", domain: .health, regionCode: region, operator: op, leadOrg: "医院", status: .building,
                           investmentCNY: nil, demonstration: false)
    }

    @Test func onlyTheDistrictOfTheRegionOrTheCityEscalates() {
        #expect(Access.mayEscalate(region: "500103", Self.yuzhong))
        #expect(!Access.mayEscalate(region: "500101", Self.yuzhong))
        #expect(Access.mayEscalate(region: "500101", Self.office))
        for p in [Self.leader, Self.cmcc, Self.owner, Self.admin] { #expect(!Access.mayEscalate(region: "500103", p)) }
        #expect(Access.maySeeAccount("y", Self.yuzhong) && !Access.maySeeAccount("m", Self.yuzhong))
        #expect(Access.maySeeAccount("m", Self.admin) && Access.maySeeAccount("m", Self.office) && !Access.maySeeAccount("m", Self.leader))
    }

    @Test func accountsNeedAGoodNameAndExactlyTheirRolesScope() throws {
        let regions: Set<String> = ["500103"]
        #expect(throws: Never.self) { try Account(name: "yuzhong-1", role: .district, region: "500103", createdAt: Self.t).validated(regionCodes: regions) }
        #expect(throws: Never.self) { try Account(name: "cmcc.api", role: .operator, operator: .cmcc, createdAt: Self.t).validated(regionCodes: regions) }
        let refused: [(Account, String)] = [
            (Account(name: "A", role: .leader, createdAt: Self.t), "bad_account_name"),
            (Account(name: "1abc", role: .leader, createdAt: Self.t), "bad_account_name"),
            (Account(name: "a b", role: .leader, createdAt: Self.t), "bad_account_name"),
            (Account(name: "<script>", role: .leader, createdAt: Self.t), "bad_account_name"),
            (Account(name: String(repeating: "a", count: 41), role: .leader, createdAt: Self.t), "bad_account_name"),
            (Account(name: "cli", role: .leader, createdAt: Self.t), "reserved_account_name"),
            (Account(name: "d", role: .district, region: "500103", createdAt: Self.t), "bad_account_name"),
            (Account(name: "dd", role: .district, region: "500101", createdAt: Self.t), "account_needs_region"),
            (Account(name: "dd", role: .district, region: "500103", operator: .cmcc, createdAt: Self.t), "account_needs_region"),
            (Account(name: "op", role: .operator, createdAt: Self.t), "account_needs_operator"),
            (Account(name: "ow", role: .resourceOwner, owner: "  ", createdAt: Self.t), "account_needs_owner"),
            (Account(name: "ad", role: .admin, operator: .cmcc, createdAt: Self.t), "account_takes_no_scope"),
        ]
        for (account, code) in refused {
            #expect(throws: RolloutError.self) { try account.validated(regionCodes: regions) }
            do { _ = try account.validated(regionCodes: regions) } catch let e as RolloutError { #expect(e.code == code, "\(account.name)") }
        }
    }
}
