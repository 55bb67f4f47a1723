import RolloutCore
import RolloutStorage

/// Checks the rows of an `applications` file: the library of 5G application projects. A row
/// records a project, or a change of it (its status above all), dated by `status_date` or the
/// import's moment; the same record re-sent changes nothing. A file may give a project's history
/// as several rows of the same `project_ref` with different dates.
struct ApplicationsRows: RowChecker {
    private var current: Adoption?
    private var seen: [String: Int] = [:]

    mutating func prepare(_ rows: [(Int, [String])], header: HeaderMap, session: any ImportChecks) async throws {
        if current == nil { current = try await Adoption.recorded(in: session) }
    }

    mutating func check(_ row: inout RowReader) -> [NewEvent] {
        let ref = row.code("project_ref")
        let name = row.longText("name")
        var domain: ApplicationProject.Domain? = nil
        if let d = row.required("domain") {
            domain = ApplicationProject.Domain(codeOrName: d)
            if domain == nil { row.fail("domain", "unknown_domain", ["value": d]) }
        }
        let region = row.region()
        let op = row.operator(required: false)
        let lead = row.longText("lead_org")
        var status: ApplicationProject.Status? = nil
        if let s = row.required("status") {
            status = ApplicationProject.Status(codeOrName: s)
            if status == nil { row.fail("status", "unknown_status", ["value": s]) }
        }
        var investment: Double? = nil
        if let i = row.number("investment_cny", required: false) {
            if i < 0 || i > 1e13 { row.fail("investment_cny", "application_bad_investment", ["value": row.text("investment_cny") ?? ""]) } else { investment = i }
        }
        let demonstration = row.flag("demonstration")
        let date = row.date("status_date", required: false)
        guard row.isValid, let ref, let name, let domain, let region, let lead, let status, let demonstration else { return [] }
        let project = ApplicationProject(ref: ref, name: name, domain: domain, regionCode: region.code, operator: op, leadOrg: lead,
                                         status: status, investmentCNY: investment, demonstration: demonstration)
        let key = "\(ref)|\(date?.seconds ?? -1)"
        if let first = seen[key] {
            row.fail("project_ref", "duplicate_in_file", ["value": ref, "first": "\(first)"])
            return []
        }
        seen[key] = row.number
        let standing = current?.projects[ref]
        // An account may not take over a project another organisation keeps.
        if let p = row.context.principal, let standing, !Access.mayRecord(.applicationRecorded(standing.project), p) {
            row.fail(op == nil ? "region_code" : "operator", "not_yours", ["value": p.account])
            return []
        }
        if date == nil, standing?.project == project { return [] }
        return [row.event(.applicationRecorded(project), at: date)]
    }
}

extension RowReader {
    /// Required free text of at most 200 characters on one line.
    mutating func longText(_ column: String) -> String? {
        guard let v = required(column) else { return nil }
        guard v.count <= 200, !v.contains(where: \.isNewline) else { fail(column, "too_long", ["value": "200"]); return nil }
        return v
    }

    /// A yes/no cell (是/否, yes/no, true/false, y/n, 1/0); empty means no; nil after an error.
    mutating func flag(_ column: String) -> Bool? {
        guard let v = text(column) else { return false }
        switch v.lowercased() {
        case "是", "yes", "y", "true", "1", "√", "✓": return true
        case "否", "no", "n", "false", "0": return false
        default: fail(column, "bad_flag", ["value": v]); return nil
        }
    }
}

extension Adoption {
    /// Everything recorded so far (this import's earlier chunks too), whatever its dates: what a
    /// row is compared with to tell a change from a row re-sent.
    static func recorded(in session: any ImportChecks) async throws -> Adoption {
        Adoption(try await session.loggedEvents(kinds: Adoption.kinds), at: ReadMoment(asOf: Cutoff(before: Instant(seconds: .max))))
    }
}
