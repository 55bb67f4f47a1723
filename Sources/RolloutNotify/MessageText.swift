import Foundation
import RolloutCore
import RolloutStorage
import RolloutTexts

/// What a message says, in its subscription's language: a title and a line per event, each with
/// the address of the page that shows it. The robots' formats and e-mail are made from it.
public struct MessageText: Sendable, Equatable {
    /// One event's line and the page it links to.
    public struct Line: Sendable, Equatable {
        /// The sentence.
        public var text: String
        /// The page's full address.
        public var link: String
        /// The event's number in the log.
        public var seq: Int64
        /// The topic, as its code.
        public var topic: String
    }

    /// The title (a digest's names its day).
    public var title: String
    /// An introduction (a digest's count), or empty.
    public var intro: String
    /// The lines, oldest first.
    public var lines: [Line]
    /// The stable id receivers can drop repeats by.
    public var messageId: String
    /// The language written in.
    public var language: Language

    /// The text of a message for a subscription; `regions` names the districts, `baseURL` is the
    /// platform's public address (no trailing slash).
    public init(_ message: OutboxMessage, language: Language, regions: [String: Region], baseURL: String) {
        self.language = language
        messageId = message.messageId
        let base = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        if let day = message.digestDay {
            let date = ShanghaiCalendar.dateString(day)
            title = Catalogue.text("notify_digest_title", language, ["value": date])
            intro = Catalogue.text("notify_digest_intro", language, ["value": date, "count": String(message.facts.count)])
        } else {
            title = Catalogue.text("notify_title", language)
            intro = ""
        }
        lines = message.facts.map { fact in
            Line(text: MessageText.sentence(fact, language: language, regions: regions), link: base + MessageText.path(of: fact),
                 seq: fact.seq, topic: fact.topic.rawValue)
        }
    }

    /// The sentence of one event.
    public static func sentence(_ f: NotificationFact, language: Language, regions: [String: Region]) -> String {
        let region = f.region.map { regions[$0]?.name(language) ?? $0 }
        let op = f.operator.map { language == .zh ? $0.chineseName : $0.englishName }
        let place = [region, op].compactMap { $0 }.joined(separator: " · ")
        let category = f.category.map { language == .zh ? $0.chineseName : $0.rawValue } ?? ""
        let unitName = f.unit.map { Dispatch.unitName($0, language) } ?? ""
        var org = f.org ?? ""
        if f.topic == .missedReports {
            org = region ?? op ?? org
        }
        if f.topic == .safetyOverdue {
            // The organisation responsible for the fix: an operator's code or a region's.
            org = Operator(rawValue: org).map { language == .zh ? $0.chineseName : $0.englishName } ?? regions[org]?.name(language) ?? org
        }
        let arguments: [String: String] = [
            "place": place.isEmpty ? Catalogue.text("notify_city", language) : place,
            "ref": f.ref ?? "", "category": category, "detail": f.detail ?? "", "owner": f.owner ?? "",
            "site": f.site?.code ?? "", "org": org,
            "unit": f.topic == .clockRanOut ? (f.unit.map { _ in Catalogue.text("notify_unit_suffix", language, ["value": unitName]) } ?? "") : unitName,
        ]
        return Catalogue.text("notify_\(f.topic.rawValue)", language, arguments).trimmingCharacters(in: .whitespaces)
    }

    /// The page of an event, as a path.
    public static func path(of f: NotificationFact) -> String {
        switch f.topic {
        case .escalation, .clockRanOut, .dispatched, .obstacleOpened:
            return "/obstacles/\(segment(f.org ?? ""))/\(segment(f.ref ?? ""))"
        case .rejection: return "/sharing"
        case .missedReports: return "/reporting"
        case .bulletin: return "/bulletins"
        case .supervision: return "/supervision"
        case .safetyMajor, .safetyOverdue: return "/safety"
        }
    }

    private static func segment(_ s: String) -> String {
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "/?#%")
        return s.addingPercentEncoding(withAllowedCharacters: allowed) ?? s
    }

    /// The message as plain text: title, intro, each line with its link, and the id.
    public var plain: String {
        var out = [title]
        if !intro.isEmpty { out.append(intro) }
        for l in lines { out.append("• \(l.text)\n  \(l.link)") }
        out.append(Catalogue.text("notify_id", language, ["value": messageId]))
        return out.joined(separator: "\n")
    }

    /// The message as Markdown (the robots' dialect: headings, links, quotes).
    public var markdown: String {
        var out = ["### \(MessageText.markdownEscaped(title))"]
        if !intro.isEmpty { out.append(MessageText.markdownEscaped(intro)) }
        let open = Catalogue.text("notify_link", language)
        for l in lines { out.append("- \(MessageText.markdownEscaped(l.text)) [\(open)](\(l.link))") }
        out.append("> \(Catalogue.text("notify_id", language, ["value": messageId]))")
        return out.joined(separator: "\n")
    }

    /// Text that Markdown would read as markup, made literal (a reporter's words may hold `[`, `*`, `<`).
    static func markdownEscaped(_ s: String) -> String {
        var out = ""
        for ch in s {
            switch ch {
            case "\\", "`", "*", "_", "[", "]", "(", ")", "#", "<", ">", "|", "!": out.append("\\"); out.append(ch)
            case "\n", "\r": out.append(" ")
            default: out.append(ch)
            }
        }
        return out
    }
}
