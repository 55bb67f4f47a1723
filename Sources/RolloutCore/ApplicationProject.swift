/// A 5G application project (5G应用项目): what it does, where, who leads it, how far it is.
/// A change of status is a new record of the same project; the latest one by field date stands.
public struct ApplicationProject: Hashable, Codable, Sendable {
    /// The domain of a project: the seed's list (AR/VR, 4K/8K, live sport, games, virtual
    /// shopping, health for poverty relief, industrial internet, connected vehicles) and the
    /// national 5G application programme's industries (扬帆行动), each once.
    public enum Domain: String, CaseIterable, Codable, Sendable {
        case industrialInternet = "industrial_internet"
        case connectedVehicles = "connected_vehicles"
        case health
        case education
        case cultureTourism = "culture_tourism"
        case ultraHDVideo = "ultra_hd_video"
        case arVR = "ar_vr"
        case liveEvents = "live_events"
        case cloudGaming = "cloud_gaming"
        case virtualShopping = "virtual_shopping"
        case smartCity = "smart_city"
        case energy
        case mining
        case logisticsPorts = "logistics_ports"
        case agriculture
        case waterConservancy = "water_conservancy"

        /// The Chinese name, as files and pages write it.
        public var chineseName: String {
            switch self {
            case .industrialInternet: "5G+工业互联网"
            case .connectedVehicles: "车联网"
            case .health: "智慧医疗"
            case .education: "智慧教育"
            case .cultureTourism: "文化旅游"
            case .ultraHDVideo: "超高清视频"
            case .arVR: "虚拟现实/增强现实"
            case .liveEvents: "赛事直播"
            case .cloudGaming: "云游戏"
            case .virtualShopping: "虚拟购物"
            case .smartCity: "智慧城市"
            case .energy: "智慧能源"
            case .mining: "智能采矿"
            case .logisticsPorts: "智慧物流/港口"
            case .agriculture: "智慧农业"
            case .waterConservancy: "智慧水利"
            }
        }

        /// The English name.
        public var englishName: String {
            switch self {
            case .industrialInternet: "Industrial internet"
            case .connectedVehicles: "Connected vehicles"
            case .health: "Health"
            case .education: "Education"
            case .cultureTourism: "Culture and tourism"
            case .ultraHDVideo: "4K/8K ultra-HD video"
            case .arVR: "AR/VR"
            case .liveEvents: "Live sport and events"
            case .cloudGaming: "Cloud gaming"
            case .virtualShopping: "Virtual shopping"
            case .smartCity: "Smart city"
            case .energy: "Energy and power"
            case .mining: "Mining"
            case .logisticsPorts: "Logistics and ports"
            case .agriculture: "Agriculture"
            case .waterConservancy: "Water conservancy"
            }
        }

        /// Reads a code or a Chinese name (also the common short forms: 工业互联网, 医疗, AR/VR, 4K/8K).
        public init?(codeOrName text: String) {
            let t = text.trimmedSpaces
            if let d = Domain(rawValue: t.lowercased()) { self = d; return }
            let aliases: [String: Domain] = ["工业互联网": .industrialInternet, "5G+医疗": .health, "医疗": .health,
                                             "5G+健康扶贫": .health, "健康扶贫": .health, "教育": .education, "文旅": .cultureTourism,
                                             "4K/8K": .ultraHDVideo, "超高清": .ultraHDVideo, "AR/VR": .arVR, "VR/AR": .arVR,
                                             "体育赛事直播": .liveEvents, "游戏": .cloudGaming, "智慧物流": .logisticsPorts,
                                             "智慧港口": .logisticsPorts, "智慧电力": .energy, "能源": .energy]
            if let d = Domain.allCases.first(where: { $0.chineseName == t }) ?? aliases[t] ?? aliases[t.uppercased()] { self = d; return }
            return nil
        }
    }

    /// How far a project is.
    public enum Status: String, CaseIterable, Codable, Sendable {
        case proposed, approved, building
        case inOperation = "in_operation"
        case stopped

        /// The Chinese name.
        public var chineseName: String {
            switch self {
            case .proposed: "拟建"
            case .approved: "已批复"
            case .building: "建设中"
            case .inOperation: "运营中"
            case .stopped: "已停止"
            }
        }

        /// Reads a code or a Chinese name (also 在建, 已投运, 停止).
        public init?(codeOrName text: String) {
            let t = text.trimmedSpaces
            if let s = Status(rawValue: t.lowercased()) { self = s; return }
            let aliases: [String: Status] = ["在建": .building, "已投运": .inOperation, "投运": .inOperation, "停止": .stopped, "已立项": .approved]
            if let s = Status.allCases.first(where: { $0.chineseName == t }) ?? aliases[t] { self = s; return }
            return nil
        }
    }

    /// The reporter's reference (项目编号), unique in the campaign.
    public var ref: String
    /// The project's name.
    public var name: String
    /// Its domain.
    public var domain: Domain
    /// The region (区县) it is in.
    public var regionCode: String
    /// The operator that carries it, when one does.
    public var `operator`: Operator?
    /// The leading organisation (牵头单位), as written.
    public var leadOrg: String
    /// How far it is.
    public var status: Status
    /// The investment in yuan, when given.
    public var investmentCNY: Double?
    /// Whether it is a demonstration project (示范项目).
    public var demonstration: Bool

    /// A project as recorded.
    public init(ref: String, name: String, domain: Domain, regionCode: String, operator: Operator?, leadOrg: String,
                status: Status, investmentCNY: Double?, demonstration: Bool) {
        self.ref = ref; self.name = name; self.domain = domain; self.regionCode = regionCode; self.operator = `operator`
        self.leadOrg = leadOrg; self.status = status; self.investmentCNY = investmentCNY; self.demonstration = demonstration
    }

    /// The entity name of the project in the log.
    public var entity: String { "application:\(ref)" }

    /// Checks what a form or the API sends: a reference and a name of sensible length, an
    /// investment that is a finite amount ≥ 0. Throws `application_bad_ref`, `application_bad_name`,
    /// `application_bad_lead`, `application_bad_investment`.
    public func validated() throws -> ApplicationProject {
        guard !ref.isEmpty, ref.count <= 64, !ref.contains(where: \.isNewline) else { throw RolloutError("application_bad_ref", ["value": String(ref.prefix(80))]) }
        guard !name.isEmpty, name.count <= 200 else { throw RolloutError("application_bad_name") }
        guard !leadOrg.isEmpty, leadOrg.count <= 200 else { throw RolloutError("application_bad_lead") }
        if let i = investmentCNY, !(i.isFinite && i >= 0 && i <= 1e13) { throw RolloutError("application_bad_investment", ["value": "\(i)"]) }
        return self
    }
}
