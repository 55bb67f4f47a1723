import Foundation
import RolloutCore
import RolloutFiles

/// A bundle of field photos for `rollout import evidence FILE.zip`: a ZIP archive holding the photos
/// and a manifest table (`manifest.csv`, UTF-8 or GB18030, or any one `.csv`/`.xlsx` when it is the
/// only table) with the columns `site_code,operator,stage,file` (or 站址编码,运营商,进度节点,文件):
/// each row a photo of a site's stage, `file` its path in the archive from the manifest's folder.
///
/// Read through the same bounded reader as workbooks (``ZipEntries``): an entry past its size, a
/// path out of the archive (`..`, absolute), a photo larger than the limit is a row's error, never
/// a read past what was asked.
public final class EvidenceBundle {
    /// A row of the manifest.
    public struct Row: Sendable, Equatable {
        /// The row as a spreadsheet shows it (the header is 1).
        public var number: Int
        /// The cells, by the column's code (`site_code`, `operator`, `stage`, `file`).
        public var siteCode: String, `operator`: String, stage: String, file: String
    }

    /// The manifest's columns: the English code and the Chinese header.
    public static let columns: [(code: String, chinese: String)] = [("site_code", "站址编码"), ("operator", "运营商"), ("stage", "进度节点"), ("file", "文件")]

    /// The manifest's rows.
    public private(set) var rows: [Row] = []
    /// What is wrong with the bundle as a whole or with its manifest (nothing read further then).
    public private(set) var errors: [ImportError] = []
    private let zip: ZipEntries?
    private var folder = ""

    /// Opens a bundle and reads its manifest; a file that is no ZIP, a bundle without a manifest or
    /// a manifest without its columns gives ``errors``.
    public init(url: URL, limits: Limits) {
        guard let zip = try? ZipEntries(url: url) else {
            self.zip = nil
            errors = [ImportError(row: 0, column: "", code: "not_zip")]
            return
        }
        self.zip = zip
        let tables = zip.entries.values.filter { $0.isPlainFile && ($0.path.lowercased().hasSuffix(".csv") || $0.path.lowercased().hasSuffix(".xlsx")) }
        guard let manifest = tables.first(where: { ($0.path as NSString).lastPathComponent.lowercased() == "manifest.csv" }) ?? (tables.count == 1 ? tables.first : nil) else {
            errors = [ImportError(row: 0, column: "", code: "no_manifest")]
            return
        }
        folder = (manifest.path as NSString).deletingLastPathComponent
        do {
            let directory = try PrivateTemporaryDirectory()
            defer { directory.remove() }
            let file = try directory.file(manifest.path.lowercased().hasSuffix(".xlsx") ? "manifest.xlsx" : "manifest.csv")
            let out = try file.openForWriting()
            var written: UInt64 = 0
            try zip.extract(manifest) { data in
                written += UInt64(data.count)
                guard written <= UInt64(limits.importBodyBytes) else { throw ZipEntries.Problem.badEntry(manifest.path) }
                out.write(data)
            }
            try out.close()
            var header: [String: Int]? = nil
            try TableReader.rows(of: file.url, limits: limits) { number, cells in
                guard let map = header else {
                    header = readHeader(cells)
                    return
                }
                guard cells.contains(where: { !$0.trimmedSpaces.isEmpty }) else { return }
                func cell(_ code: String) -> String { map[code].flatMap { $0 < cells.count ? cells[$0].trimmedSpaces : nil } ?? "" }
                rows.append(Row(number: number, siteCode: cell("site_code"), operator: cell("operator"), stage: cell("stage"), file: cell("file")))
            }
            if header == nil { errors.append(ImportError(row: 0, column: "", code: "empty_file")) }
            if header != nil, errors.isEmpty, rows.isEmpty { errors.append(ImportError(row: 0, column: "", code: "no_rows")) }
        } catch let problem as FileProblem {
            errors.append(problem.error)
        } catch {
            errors.append(ImportError(row: 0, column: "", code: "unreadable"))
        }
    }

    /// Maps the header's columns (English or Chinese, any order); a missing one is an error.
    private func readHeader(_ cells: [String]) -> [String: Int] {
        var map: [String: Int] = [:]
        for (i, raw) in cells.enumerated() {
            let name = raw.trimmedSpaces.lowercased()
            if let c = Self.columns.first(where: { $0.code == name || $0.chinese == name }), map[c.code] == nil { map[c.code] = i }
        }
        for c in Self.columns where map[c.code] == nil { errors.append(ImportError(row: 1, column: c.code, code: "missing_column", arguments: ["value": c.code])) }
        return map
    }

    /// The bytes of a row's photo, at most `maxBytes` (a larger one throws `photo_too_large`); a
    /// path out of the archive throws `bad_file_path`, one not in it `photo_not_in_bundle`.
    public func photo(_ path: String, maxBytes: Int) throws -> [UInt8] {
        guard let zip else { throw RolloutError("photo_not_in_bundle", ["file": path]) }
        let parts = path.replacingOccurrences(of: "\\", with: "/").split(separator: "/", omittingEmptySubsequences: true)
        guard !path.hasPrefix("/"), !parts.isEmpty, !parts.contains(where: { $0 == ".." || $0 == "." }) else { throw RolloutError("bad_file_path", ["file": path]) }
        let full = (folder.isEmpty ? "" : folder + "/") + parts.joined(separator: "/")
        guard let entry = zip.entries[full], entry.isPlainFile else { throw RolloutError("photo_not_in_bundle", ["file": path]) }
        let tooLarge = RolloutError("photo_too_large", ["value": "\(maxBytes >> 20)", "file": path])
        guard entry.uncompressedSize <= UInt64(maxBytes) else { throw tooLarge }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(Int(entry.uncompressedSize))
        do {
            try zip.extract(entry) { data in
                guard bytes.count + data.count <= maxBytes else { throw tooLarge }
                bytes += data
            }
        } catch let e as RolloutError {
            throw e
        } catch {
            throw RolloutError("photo_truncated", ["file": path])
        }
        return bytes
    }

    /// Lets the archive go.
    public func close() { zip?.close() }
}
