/// A finding of a safety inspection (安全生产检查发现的问题) on a site or on a contractor's work in a
/// region: what is wrong, how grave, who must fix it and by when (限时整改). A major finding stops
/// work on its site (停工) from the inspection until a re-inspection (回头看) accepts the fix.
public struct SafetyFinding: Hashable, Codable, Sendable {
    /// What kind of hazard it is.
    public enum Category: String, CaseIterable, Codable, Sendable {
        case workAtHeight = "work_at_height"
        case electrical, fire
        case towerFoundation = "tower_foundation"
        case traffic, management, documents, other

        /// The Chinese name, as files and pages write it.
        public var chineseName: String {
            switch self {
            case .workAtHeight: "高处作业"
            case .electrical: "用电安全"
            case .fire: "消防安全"
            case .towerFoundation: "铁塔基础"
            case .traffic: "交通安全"
            case .management: "安全管理"
            case .documents: "资料台账"
            case .other: "其他"
            }
        }

        /// The English name.
        public var englishName: String {
            switch self {
            case .workAtHeight: "Work at height"
            case .electrical: "Electrical"
            case .fire: "Fire"
            case .towerFoundation: "Tower foundation"
            case .traffic: "Traffic"
            case .management: "Management"
            case .documents: "Documents"
            case .other: "Other"
            }
        }

        /// Reads a code or a Chinese name (also 高空作业, 用电, 消防, 基础, 交通, 管理, 资料).
        public init?(codeOrName text: String) {
            let t = text.trimmedSpaces
            let aliases: [String: Category] = ["高空作业": .workAtHeight, "用电": .electrical, "消防": .fire, "基础": .towerFoundation,
                                               "交通": .traffic, "管理": .management, "资料": .documents]
            guard let c = Category(rawValue: t.lowercased()) ?? Category.allCases.first(where: { $0.chineseName == t }) ?? aliases[t] else { return nil }
            self = c
        }
    }

    /// How grave it is: a major finding stops work on its site.
    public enum Severity: String, CaseIterable, Codable, Sendable {
        case general, major

        /// The Chinese name.
        public var chineseName: String { self == .general ? "一般" : "重大" }

        /// Reads a code or a Chinese name (also 一般隐患, 重大隐患).
        public init?(codeOrName text: String) {
            let t = text.trimmedSpaces
            if let s = Severity(rawValue: t.lowercased()) { self = s; return }
            if t.hasPrefix("一般") { self = .general; return }
            if t.hasPrefix("重大") { self = .major; return }
            return nil
        }
    }

    /// The finding's reference: the inspection's, and which of its findings.
    public var ref: String
    /// The inspector's reference of the inspection (检查编号).
    public var inspectionRef: String
    /// The site inspected; nil for a contractor's work in a whole region.
    public var site: SiteKey?
    /// The region.
    public var regionCode: String
    /// The contractor whose work it is (施工单位), as written.
    public var contractor: String?
    /// Who inspected (检查单位/人).
    public var inspector: String
    /// The hazard's kind.
    public var category: Category
    /// How grave.
    public var severity: Severity
    /// What the inspector found (问题描述).
    public var text: String
    /// The organisation that must fix it and report the fix: an operator's code (a site's finding:
    /// its operator unless said otherwise) or a region's code.
    public var responsible: String
    /// The deadline of the fix (整改期限).
    public var deadline: Instant

    /// A finding as recorded.
    public init(ref: String, inspectionRef: String, site: SiteKey?, regionCode: String, contractor: String?, inspector: String,
                category: Category, severity: Severity, text: String, responsible: String, deadline: Instant) {
        self.ref = ref; self.inspectionRef = inspectionRef; self.site = site; self.regionCode = regionCode; self.contractor = contractor
        self.inspector = inspector; self.category = category; self.severity = severity; self.text = text
        self.responsible = responsible; self.deadline = deadline
    }

    /// The entity name of the finding in the log.
    public var entity: String { SafetyFinding.entity(ref) }

    /// The entity name of a finding.
    public static func entity(_ ref: String) -> String { "finding:\(ref)" }

    /// A step after the finding: the fix reported by the responsible organisation, then the
    /// re-inspection's verdict.
    public enum Step: Hashable, Codable, Sendable {
        /// The responsible organisation says it fixed it (整改完成), with what it did.
        case rectified(note: String)
        /// A re-inspection accepts the fix: the finding is closed (and a stop-work lifted).
        case accepted(note: String)
        /// A re-inspection finds it not fixed: open again, with a new deadline.
        case reopened(note: String, deadline: Instant)
        /// The platform escalated the finding to the city: the deadline in force ran out with the
        /// fix not reported (逾期未整改). Only the platform's sweep takes it, once per deadline.
        case escalated(deadline: Instant)

        /// The stable name of the step's event kind.
        public var kind: String {
            switch self {
            case .rectified: "safety.rectified"
            case .accepted: "safety.accepted"
            case .reopened: "safety.reopened"
            case .escalated: "safety.escalated"
            }
        }
    }
}
