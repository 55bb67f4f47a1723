import Testing
@testable import RolloutCore
@testable import RolloutPhotos

/// The photo reader under 100,000 structurally mutated JPEG headers: an answer for each (the
/// photo, or a refusal with its code), never a crash, and the refusals of every kind reached; what
/// it takes goes on to libjpeg's preview, as an upload does.
@Suite struct PhotoFuzzTests {
    @Test func aHundredThousandMutatedHeadersNeverCrashTheReader() throws {
        let fuzzer = try JPEGFuzzer(seed: 20_201_205)
        var codes: [String: Int] = [:]
        var read = 0, withPosition = 0, previews = 0, undecodable = 0
        for i in 0..<100_000 {
            do {
                let bytes = fuzzer.input(i)
                let p = try Photo.read(bytes)
                read += 1
                if p.exif.latitude != nil { withPosition += 1 }
                // What an upload does next: libjpeg decodes it for the preview (a broken picture is refused, never a crash).
                do { _ = try JPEGCodec.preview(bytes, maxSide: 8); previews += 1 } catch let e as RolloutError where e.code == "photo_unreadable" { undecodable += 1 }
            } catch let e as RolloutError {
                codes[e.code, default: 0] += 1
            }
        }
        print("photo fuzz: \(read) read (\(withPosition) with a position; \(previews) previewed, \(undecodable) undecodable), refused \(codes.sorted { $0.key < $1.key })")
        #expect(previews + undecodable == read && previews > 0)
        #expect(read > 1_000 && withPosition > 100, "the grammar makes good photos too")
        for code in ["photo_truncated", "photo_bad_segment", "photo_no_frame", "exif_bad_header", "exif_offset_past_end", "exif_loop", "exif_too_many_entries"] {
            #expect(codes[code, default: 0] > 0, "\(code) never reached: \(codes)")
        }
        #expect(fuzzer.input(777) == (try JPEGFuzzer(seed: 20_201_205)).input(777), "input i is the same file whenever it is made")
    }
}
