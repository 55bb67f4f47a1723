import Foundation

/// The operators and China Tower, by the codes of the brief's glossary.
public enum Operator: String, CaseIterable, Codable, Sendable, Comparable {
    case cmcc, ctcc, cucc, cbn, tower

    /// The full Chinese name, as on the dashboard.
    public var chineseName: String {
        switch self {
        case .cmcc: "中国移动"
        case .ctcc: "中国电信"
        case .cucc: "中国联通"
        case .cbn: "中国广电"
        case .tower: "中国铁塔"
        }
    }

    /// The short Chinese name operators write in their files.
    public var shortChineseName: String {
        switch self {
        case .cmcc: "移动"
        case .ctcc: "电信"
        case .cucc: "联通"
        case .cbn: "广电"
        case .tower: "铁塔"
        }
    }

    /// The English name.
    public var englishName: String {
        switch self {
        case .cmcc: "China Mobile"
        case .ctcc: "China Telecom"
        case .cucc: "China Unicom"
        case .cbn: "China Broadnet"
        case .tower: "China Tower"
        }
    }

    /// The operators that carry a share of a build target (China Tower builds for them).
    public static let network: [Operator] = [.cmcc, .ctcc, .cucc, .cbn]

    /// Orders operators as they are listed: cmcc, ctcc, cucc, cbn, then China Tower.
    public static func < (lhs: Operator, rhs: Operator) -> Bool { lhs.rank < rhs.rank }

    /// The position in the listing order (sorting tens of thousands of sites compares it often).
    private var rank: Int {
        switch self {
        case .cmcc: 0
        case .ctcc: 1
        case .cucc: 2
        case .cbn: 3
        case .tower: 4
        }
    }

    /// Reads an operator written as its code, its short or its full Chinese name.
    public init?(codeOrName text: String) {
        let t = text.trimmedSpaces
        if let o = Operator(rawValue: t.lowercased()) { self = o; return }
        if let o = Operator.allCases.first(where: { $0.shortChineseName == t || $0.chineseName == t }) {
            self = o; return
        }
        return nil
    }
}

/// The kind of a site (站型).
public enum SiteKind: String, CaseIterable, Codable, Sendable {
    case macro, micro, indoor, pole

    /// The Chinese name.
    public var chineseName: String {
        switch self {
        case .macro: "宏站"
        case .micro: "微站"
        case .indoor: "室分"
        case .pole: "杆站"
        }
    }

    /// Reads a kind written as its code or its Chinese name.
    public init?(codeOrName text: String) {
        let t = text.trimmedSpaces
        if let k = SiteKind(rawValue: t.lowercased()) { self = k; return }
        if let k = SiteKind.allCases.first(where: { $0.chineseName == t }) { self = k; return }
        return nil
    }
}

/// What carries a site's antennas (承载).
public enum Host: String, CaseIterable, Codable, Sendable {
    /// A tower built for the site (新建铁塔): the one host that is not shared.
    case newTower = "new_tower"
    /// An existing tower (存量铁塔).
    case existingTower = "existing_tower"
    /// A power-grid pylon (电力塔).
    case powerTower = "power_tower"
    /// A street-lamp pole (路灯杆).
    case streetLamp = "street_lamp"
    /// A traffic pole (交通杆).
    case trafficPole = "traffic_pole"
    /// A police surveillance-camera pole (公安监控杆).
    case policePole = "police_pole"
    /// A building's roof (楼顶).
    case rooftop
    /// An indoor system inside a building (室内).
    case indoorSystem = "indoor_system"

    /// The Chinese name.
    public var chineseName: String {
        switch self {
        case .newTower: "新建铁塔"
        case .existingTower: "存量铁塔"
        case .powerTower: "电力塔"
        case .streetLamp: "路灯杆"
        case .trafficPole: "交通杆"
        case .policePole: "公安监控杆"
        case .rooftop: "楼顶"
        case .indoorSystem: "室内"
        }
    }

    /// Whether the site reuses infrastructure instead of a new tower (counts for the sharing rate, 共享率).
    public var isShared: Bool { self != .newTower }
}

/// The categories of an obstacle (困难/问题).
public enum ObstacleCategory: String, CaseIterable, Codable, Sendable {
    case access, power, permit, siting, complaint, rent, transmission, equipment, safety, other

    /// The Chinese name.
    public var chineseName: String {
        switch self {
        case .access: "进场受阻"
        case .power: "电力引入"
        case .permit: "审批"
        case .siting: "选址难"
        case .complaint: "居民投诉"
        case .rent: "租金/费用"
        case .transmission: "传输/光缆"
        case .equipment: "设备供货"
        case .safety: "安全"
        case .other: "其他"
        }
    }

    /// Reads a category written as its code or its Chinese name.
    public init?(codeOrName text: String) {
        let t = text.trimmedSpaces
        if let c = ObstacleCategory(rawValue: t.lowercased()) { self = c; return }
        if let c = ObstacleCategory.allCases.first(where: { $0.chineseName == t }) { self = c; return }
        let aliases: [String: ObstacleCategory] = [
            "物业业主阻挠": .access, "进场受阻/物业业主阻挠": .access, "电磁辐射顾虑": .complaint,
            "居民投诉(电磁辐射顾虑)": .complaint, "租金": .rent, "费用": .rent, "传输": .transmission,
            "光缆": .transmission,
        ]
        if let c = aliases[t] { self = c; return }
        return nil
    }
}
