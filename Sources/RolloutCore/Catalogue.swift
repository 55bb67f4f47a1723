/// The languages of the pages and messages: Chinese first, English second.
public enum Language: String, Codable, Sendable, CaseIterable {
    case zh, en

    /// Picks the language from an `Accept-Language` header or a `--lang` value; Chinese unless English is preferred.
    public init(preferring header: String?) {
        guard let header = header?.lowercased() else { self = .zh; return }
        var best: (Language, Double)? = nil
        for item in header.split(separator: ",") {
            let parts = item.split(separator: ";")
            let tag = parts.first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
            var q = 1.0
            for p in parts.dropFirst() where p.trimmingCharacters(in: .whitespaces).hasPrefix("q=") {
                q = Double(p.trimmingCharacters(in: .whitespaces).dropFirst(2)) ?? 0
            }
            let lang: Language? = tag.hasPrefix("zh") ? .zh : tag.hasPrefix("en") ? .en : nil
            if let lang, q > (best?.1 ?? -1) { best = (lang, q) }
        }
        self = best?.0 ?? .zh
    }
}

/// Every user-facing sentence of Rollout, in Chinese and English.
///
/// Messages take named arguments written `{name}` in the text.
public enum Catalogue {
    /// The text of a message key in a language, with its arguments filled in.
    public static func text(_ key: String, _ language: Language, _ arguments: [String: String] = [:]) -> String {
        let pair = entries[key] ?? entries["internal"]!
        var s = language == .zh ? pair.zh : pair.en
        for (name, value) in arguments { s = s.replacingOccurrences(of: "{\(name)}", with: value) }
        return s
    }

    /// All keys (for the test that checks both languages are filled).
    public static var keys: [String] { Array(entries.keys) }

    /// The catalogue's parts, one a file; a key in two of them is a test failure.
    static let parts: [[String: (zh: String, en: String)]] = [messages, pageTexts, accessTexts, leverTexts, dispatchTexts, limitTexts,
                                                              forecastTexts, operationsTexts]

    static let entries: [String: (zh: String, en: String)] = parts.reduce(into: [:]) { all, part in all.merge(part) { a, _ in a } }

