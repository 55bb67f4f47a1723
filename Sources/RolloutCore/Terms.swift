/// The name of a glossary term in a page's language: the Chinese name, or a readable English one.
public protocol Term {
    /// The stable code.
    var rawValue: String { get }
    /// The Chinese name.
    var chineseName: String { get }
}

extension Term {
    /// The name to show in a language.
    public func name(_ language: Language) -> String {
        switch language {
        case .zh: return chineseName
        case .en:
            if let op = self as? Operator { return op.englishName }
            let words = rawValue.replacingOccurrences(of: "_", with: " ")
            return words.prefix(1).uppercased() + words.dropFirst()
        }
    }
}

extension Stage: Term {}
extension Operator: Term {}
extension SiteKind: Term {}
extension Host: Term {}
extension ObstacleCategory: Term {}
