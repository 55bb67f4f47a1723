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
