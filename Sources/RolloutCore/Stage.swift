/// The nine stages a 5G site passes through, in the order they happen in the field.
///
/// A site counts as built (建成) from ``onAir`` on. Stages only move forward, except by an
/// explicit rollback that carries a reason.
public enum Stage: String, CaseIterable, Codable, Sendable, Comparable {
    /// On the plan (规划): registered, nothing done yet.
    case planned
    /// The location is secured (选址落实).
    case siteSecured = "site_secured"
    /// The design is done (设计完成).
    case designed
    /// The civil works or the tower mast are done (土建/塔桅完成).
    case civilDone = "civil_done"
    /// Mains power is brought in (电力引入).
    case powerReady = "power_ready"
    /// Transmission is in place (传输到位).
    case transmissionReady = "transmission_ready"
    /// The equipment is installed (设备安装).
    case installed
    /// On air (开通): from here on the site counts as built.
    case onAir = "on_air"
    /// Accepted into the network (验收入网).
    case accepted

    /// The position of the stage in the build order, from 0 (`planned`).
    public var rank: Int { Stage.allCases.firstIndex(of: self)! }

    /// Whether a site at this stage counts as built (建成).
    public var isBuilt: Bool { self >= .onAir }

    /// The Chinese name used in the operators' spreadsheets.
    public var chineseName: String {
        switch self {
        case .planned: "规划"
        case .siteSecured: "选址落实"
        case .designed: "设计完成"
        case .civilDone: "土建/塔桅完成"
        case .powerReady: "电力引入"
        case .transmissionReady: "传输到位"
        case .installed: "设备安装"
        case .onAir: "开通"
        case .accepted: "验收入网"
        }
    }

    /// Orders stages by their place in the build order.
    public static func < (lhs: Stage, rhs: Stage) -> Bool { lhs.rank < rhs.rank }

    /// Reads a stage written as its code or its Chinese name.
    public init?(codeOrName text: String) {
        let t = text.trimmedSpaces
        if let s = Stage(rawValue: t) { self = s; return }
        if let s = Stage.allCases.first(where: { $0.chineseName == t }) { self = s; return }
        if t == "土建完成" || t == "塔桅完成" { self = .civilDone; return }
        return nil
    }
}
