import Testing
@testable import RolloutCore
@testable import RolloutPhotos

/// The photo reader: what a camera's EXIF block says, read back in either byte order; every kind
/// of broken file refused with its own code; libjpeg's encoding and previews.
@Suite struct PhotoTests {
    static func picture(_ w: Int = 32, _ h: Int = 24) throws -> [UInt8] {
        try JPEGCodec.encode((0..<(w * h * 3)).map { UInt8(($0 * 31) & 0xFF) }, width: w, height: h, components: 3)
    }

    static func code(_ f: () throws -> Any) -> String? {
        do { _ = try f(); return nil } catch let e as RolloutError { return e.code } catch { return "\(error)" }
    }

    @Test(arguments: [true, false])
    func whatTheCameraWroteIsReadBack(littleEndian: Bool) throws {
        let jpeg = try Self.picture()
        let taken = ShanghaiCalendar.parseInstant("2020-05-01T10:20:30+08:00")!
        // Beijing time with its offset, a position north and east.
        var w = ExifWriter(taken: ExifWriter.cameraTime(taken), offset: "+08:00", latitude: 29.557_123, longitude: 106.577_456, littleEndian: littleEndian)
        var p = try Photo.read(w.write(into: jpeg))
        #expect(p.layout.width == 32 && p.layout.height == 24 && p.layout.components == 3)
        #expect(p.exif.takenAt == taken && p.exif.takenAtHadOffset)
        #expect(abs(p.exif.latitude! - 29.557_123) < 1e-6 && abs(p.exif.longitude! - 106.577_456) < 1e-6)
        // Another offset is honoured; without one the time is Beijing time.
        w.offset = "+00:00"
        #expect(try Photo.read(w.write(into: jpeg)).exif.takenAt == taken.adding(seconds: 8 * 3600))
        w.offset = nil
        p = try Photo.read(w.write(into: jpeg))
        #expect(p.exif.takenAt == taken && !p.exif.takenAtHadOffset)
        // South and west are negative; no GPS, no time, no EXIF at all: nothing made up.
        w.latitude = -33.5; w.longitude = -70.25
        p = try Photo.read(w.write(into: jpeg))
        #expect(abs(p.exif.latitude! + 33.5) < 1e-6 && abs(p.exif.longitude! + 70.25) < 1e-6)
        #expect(try Photo.read(ExifWriter(littleEndian: littleEndian).write(into: jpeg)).exif == ExifFacts())
        #expect(try Photo.read(jpeg).exif == ExifFacts() && (try Photo.read(jpeg).layout.exif) == nil)
        // A time that is no time is no time.
        #expect(try Photo.read(ExifWriter(taken: "2020:13:45 99:99:99").write(into: jpeg)).exif.takenAt == nil)
    }