    static let messages: [String: (zh: String, en: String)] = [
        // Errors: reads
        "bad_as_of": ("as_of 参数“{value}”不是有效的日期或时间（应为 YYYY-MM-DD 或 ISO-8601）",
                      "as_of “{value}” is not a valid date or instant (use YYYY-MM-DD or ISO-8601)"),
        "bad_known_at": ("known_at 参数“{value}”不是有效的日期或时间（应为 YYYY-MM-DD 或 ISO-8601）",
                         "known_at “{value}” is not a valid date or instant (use YYYY-MM-DD or ISO-8601)"),
        "as_of_before_campaign": ("{value} 早于攻坚行动开始时间 {start}，无数据可查",
                                  "{value} is before the campaign started ({start}); there is nothing to show"),
        "as_of_in_future": ("{value} 在未来，无法查询尚未发生的情况（当前时间 {now}）",
                            "{value} is in the future; the platform cannot show what has not happened yet (now: {now})"),
        "unknown_region": ("未知的区县代码“{value}”", "unknown region code “{value}”"),
        "unknown_operator": ("未知的运营商“{value}”（应为 cmcc、ctcc、cucc、cbn、tower 或 移动/电信/联通/广电/铁塔）",
                             "unknown operator “{value}” (use cmcc, ctcc, cucc, cbn, tower or 移动/电信/联通/广电/铁塔)"),
        "unknown_stage": ("未知的进度节点“{value}”", "unknown stage “{value}”"),
        "unknown_site": ("运营商 {operator} 没有站址编码为“{value}”的站点", "operator {operator} has no site with code “{value}”"),
        "bad_json_body": ("请求体不是有效的 JSON", "the request body is not valid JSON"),
        "bad_form_body": ("表单内容无效", "the form could not be read"),
        "unknown_category": ("未知的问题类别“{value}”", "unknown obstacle category “{value}”"),
        "bad_status": ("未知的状态“{value}”（可选：open、escalated、resolved、all）", "unknown status “{value}” (use open, escalated, resolved or all)"),
        "bad_page": ("分页参数“{value}”无效（应为正整数）", "paging value “{value}” is not valid (use a positive whole number)"),
        "bad_format": ("未知的导出格式“{value}”（应为 csv、xlsx 或 json）", "unknown export format “{value}” (use csv, xlsx or json)"),
        "not_found": ("找不到该地址：{value}", "nothing at this address: {value}"),
        // Errors: database
        "no_campaign": ("数据库中还没有攻坚行动：请先运行 `rollout init`（或 `rollout demo`，它会自动创建演示行动）",
                        "the database holds no campaign yet: run `rollout init` first (or `rollout demo`, which creates the demo campaign)"),
        "campaign_exists": ("数据库中已有攻坚行动“{value}”，不能再次初始化", "the database already holds the campaign “{value}”; it cannot be initialised again"),
        "database_unreachable": ("无法连接数据库 {value}：{reason}", "cannot reach the database {value}: {reason}"),
        "bad_database_url": ("数据库地址“{value}”无效（应为 sqlite:路径 或 postgres://用户:密码@主机:端口/库名）",
                             "database URL “{value}” is not valid (use sqlite:PATH or postgres://USER:PASS@HOST:PORT/DB)"),
        "schema_too_new": ("该数据库由更新版本的 Rollout 创建（结构版本 {found}，本程序只认识到 {known}）；请升级 Rollout，数据库未作任何改动",
                           "this database was made by a newer Rollout (schema version {found}; this program knows up to {known}); upgrade Rollout. Nothing was changed"),
        "schema_not_migrated": ("数据库结构版本 {found} 低于本程序所需的 {known}：请运行 `rollout migrate`",
                                "the database schema (version {found}) is older than this program needs ({known}): run `rollout migrate`"),
        "log_is_append_only": ("事件日志只能追加，不能修改或删除", "the event log is append-only: events cannot be changed or deleted"),
        "verify_bad_moments": ("--moments 须为 0 到 366，“{value}”不是", "--moments must be 0 to 366; “{value}” is not"),
        "verify_integrity": ("数据库自检：{value}", "the engine's integrity check: {value}"),
        "verify_not_run": ("未运行（PostgreSQL 自行校验数据页）", "not run (PostgreSQL checks its own pages)"),
        "verify_triggers_ok": ("日志与简报只增不改的触发器：齐全", "the triggers that keep the log and the bulletins append-only: all present"),
        "verify_triggers_missing": ("缺少保证只增不改的触发器：{value}", "missing append-only triggers: {value}"),
        "verify_moment_ok": ("{moment}：投影与日志重算（{events} 条事件）一致", "{moment}: the projections equal the log folded again ({events} events)"),
        "verify_moment_differs": ("{moment}：{count} 个计数与日志重算不符，例如 {value}（可运行 rollout rebuild 重建）",
                                  "{moment}: {count} counters differ from the log folded again, e.g. {value} (rollout rebuild derives them again)"),
        "verify_clean": ("检查完毕，未发现问题", "checked: nothing wrong found"),
        "verify_problems": ("检查完毕，发现问题（见上）", "checked: problems found (above)"),
        "database_not_ready": ("数据库暂时无法应答，本实例尚未就绪", "the database does not answer: this instance is not ready"),
        "database_error": ("数据库操作失败：{reason}", "the database operation failed: {reason}"),
        // Errors: log rules
        "site_exists": ("运营商 {operator} 的站址编码“{value}”已存在", "operator {operator} already has a site with code “{value}”"),
        "rollback_needs_reason": ("回退到“{value}”必须填写回退原因", "moving back to “{value}” needs a rollback reason"),
        "stage_backwards": ("站点已处于“{current}”，不能退回“{value}”（退回须填写回退原因）",
                            "the site is already at “{current}” and cannot move back to “{value}” (a move back needs a rollback reason)"),
        "obstacle_exists": ("问题编号“{value}”已存在", "obstacle reference “{value}” already exists"),
        "unknown_obstacle": ("找不到问题编号“{value}”", "no obstacle with reference “{value}”"),
        "obstacle_already_resolved": ("问题“{value}”已解决", "the obstacle “{value}” is already resolved"),
        "obstacle_already_escalated": ("问题“{value}”已上报市级", "the obstacle “{value}” has already been escalated to the city"),
        "escalation_too_long": ("上报说明不能超过 {value} 个字符", "the reason for the escalation must not exceed {value} characters"),
        "resolved_before_opened": ("解决时间不能早于提出时间", "an obstacle cannot be resolved before it was opened"),
        "bad_target": ("目标站数必须是不小于 0 的整数", "a target must be a whole number of at least 0"),
        "occurred_in_future": ("发生时间 {value} 在未来", "the time {value} is in the future"),
        "bad_campaign_dates": ("截止日期必须晚于开始日期", "the deadline must come after the start"),
        "bad_region_file": ("区县文件第 {row} 行有误：{reason}", "the regions file is wrong on row {row}: {reason}"),
        "bad_boundaries_file": ("边界文件有误：{reason}", "the boundaries file is wrong: {reason}"),
        "bad_date": ("“{value}”不是有效日期（应为 YYYY-MM-DD）", "“{value}” is not a valid date (use YYYY-MM-DD)"),
        "bad_scale": ("--scale 必须是 1 到 1000 之间的整数", "--scale must be a whole number from 1 to 1000"),
        "demo_as_of_range": ("--as-of 必须在 {start} 与 {end} 之间", "--as-of must lie between {start} and {end}"),
        "internal": ("内部错误，请联系管理员（{value}）", "internal error; please tell the administrator ({value})"),
        // CLI and server words
        "demo_ready": ("演示行动“{name}”已就绪：{sites} 个站点，{events} 条事件（时钟：{clock}）",
                       "demo campaign “{name}” is ready: {sites} sites, {events} events (clock: {clock})"),
        "demo_exists": ("数据库中已有演示行动，直接使用（删除 {path} 可重新生成）",
                        "the database already holds the campaign; using it (delete {path} to generate it again)"),
        "serving": ("仪表盘和 API 已启动：{url}", "dashboard and API serving at {url}"),
        "migrated": ("数据库结构已是版本 {value}", "database schema is at version {value}"),
        "initialised": ("攻坚行动“{value}”已创建", "campaign “{value}” created"),
        "rebuilt": ("投影已从 {value} 条事件重建", "projections rebuilt from {value} events"),
        "error_prefix": ("错误：", "error: "),
        "unknown_export_kind": ("未知的导出类型“{value}”（可选：regions、sites、obstacles、events）", "unknown export kind “{value}” (use regions, sites, obstacles or events)"),
        "xlsx_needs_output": ("XLSX 是二进制文件：请用 -o 文件名 写入文件", "XLSX is a binary file: write it to a file with -o FILE"),
        "written_to": ("已写入 {value}", "written to {value}"),
        "demo_variant": ("变体 {variant}：5 月 10 日至 31 日停滞的区县 {stalling}；后程集中建设的区县 {surging}",
                         "variant {variant}: regions stalling from 10 to 31 May {stalling}; regions building late {surging}"),
        "demo_timing": ("生成耗时 {seconds} 秒，峰值内存 {memory} MB", "generated in {seconds} s, peak memory {memory} MB"),
        "file_unwritable": ("无法写入文件 {value}", "cannot write the file {value}"),
        "file_unreadable": ("无法读取文件 {value}", "cannot read the file {value}"),
        // Import errors (row, column and code are given beside the message)
        "import.empty_file": ("文件为空", "the file is empty"),
        "import.unreadable": ("无法读取上传的文件", "the file cannot be read"),
        "import.not_xlsx": ("文件不是有效的 CSV 表格或 Excel（.xlsx）工作簿", "the file is neither a CSV table nor an Excel (.xlsx) workbook"),
        "import.nul_byte": ("第 {row} 行含有空字节（NUL），文件可能不是文本表格", "row {row} holds a NUL byte: the file may not be a text table"),
        "import.bad_quoting": ("第 {row} 行的引号不成对或位置不对", "row {row} has unbalanced or misplaced quotes"),
        "import.mixed_encoding": ("文件编码不一致：部分内容既不是 UTF-8 也不是 GBK/GB18030", "the file mixes encodings: some bytes are neither UTF-8 nor GBK/GB18030"),
        "import.no_rows": ("文件只有表头，没有数据行", "the file has a header but no data rows"),
        "import.unknown_column": ("未知的列“{value}”（请检查拼写；不认识的列不会被忽略）", "unknown column “{value}” (check the spelling: unknown columns are not ignored)"),
        "import.duplicate_column": ("列“{value}”出现了两次", "the column “{value}” appears twice"),
        "import.empty_header": ("表头中有空白列名", "a column of the header has no name"),
        "import.missing_column": ("缺少必填列 {value}", "the required column {value} is missing"),
        "import.too_many_cells": ("本行的单元格比表头多（{value} 个）", "the row has more cells than the header ({value})"),
        "import.required": ("必填项为空", "this cell is required"),
        "import.too_long": ("长度须为 1 到 {value} 个字符", "must be 1 to {value} characters long"),
        "import.bad_operator": ("未知的运营商“{value}”（应为 cmcc/ctcc/cucc/cbn/tower 或 移动/电信/联通/广电/铁塔）", "unknown operator “{value}” (use cmcc/ctcc/cucc/cbn/tower or 移动/电信/联通/广电/铁塔)"),
        "import.unknown_region": ("区县代码“{value}”不属于本次攻坚行动", "region code “{value}” is not a region of the campaign"),
        "import.bad_number": ("“{value}”不是数字", "“{value}” is not a number"),
        "import.bad_coordinate": ("坐标“{value}”超出范围（纬度 -90~90，经度 -180~180）", "coordinate “{value}” is out of range (lat -90..90, lon -180..180)"),
        "import.outside_region": ("坐标（{lat}, {lon}）不在 {region} 境内", "the point ({lat}, {lon}) lies outside {region}"),
        "import.lat_lon_swapped": ("坐标（{lat}, {lon}）不在 {region} 境内；纬度和经度可能填反了", "the point ({lat}, {lon}) lies outside {region}; latitude and longitude may be swapped"),
        "import.bad_kind": ("未知的站型“{value}”（应为 macro/micro/indoor/pole 或 宏站/微站/室分/杆站）", "unknown site kind “{value}” (use macro/micro/indoor/pole or 宏站/微站/室分/杆站)"),
        "import.bad_host": ("未知的承载类型“{value}”", "unknown host “{value}”"),
        "import.bad_resource_kind": ("未知的资源类型“{value}”（应为 existing_tower/power_tower/street_lamp/traffic_pole/police_pole/rooftop）", "unknown resource kind “{value}” (use existing_tower/power_tower/street_lamp/traffic_pole/police_pole/rooftop)"),
        "import.bad_date": ("“{value}”不是有效日期（应为 YYYY-MM-DD、YYYY/M/D 或带时区的 ISO-8601）", "“{value}” is not a valid date (use YYYY-MM-DD, YYYY/M/D or ISO-8601 with an offset)"),
        "import.in_future": ("时间 {value} 在未来", "the time {value} is in the future"),
        "import.duplicate_in_file": ("“{value}”在本文件第 {first} 行已出现", "“{value}” already appears on row {first} of this file"),
        "import.site_exists": ("站点“{value}”已登记且信息不同（修改站点信息暂不支持）", "the site “{value}” is already registered with other details (changing a site is not supported yet)"),
        "import.unknown_site": ("该运营商没有站址编码为“{value}”的站点（请先导入站点）", "the operator has no site with code “{value}” (import the site first)"),
        "import.unknown_stage": ("未知的进度节点“{value}”", "unknown stage “{value}”"),
        "import.stage_backwards": ("站点在该时间已处于“{current}”，不能退回“{value}”；退回须填写回退原因", "the site was already at “{current}” then and cannot move back to “{value}”; a move back needs a rollback reason"),
        "import.rollback_not_back": ("站点在该时间处于“{current}”，“{value}”不是回退", "the site was at “{current}” then: “{value}” is not a move back"),
        "import.unknown_resource": ("未知的共享资源编号“{value}”", "unknown shared resource “{value}”"),
        "import.ambiguous_resource": ("共享资源编号“{value}”属于多个产权单位", "the shared resource id “{value}” belongs to several owners"),
        "import.resource_exists": ("资源“{value}”已登记且信息不同", "the resource “{value}” is already registered with other details"),
        "import.bad_category": ("未知的问题类别“{value}”", "unknown obstacle category “{value}”"),
        "import.site_or_region": ("须填写站址编码或区县代码之一", "give a site code or a region code"),
        "import.operator_with_site": ("填写站址编码时必须填写运营商", "a site code needs its operator"),
        "import.region_mismatch": ("站点位于 {value}，与所填区县不符", "the site lies in {value}, not in the region given"),
        "import.resolved_needs_ref": ("填写解决时间时必须填写问题编号", "a resolution date needs the obstacle's reference"),
        "import.resolved_before_opened": ("解决时间早于提出时间", "resolved before it was opened"),
        "import.obstacle_exists": ("问题编号“{value}”已用于另一个问题", "the reference “{value}” is already used by another obstacle"),
        "import.bad_target": ("目标站数须为不小于 0 的整数，“{value}”不是", "a target must be a whole number of at least 0; “{value}” is not"),
        "import.reason_required": ("修改已有目标（{old} → {value}）须填写调整原因", "changing an existing target ({old} → {value}) needs a reason"),
        "import.formula_cell": ("单元格含有公式，请粘贴为数值后再导入", "the cell holds a formula: paste it as a value and import again"),
        "import.too_many_errors": ("错误过多，只列出前 {value} 条", "too many errors: only the first {value} are listed"),
        "import.unknown_kind": ("未知的导入类型“{value}”（可选：sites、progress、obstacles、resources、targets）", "unknown import kind “{value}” (use sites, progress, obstacles, resources or targets)"),
        "unknown_import_kind": ("未知的导入类型“{value}”（可选：sites、progress、obstacles、resources、targets）", "unknown import kind “{value}” (use sites, progress, obstacles, resources or targets)"),
        "import_done": ("{kind}：{rows} 行，新增 {applied}，未变 {unchanged}{dry}", "{kind}: {rows} rows, {applied} applied, {unchanged} unchanged{dry}"),
        "import_dry": ("（试运行，未写入）", " (dry run, nothing written)"),
        "import_rejected": ("{kind}：文件被拒绝，未写入任何数据；共 {count} 处错误：", "{kind}: the file was rejected and nothing was written; {count} errors:"),
        "import_error_line": ("第 {row} 行「{column}」{code}：{message}", "row {row}, “{column}”, {code}: {message}"),
    ]
}
