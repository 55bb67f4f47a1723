import Foundation
import Testing
@testable import RolloutCore

/// The fast trims cut what Foundation's `trimmingCharacters` cuts.
@Suite struct TrimmingTests {
    @Test func theFastTrimsAgreeWithFoundation() {
        let blanks = ["", " ", "\t", "\u{00A0}", "\u{3000}", "\n", "\r\n", "\u{2028}", "\u{200B}", "\u{FEFF}"]
        let cores = ["", "a", "中国移动", "2020-06-01", "a b", "x\ny", "📡"]
        for l in blanks { for core in cores { for r in blanks {
            let s = l + core + r
            #expect(s.trimmedSpaces == s.trimmingCharacters(in: .whitespaces), "\(Array(s.unicodeScalars))")
            #expect(s.trimmedFast == s.trimmingCharacters(in: .whitespacesAndNewlines), "\(Array(s.unicodeScalars))")
        } } }
    }
}
