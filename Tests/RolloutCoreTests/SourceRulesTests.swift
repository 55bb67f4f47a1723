import Foundation
import Testing

/// The house rules, checked on the sources themselves: the layers (only the SQL implementation
/// links the drivers; the web layer asks the application, never the store), one wall clock, files
/// of one idea (at most 400 lines), and a `///` summary on every public declaration.
@Suite struct SourceRulesTests {
    /// The package's `Sources` folder, found from this file's place in the checkout.
    static let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Sources")

    /// Every Swift file under `Sources`, as (path relative to it, lines).
    static func files() throws -> [(path: String, lines: [String])] {
        let root = sources.path
        let enumerator = try #require(FileManager.default.enumerator(atPath: root))
        var out: [(String, [String])] = []
        for case let path as String in enumerator where path.hasSuffix(".swift") {
            let text = try String(contentsOfFile: root + "/" + path, encoding: .utf8)
            out.append((path, text.components(separatedBy: "\n")))
        }
        #expect(out.count > 100, "the sources were found at \(root)")
        return out.sorted { $0.0 < $1.0 }
    }

    @Test func onlyTheSQLImplementationLinksTheDrivers() throws {
        let drivers = ["SQLKit", "SQLiteKit", "SQLiteNIO", "PostgresKit", "PostgresNIO"]
        for (path, lines) in try Self.files() where !path.hasPrefix("RolloutSQLStorage/") && !path.hasPrefix("rollout/")
            && !path.hasPrefix("RolloutTestSupport/") {
            for line in lines where drivers.contains(where: { line.trimmingCharacters(in: .whitespaces) == "import \($0)" }) {
                Issue.record("\(path) imports a database driver: \(line)")
            }
        }
    }

    @Test func theWebLayerAsksTheApplicationNeverTheStore() throws {
        for (path, lines) in try Self.files() where path.hasPrefix("RolloutWeb/") {
            for (i, line) in lines.enumerated() where line.contains(".store.") || line.contains("import RolloutSQLStorage") {
                Issue.record("\(path):\(i + 1) reaches the store: \(line.trimmingCharacters(in: .whitespaces))")
            }
        }
    }

    @Test func theWallClockIsReadInOnePlace() throws {
        for (path, lines) in try Self.files() where !path.hasPrefix("rollout/") && !path.hasPrefix("RolloutTestSupport/") {
            for (i, line) in lines.enumerated() where line.contains("Date()") && !line.trimmingCharacters(in: .whitespaces).hasPrefix("//") {
                Issue.record("\(path):\(i + 1) reads the wall clock: \(line.trimmingCharacters(in: .whitespaces))")
            }
        }
    }

    @Test func filesStayUnder400Lines() throws {
        for (path, lines) in try Self.files() where lines.count > 401 {
            Issue.record("\(path) has \(lines.count) lines")
        }
    }

    @Test func everyPublicDeclarationHasASummary() throws {
        let declaration = try Regex(#"^\s*(@\w+(\([^)]*\))?\s+)*public (static |final |override |mutating |private\(set\) )*(func|var|let|struct|enum|protocol|class|init|typealias|actor|case)\b"#)
        let attribute = try Regex(#"^\s*@\w+"#)
        var missing: [String] = []
        for (path, lines) in try Self.files() {
            for (i, line) in lines.enumerated() where line.firstMatch(of: declaration) != nil {
                var j = i - 1
                while j >= 0, lines[j].firstMatch(of: attribute) != nil, !lines[j].contains(" public ") { j -= 1 }
                if j < 0 || !lines[j].trimmingCharacters(in: .whitespaces).hasPrefix("///") {
                    missing.append("\(path):\(i + 1): \(line.trimmingCharacters(in: .whitespaces).prefix(90))")
                }
            }
        }
        #expect(missing.isEmpty, "\(missing.count) public declarations without a /// summary:\n\(missing.prefix(40).joined(separator: "\n"))")
    }
}
