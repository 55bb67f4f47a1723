import Foundation
import Hummingbird
import RolloutApplication
import RolloutCore
import RolloutStorage
import RolloutTexts

/// What every page is rendered for: the language and the moment asked for, and the links that
/// keep both when the user moves from page to page.
struct PageContext: Sendable {
    var language: Language
    /// `as_of` and `known_at` as written in the address (nil: now).
    var asOf: String?
    var knownAt: String?
    /// The checked moment.
    var moment: ReadMoment
    var stored: StoredCampaign
    /// Who the page is for, and the form token of their session.
    var principal: Principal?
    var csrf: String?
    /// The page's query as asked (its filters, `as_of`, language), which a table's download keeps.
    var query = ""

    init(request: Request, context: RolloutContext, stored: StoredCampaign, moment: ReadMoment) {
        query = request.uri.query ?? ""
        language = request.language
        asOf = request.query("as_of")
        knownAt = request.query("known_at")
        self.moment = moment
        self.stored = stored
        principal = context.principal
        csrf = context.csrf
    }

    /// A context with no request behind it (a document rendered once, such as a bulletin).
    init(language: Language, stored: StoredCampaign, moment: ReadMoment, asOf: String?, knownAt: String?) {
        self.language = language; self.stored = stored; self.moment = moment; self.asOf = asOf; self.knownAt = knownAt
    }

    /// Whether the page's reads may load site-level records (``Access/mayReadRecords(_:)``): false
    /// for a figures-only account, and for a page without a signed-in account.
    var readsRecords: Bool { principal.map(Access.mayReadRecords) ?? false }

    /// What makes two people's copies of one page differ (the name and the sign-out form in the
    /// header): cached pages are kept apart by it.
    var cacheVariant: String { "\(principal?.account ?? "")|\(csrf ?? "")" }

    /// The hidden field every form of a session carries.
    var csrfField: HTML { "<input type=\"hidden\" name=\"csrf\" value=\"\(csrf ?? "")\">" }

    /// The hidden fields every form carries: the form token and the language.
    var formFields: HTML { "\(csrfField)<input type=\"hidden\" name=\"lang\" value=\"\(language.rawValue)\">" }

    /// A page's text in the page's language.
    func t(_ key: String, _ args: [String: String] = [:]) -> String { Catalogue.text(key, language, args) }

    /// A glossary term's name.
    func name(_ term: some Term) -> String { term.name(language) }

    /// A region's name.
    func name(_ region: Region) -> String { language == .zh ? region.nameZh : region.nameEn }

    /// The day the page shows (the last day before its cut-off).
    var day: String { ShanghaiCalendar.dateString(moment.asOf.before.adding(seconds: -1)) }

    /// A link to a page at the same moment in the same language.
    func link(_ path: String, _ extra: [(String, String)] = [], language other: Language? = nil) -> String {
        var items: [(String, String)] = []
        if let asOf { items.append(("as_of", asOf)) }
        if let knownAt { items.append(("known_at", knownAt)) }
        items.append(("lang", (other ?? language).rawValue))
        items += extra
        let query = items.map { "\(Route.encode($0.0))=\(Route.encode($0.1))" }.joined(separator: "&")
        return path + "?" + query
    }

    /// A percentage with one decimal.
    func percent(_ v: Double?) -> String { v.map { String(format: "%.1f%%", $0 * 100) } ?? "—" }
    /// A number with one decimal (days, scores), or a dash when there is none.
    func decimal(_ v: Double?) -> String { v.map { String(format: "%.1f", $0) } ?? "—" }
}
