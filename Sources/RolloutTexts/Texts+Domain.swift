import RolloutCore

extension RolloutError: CustomStringConvertible {
    /// The error's sentence in a language, its arguments filled in.
    public func message(_ language: Language) -> String { Catalogue.text(code, language, arguments) }

    /// The English sentence (what a log or an uncaught error prints).
    public var description: String { message(.en) }
}

extension Dispatch {
    /// A unit's name in a language: an operator's own name, else the catalogue's.
    public static func unitName(_ code: String, _ language: Language) -> String {
        if let op = Operator(rawValue: code) { return language == .zh ? op.chineseName : op.englishName }
        return Catalogue.entries["unit_\(code)"].map { language == .zh ? $0.zh : $0.en } ?? code
    }
}
