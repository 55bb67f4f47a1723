/// Values a bulk file's cells take, valid and hostile: what a row of each column could hold,
/// from the contract's vocabulary and from what breaks parsers (extreme dates and numbers,
/// formulas, control characters, long text, mixed scripts).
enum CellGrammar {
    static let operators = ["cmcc", "ctcc", "cucc", "cbn", "tower", "移动", "电信", "联通", "广电", "铁塔", "att", ""]
    static let stages = ["planned", "site_secured", "designed", "civil_done", "power_ready", "transmission_ready", "installed",
                         "on_air", "accepted", "开通", "规划", "设计完成", "launched"]
    static let regions = ["500101", "500103", "500105", "500000", "999999", "500101 ", ""]
    static let kinds = ["macro", "micro", "indoor", "pole", "宏站", "杆站", "tower"]
    static let hosts = ["new_tower", "existing_tower", "power_tower", "street_lamp", "rooftop", "indoor_system", "moon"]
    static let categories = ["access", "power", "permit", "siting", "complaint", "rent", "transmission", "equipment", "safety", "other", "x"]
    static let dates = ["2020-05-01", "2020/5/2", "2020-06-15T10:00:00+08:00", "2020-02-30", "0001-01-01", "1900-01-01", "1999-12-31",
                        "2009-12-31", "9999-12-31", "2099-05-01", "2020-13-01", "43952", "43952.5", "-1", "2020-05-01T25:00:00",
                        "2020-05-01T10:00:00Z", "2020-05-01T10:00:00+14:00", "", "今天"]
    static let months = ["2020-04", "2020/5", "2020年6月", "2020-13", "1899-12", "2999-01", "04-2020", "2020-4-1"]
    static let numbers = ["30.81", "108.376", "29.557", "106.577", "-91", "181", "NaN", "inf", "1e309", "-0", "0x1F", "1,5", "",
                          "99999999999999999999", "3.4028236e38", "10", "0", "-5", "2.5"]
    static let hostile = ["=1+1", "+cmd|' /C calc'!A0", "@SUM(A1)", "-2+3", "<script>alert(1)</script>", "\u{202E}evil", "a\u{0}b",
                          "\u{FEFF}", "👍🏽", "\u{1}", "\"", "\"\"", ",", "\r", "\n", "\r\n", "\t", " ", "'", "\\", "%s%n", "../../etc/passwd",
                          String(repeating: "长", count: 300), String(repeating: "x", count: 70)]

    /// A value for a column of a kind.
    static func value(_ column: ImportKind.Column, _ r: inout FuzzRandom) -> String {
        if r.chance(0.08) { return r.pick(hostile) }
        if column.code == "month" { return r.pick(months + dates) }
        if column.isDate { return r.pick(dates) }
        switch column.code {
        case "operator": return r.pick(operators)
        case "stage": return r.pick(stages)
        case "region_code": return r.pick(regions)
        case "kind": return r.pick(kinds + hosts)
        case "host": return r.pick(hosts)
        case "category": return r.pick(categories + ["work_at_height", "fire", "高处作业", "documents"])
        case "lat", "lon", "height_m", "target", "subscribers_5g", "traffic_tb", "investment_cny", "planned_cny", "actual_cny": return r.pick(numbers)
        case "year": return r.pick(["2020", "2021", "2022", "2019", "2023", "20.5", "二〇二〇", ""])
        case "moved_from": return r.pick(["", "2020-06-30", "2021-12-31", "2020-02-30", "x"])
        case "domain": return r.pick(["health", "industrial_internet", "车联网", "AR/VR", "4K/8K", "space", ""])
        case "status": return r.pick(["proposed", "building", "in_operation", "运营中", "stopped", "done", ""])
        case "demonstration": return r.pick(["是", "否", "yes", "1", "maybe", ""])
        case "measure": return r.pick(["", "sites", "subscribers_5g", "5G用户数", "users"])
        case "severity": return r.pick(["general", "major", "重大", "一般隐患", "fatal", ""])
        case "site_code", "resource_id", "ref", "project_ref", "inspection_ref": return r.pick(["WZ-001", "YZ-1", "S\(r.below(50))", "", "WZ-001 ", "wz-001"])
        default: return r.pick(["站", "note", "万州\"江南\",一号站", "", "返工", "重庆智慧杆塔示例公司"])
        }
    }

    /// A row that passes every check (on a campaign of the bundled Chongqing regions), so that
    /// runs reach the writing path too; nil for kinds whose rows need stored records first.
    static func validRow(_ kind: ImportKind, _ r: inout FuzzRandom) -> [String]? {
        let n = r.below(1000)
        switch kind {
        case .sites:
            return ["F\(n)", r.pick(["cmcc", "ctcc", "移动"]), "500103", "站\(n)", "29.557", "106.577", r.pick(["macro", "杆站"]),
                    "n41", "rooftop", "", "2020-06-30"]
        case .obstacles:
            return ["", "", "500103", r.pick(["power", "access"]), "描述\(n)", "2020-05-01", "R\(n)", ""]
        case .resources:
            return ["P\(n)", "owner", "street_lamp", "500103", "29.557", "106.577", "8"]
        case .targets:
            return ["500103", r.pick(["", "cmcc"]), "\(n)", "2020-06-30", "", "", r.pick(["", "subscribers_5g"]), ""]
        case .investments:
            return [r.pick(["2020", "2021"]), "500103", r.pick(["cmcc", "电信"]), r.pick(["", "\(n)000000"]), "\(n)00000"]
        case .subscribers:
            return [r.pick(["2020-04", "2020-05"]), r.pick(["cmcc", "联通"]), "500103", "\(n)", r.pick(["", "12.5"])]
        case .applications:
            return ["A\(n)", "项目\(n)", r.pick(["health", "车联网"]), "500103", r.pick(["", "cmcc"]), "重庆某医院",
                    r.pick(["building", "运营中"]), r.pick(["", "1000000"]), r.pick(["是", ""]), ""]
        case .inspections:
            return ["I\(n)", "2020-05-01", "", "", "500103", r.pick(["", "某施工公司"]), "区安监站", r.pick(["fire", "高处作业"]),
                    r.pick(["general", "一般"]), "描述\(n)", "2020-05-20", ""]
        case .progress:
            return nil
        }
    }

    /// A header cell for a column: its English or Chinese name, sometimes mangled.
    static func header(_ column: ImportKind.Column, _ r: inout FuzzRandom) -> String {
        switch r.below(10) {
        case 0: return column.chinese
        case 1: return column.code.uppercased()
        case 2: return " " + column.code + " "
        case 3 where r.chance(0.3): return column.code + "x"
        default: return column.code
        }
    }
}
