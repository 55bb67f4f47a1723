/// The nine stages a 5G site passes through, in the order they happen in the field.
///
/// A site counts as built (建成) from ``onAir`` on. Stages only move forward, except by an
/// explicit rollback that carries a reason.
public enum Stage: String, CaseIterable, Codable, Sendable, Comparable {
    case planned
    case siteSecured = "site_secured"
    case designed
    case civilDone = "civil_done"
    case powerReady = "power_ready"
    case transmissionReady = "transmission_ready"
    case installed
    case onAir = "on_air"
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
