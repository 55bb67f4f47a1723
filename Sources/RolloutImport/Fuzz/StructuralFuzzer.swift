import Foundation
import RolloutCore

/// The inputs of a fuzz run: input `i` of a seed is made on its own from `FuzzRandom(seed:input:)`,
/// so that any one of them (a crash) can be made again without the others. Most are built from
/// the grammar of CSV or XLSX and mutated by structure; some are byte-level mutations of valid files.
public struct StructuralFuzzer: Sendable {
    /// The run's seed: with an input's number, it makes that input.
    public let seed: UInt64
    /// The import limits the inputs are made around and checked against.
    public let limits: Limits

    /// The inputs of a seed, under the standard limits unless told.
    public init(seed: UInt64, limits: Limits = .standard) { self.seed = seed; self.limits = limits }

    /// One input: the kind of file it is sent as, its bytes, and its file name's extension.
    public struct Input: Sendable {
        /// The bulk file it is sent as.
        public var kind: ImportKind
        /// The file's bytes.
        public var bytes: [UInt8]
        /// `csv` or `xlsx` from the grammar; `csv-bytes` or `xlsx-bytes` with bytes mutated after.
        public var shape: String

        /// `xlsx` for a workbook, else `csv`.
        public var fileExtension: String { shape.hasPrefix("xlsx") ? "xlsx" : "csv" }
    }

    /// Input `i` of the seed, made on its own: the same number always gives the same bytes.
    public func input(_ i: Int) -> Input {
        var r = FuzzRandom(seed: seed, input: i)
        let kind = r.pick(ImportKind.allCases)
        switch r.below(20) {
        case 0..<9: return Input(kind: kind, bytes: CSVGrammar.file(kind, &r, limits: limits), shape: "csv")
        case 9..<16: return Input(kind: kind, bytes: XLSXGrammar.file(kind, &r, limits: limits), shape: "xlsx")
        default:
            let xlsx = r.chance(0.4)
            var bytes = xlsx ? XLSXGrammar.file(kind, &r, limits: limits) : CSVGrammar.file(kind, &r, limits: limits)
            Self.flip(&bytes, &r)
            return Input(kind: kind, bytes: bytes, shape: xlsx ? "xlsx-bytes" : "csv-bytes")
        }
    }

    /// Byte-level mutations: bytes changed, separators and stray bytes inserted, bytes dropped, pieces repeated, the tail cut.
    static func flip(_ bytes: inout [UInt8], _ r: inout FuzzRandom) {
        for _ in 0..<(1 + r.below(8)) {
            let at = r.below(bytes.count + 1)
            switch r.below(5) {
            case 0 where at < bytes.count: bytes[at] = UInt8(r.below(256))
            case 1: bytes.insert(r.pick([0x22, 0x2C, 0x0A, 0x0D, 0x00, 0xFF, 0xE4, 0xEF, 0x3D, 0x3C]), at: at)
            case 2 where at < bytes.count: bytes.remove(at: at)
            case 3: bytes.insert(contentsOf: bytes[at..<min(bytes.count, at + r.below(40))], at: at)
            default: bytes = Array(bytes.prefix(at))
            }
        }
    }
}
