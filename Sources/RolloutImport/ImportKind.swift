/// The bulk files of the operators' contract and their columns.
public enum ImportKind: String, CaseIterable, Sendable {
    case sites, progress, obstacles, resources, targets, subscribers, applications, inspections, investments

    /// Whether its rows give a point that must lie inside its region (a `lat` column, which
    /// ``RowReader/point(in:)`` reads): only then are the regions' outlines read for the import.
    /// On PostgreSQL, reading them for every weekly progress file was 4 % of the statements' time
    /// of `bench import --shape operators`.
    public var locatesPoints: Bool { columns.contains { $0.code == "lat" } }

    /// A column: its English header, its Chinese header, whether a row must fill it, and whether it holds a date.
    public struct Column: Sendable, Equatable {
        /// The English header, which is also the column's code (`site_code`, `occurred_at`, …).
        public var code: String
        /// The Chinese header, e.g. `站址编码`.
        public var chinese: String
        /// Whether every row must fill it.
        public var required: Bool
        /// Whether it holds a date (a workbook's date cells there are read as dates).
        public var isDate: Bool
    }

    /// The columns of the kind, in the contract's order.
    public var columns: [Column] {
        func c(_ code: String, _ zh: String, _ required: Bool = false, date: Bool = false) -> Column {
            Column(code: code, chinese: zh, required: required, isDate: date)
        }
        switch self {
        case .sites:
            return [c("site_code", "站址编码", true), c("operator", "运营商", true), c("region_code", "区县代码", true),
                    c("name", "站名", true), c("lat", "纬度", true), c("lon", "经度", true), c("kind", "站型", true),
                    c("band", "频段"), c("host", "承载"), c("resource_id", "共享资源编号"),
                    c("planned_on_air", "计划开通日期", date: true), c("tower_site_code", "铁塔站址编码"),
                    c("contractor", "施工单位")]
        case .progress:
            return [c("site_code", "站址编码", true), c("operator", "运营商", true), c("stage", "进度节点", true),
                    c("occurred_at", "完成时间", true, date: true), c("note", "备注"), c("rollback_reason", "回退原因")]
        case .obstacles:
            return [c("site_code", "站址编码"), c("operator", "运营商"), c("region_code", "区县代码"),
                    c("category", "问题类别", true), c("responsible", "责任单位"), c("description", "问题描述", true),
                    c("opened_at", "提出时间", true, date: true), c("ref", "问题编号"), c("resolved_at", "解决时间", date: true)]
        case .resources:
            return [c("resource_id", "资源编号", true), c("owner", "产权单位", true), c("kind", "资源类型", true),
                    c("region_code", "区县代码", true), c("lat", "纬度", true), c("lon", "经度", true), c("height_m", "高度(米)")]
        case .targets:
            return [c("region_code", "区县代码", true), c("operator", "运营商"), c("target", "目标站数", true),
                    c("due", "完成期限", true, date: true), c("key_area", "重点区域"), c("reason", "调整原因"), c("measure", "指标"),
                    c("moved_from", "原期限", date: true)]
        case .investments:
            return [c("year", "年度", true), c("region_code", "区县代码", true), c("operator", "运营商", true),
                    c("planned_cny", "计划投资(元)"), c("actual_cny", "完成投资(元)")]
        case .subscribers:
            return [c("month", "月份", true, date: true), c("operator", "运营商", true), c("region_code", "区县代码", true),
                    c("subscribers_5g", "5G用户数"), c("traffic_tb", "5G流量(TB)")]
        case .applications:
            return [c("project_ref", "项目编号", true), c("name", "项目名称", true), c("domain", "应用领域", true),
                    c("region_code", "区县代码", true), c("operator", "运营商"), c("lead_org", "牵头单位", true),
                    c("status", "项目状态", true), c("investment_cny", "投资额(元)"), c("demonstration", "示范项目"),
                    c("status_date", "状态日期", date: true)]
        case .inspections:
            return [c("inspection_ref", "检查编号", true), c("inspected_at", "检查时间", true, date: true), c("site_code", "站址编码"),
                    c("operator", "运营商"), c("region_code", "区县代码"), c("contractor", "施工单位"), c("inspector", "检查单位", true),
                    c("category", "问题类别", true), c("severity", "严重程度", true), c("finding", "问题描述", true),
                    c("deadline", "整改期限", true, date: true), c("responsible", "整改责任单位")]
        }
    }
}

/// Where each column of a kind stands in a file, from its header row (English or Chinese, any order).
struct HeaderMap {
    /// Column code → index in the row.
    var index: [String: Int] = [:]
    /// Column code → the header as written in the file (for error reports).
    var written: [String: String] = [:]
    var width: Int

    /// Reads the header; every problem with it is reported at once (row 1).
    init(_ header: [String], kind: ImportKind, errors: inout [ImportError]) {
        width = header.count
        let columns = kind.columns
        for (i, raw) in header.enumerated() {
            let name = raw.trimmedSpaces
            let normal = name.lowercased()
            guard let col = columns.first(where: { $0.code == normal || $0.chinese == name
                || $0.chinese.replacingOccurrences(of: "(", with: "（").replacingOccurrences(of: ")", with: "）") == name }) else {
                errors.append(ImportError(row: 1, column: raw, code: name.isEmpty ? "empty_header" : "unknown_column", arguments: ["value": raw]))
                continue
            }
            if index[col.code] != nil {
                errors.append(ImportError(row: 1, column: raw, code: "duplicate_column", arguments: ["value": raw]))
                continue
            }
            index[col.code] = i
            written[col.code] = raw
        }
        for col in columns where col.required && index[col.code] == nil {
            errors.append(ImportError(row: 1, column: col.code, code: "missing_column", arguments: ["value": "\(col.code) / \(col.chinese)"]))
        }
    }

    /// The trimmed cell of a column in a row, or nil when absent or empty.
    func cell(_ code: String, in row: [String]) -> String? {
        guard let i = index[code], i < row.count else { return nil }
        let v = row[i].trimmedFast
        return v.isEmpty ? nil : v
    }

    /// The header of a column as the file wrote it.
    func name(_ code: String) -> String { written[code] ?? code }
}

import Foundation

extension ImportKind {
    /// The column that says whose record a row is about, as the file has it: where a row about
    /// another organisation's record is reported.
    func ownerColumn(_ header: HeaderMap) -> String {
        let candidates: [String] = switch self {
        case .sites, .progress: ["operator"]
        case .obstacles: ["operator", "region_code"]
        case .resources: ["owner"]
        case .targets: ["region_code"]
        case .subscribers: ["operator"]
        case .applications: ["region_code", "operator"]
        case .inspections: ["region_code", "site_code"]
        case .investments: ["operator"]
        }
        return candidates.first { header.index[$0] != nil } ?? ""
    }
}
