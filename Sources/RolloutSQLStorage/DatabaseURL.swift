import Foundation
import RolloutCore
import RolloutStorage

/// Where the campaign is stored: `sqlite:PATH` (the default, `./data/rollout.sqlite`) or
/// `postgres://USER:PASS@HOST:PORT/DB`.
public enum DatabaseURL: Equatable, Sendable, CustomStringConvertible {
    case sqlite(path: String)
    case postgres(host: String, port: Int, user: String, password: String?, database: String)

    /// The default: an embedded SQLite file under `./data`.
    public static let defaultURL = DatabaseURL.sqlite(path: "./data/rollout.sqlite")

    /// Reads a database URL; throws `bad_database_url` when it is neither form.
    public init(parsing text: String) throws {
        let t = text.trimmingCharacters(in: .whitespaces)
        if t.hasPrefix("sqlite:") {
            var path = String(t.dropFirst("sqlite:".count))
            if path.hasPrefix("//") { path = String(path.dropFirst(2)) }
            guard !path.isEmpty else { throw RolloutError("bad_database_url", ["value": text]) }
            self = .sqlite(path: path)
            return
        }
        guard t.hasPrefix("postgres://") || t.hasPrefix("postgresql://"), let c = URLComponents(string: t),
              let host = c.host, !host.isEmpty else {
            throw RolloutError("bad_database_url", ["value": text])
        }
        let db = c.path.hasPrefix("/") ? String(c.path.dropFirst()) : c.path
        guard !db.isEmpty, let user = c.user, !user.isEmpty else { throw RolloutError("bad_database_url", ["value": text]) }
        self = .postgres(host: host, port: c.port ?? 5432, user: user.removingPercentEncoding ?? user,
                         password: c.password.map { $0.removingPercentEncoding ?? $0 }, database: db)
    }

    /// The URL as it can be parsed again, with its password when asked for.
    public func description(withPassword: Bool) -> String {
        guard withPassword, case .postgres(let host, let port, let user, let password?, let db) = self else { return description }
        let p = password.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? password
        return "postgres://\(user):\(p)@\(host):\(port)/\(db)"
    }

    /// The URL without its password, for messages.
    public var description: String {
        switch self {
        case .sqlite(let path): "sqlite:\(path)"
        case .postgres(let host, let port, let user, _, let db): "postgres://\(user)@\(host):\(port)/\(db)"
        }
    }
}