    @Test func brokenFilesGetTheirOwnCode() throws {
        let jpeg = try Self.picture()
        let good = ExifWriter(taken: "2020:05:01 10:00:00", latitude: 29.5, longitude: 106.5).write(into: jpeg)
        #expect(Self.code { try Photo.read(Array("PNG and other things".utf8)) } == "photo_not_jpeg")
        #expect(Self.code { try Photo.read([0xFF, 0xD8]) } == "photo_not_jpeg")
        #expect(Self.code { try Photo.read(Array(good.prefix(good.count - 2))) } == "photo_truncated", "no end marker")
        #expect(Self.code { try Photo.read(Array(good.prefix(40))) } == "photo_truncated", "cut inside a segment")
        #expect(Self.code { try Photo.read(good, maxBytes: 100) } == "photo_too_large")
        // Cut at every byte of the header: an answer each time, never a crash.
        for n in 0..<min(good.count, 400) { _ = Self.code { try Photo.read(Array(good.prefix(n))) } }
        // The TIFF block: offsets past its end, a loop, too many entries, a bad header.
        let tiff = ExifWriter(taken: "2020:05:01 10:00:00", latitude: 29.5, longitude: 106.5, littleEndian: true).tiff()
        func with(_ change: (inout [UInt8]) -> Void) -> [UInt8] {
            var t = tiff
            change(&t)
            let body: [UInt8] = Array("Exif".utf8) + [0, 0] + t
            return [0xFF, 0xD8, 0xFF, 0xE1, UInt8((body.count + 2) >> 8), UInt8((body.count + 2) & 0xFF)] + body + jpeg.dropFirst(2)
        }
        func put32(_ t: inout [UInt8], _ at: Int, _ v: UInt32) { for k in 0..<4 { t[at + k] = UInt8(v >> (8 * UInt32(k)) & 0xFF) } }
        #expect(Self.code { try Photo.read(with { put32(&$0, 4, 0xFFFF_FFF0) }) } == "exif_offset_past_end")
        #expect(Self.code { try Photo.read(with { $0[0] = 0x41 }) } == "exif_bad_header")
        #expect(Self.code { try Photo.read(with { $0[8] = 0xFF; $0[9] = 0xFF }) } == "exif_too_many_entries")
        // IFD0's link to the next directory pointing at itself; the EXIF pointer pointing at IFD0.
        let ifd0Count = Int(tiff[8]) | Int(tiff[9]) << 8
        #expect(Self.code { try Photo.read(with { put32(&$0, 8 + 2 + 12 * ifd0Count, 8) }) } == "exif_loop")
        let exifEntry = (0..<ifd0Count).map { 10 + 12 * $0 }.first { Int(tiff[$0]) | Int(tiff[$0 + 1]) << 8 == 0x8769 }!
        #expect(Self.code { try Photo.read(with { put32(&$0, exifEntry + 8, 8) }) } == "exif_loop")
        // A segment of length 0 or 1, a frame header missing.
        var bad = good
        bad[5] = 1; bad[4] = 0
        #expect(Self.code { try Photo.read(bad) } == "photo_bad_segment")
        #expect(Self.code { try Photo.read([0xFF, 0xD8, 0xFF, 0xDA, 0x00, 0x02, 0x00, 0xFF, 0xD9]) } == "photo_no_frame")
    }

    @Test func previewsAreSmallRealJPEGsAndBrokenOnesAreRefused() throws {
        let big = try Self.picture(1280, 960)
        let preview = try JPEGCodec.preview(big, maxSide: 320)
        #expect(preview.width == 320 && preview.height == 240)
        #expect(try Photo.read(preview.bytes).layout.width == 320 && preview.bytes.count < big.count)
        let small = try JPEGCodec.preview(try Self.picture(100, 50), maxSide: 320)
        #expect(small.width == 100 && small.height == 50, "never larger than the photo")
        let odd = try JPEGCodec.preview(try Self.picture(1000, 333), maxSide: 320)
        #expect(max(odd.width, odd.height) <= 320 && odd.width >= 250)
        // A camera's 12-megapixel photo full of detail (noise, the worst case for JPEG): its preview
        // stays small enough that the queue's page of 50 openings with two photos each stays under 5 MB.
        var rng = SeededRandom(seed: 7, stream: 1, item: 1)
        var row = [UInt8](repeating: 0, count: 4000 * 3)
        for i in row.indices {
            let noise = Int(rng.unit() * 90)
            row[i] = UInt8((i / 48 + noise) & 0xFF)
        }
        var pixels: [UInt8] = []
        pixels.reserveCapacity(4000 * 3000 * 3)
        for y in 0..<3000 { let k = (y * 37 % 4000) * 3; pixels += row[k...]; pixels += row[..<k] }
        let camera = try JPEGCodec.encode(pixels, width: 4000, height: 3000, components: 3, quality: 92)
        let cameraPreview = try JPEGCodec.preview(camera, maxSide: 320)
        print("a 4000×3000 photo of \(camera.count) bytes: its preview \(cameraPreview.width)×\(cameraPreview.height), \(cameraPreview.bytes.count) bytes")
        #expect(cameraPreview.width == 320 && 100 * cameraPreview.bytes.count < 5_000_000, "100 previews under 5 MB")
        #expect(Self.code { try JPEGCodec.preview(Array(big.prefix(300))) } == "photo_unreadable")
        #expect(Self.code { try JPEGCodec.preview([1, 2, 3]) } == "photo_unreadable")
        #expect(Self.code { try JPEGCodec.preview([]) } == "photo_unreadable")
    }
}
