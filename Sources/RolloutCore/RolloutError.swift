/// An error a user can act on: a stable English code plus arguments, worded by the catalogue (RolloutTexts).
public struct RolloutError: Error, Equatable, Sendable {
    /// The stable code, also the catalogue key (e.g. `bad_as_of`).
    public var code: String
    /// The named values the message shows.
    public var arguments: [String: String]
    /// What kind of failure this is, for HTTP statuses and exit codes.
    public var kind: Kind

    /// What kind of failure an error is.
    public enum Kind: Sendable, Equatable {
        /// The request or the input is wrong (400/422, exit 1).
        case invalid
        /// Something asked for does not exist (404).
        case notFound
        /// The state does not allow it (409).
        case conflict
        /// The database or the environment failed (503).
        case unavailable
        /// No valid sign-in or token (401).
        case unauthenticated
        /// Signed in, but this account may not do it (403).
        case forbidden
        /// Too many attempts; wait (429).
        case tooMany
        /// The request's body is larger than the limit (413).
        case tooLarge
    }

    /// An error of a code, an invalid input unless told otherwise, with the values its message shows.
    public init(_ code: String, kind: Kind = .invalid, _ arguments: [String: String] = [:]) {
        self.code = code; self.arguments = arguments; self.kind = kind
    }
}
