extension String {
    /// The text without leading and trailing white space and line breaks: the same as
    /// `trimmingCharacters(in: .whitespacesAndNewlines)`, without Foundation's bridging (every cell
    /// of every row passes here), and without a copy when there is nothing to trim.
    /// (Foundation on Linux also counts the zero-width space U+200B as white space, as Excel pastes it.)
    public var trimmedFast: String { trimmed { $0.properties.isWhitespace || $0 == "\u{200B}" } }

    /// The text without leading and trailing spaces and tabs: the same as
    /// `trimmingCharacters(in: .whitespaces)`, without Foundation's bridging.
    public var trimmedSpaces: String { trimmed { $0 == "\t" || $0 == "\u{200B}" || $0.properties.generalCategory == .spaceSeparator } }

    private func trimmed(_ blank: (Unicode.Scalar) -> Bool) -> String {
        guard let first = unicodeScalars.first, let last = unicodeScalars.last else { return self }
        if !blank(first) && !blank(last) { return self }
        let scalars = unicodeScalars
        guard let start = scalars.firstIndex(where: { !blank($0) }) else { return "" }
        let end = scalars.lastIndex(where: { !blank($0) })!
        return String(scalars[start...end])
    }
}
