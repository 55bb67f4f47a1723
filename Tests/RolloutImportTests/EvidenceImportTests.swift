import Foundation
import RolloutDemo
import RolloutPhotos
import RolloutTestSupport
import Testing
import ZIPFoundation
@testable import RolloutCore
@testable import RolloutImport
@testable import RolloutStorage
@testable import RolloutSQLStorage
@testable import RolloutApplication

/// `rollout import evidence FILE.zip` on every available database: a bundle of photos and its
/// manifest is imported all or nothing, every bad row listed; the same bundle again changes
/// nothing; an account imports for its own sites only; hostile archives are refused.
@Suite struct EvidenceImportTests {
    /// A ZIP archive of the entries (path, bytes).
    static func zip(_ entries: [(String, [UInt8])]) throws -> URL {
        let url = URL(fileURLWithPath: NSTemporaryDirectory() + "rollout-evidence-\(UUID().uuidString).zip")
        let archive = try Archive(url: url, accessMode: .create)
        for (path, bytes) in entries {
            let data = Data(bytes)
            try archive.addEntry(with: path, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate) { p, n in
                data.subdata(in: Int(p)..<(Int(p) + n))
            }
        }
        return url
    }

    static func photo(_ lat: Double?, _ lon: Double?, taken: Instant?, tint: Int) throws -> [UInt8] {
        let jpeg = try JPEGCodec.encode((0..<(32 * 24 * 3)).map { UInt8(($0 * 5 + tint) & 0xFF) }, width: 32, height: 24, components: 3)
        return ExifWriter(taken: taken.map(ExifWriter.cameraTime), offset: "+08:00", latitude: lat, longitude: lon, make: "B\(tint)").write(into: jpeg)
    }

    @Test(arguments: Backend.available)
    func aBundleIsImportedAllOrNothingWithEveryBadRowListed(backend: Backend) async throws {
        try await backend.withStore { store, _ in
            let demo = try DemoInstaller.chongqing(seed: 2020, scale: 1, clockDay: DemoCampaign.defaultClockDay, fraction: 0.002)
            _ = try await DemoInstaller.install(demo, into: store, now: Instant(Date()))
            let service = CampaignService(store: store, clock: .system)
            let now = try await service.campaign().now(service.clock)
            var built: [SiteRow] = []
            for stage in Stage.allCases where stage.isBuilt { built += try await service.sites(SiteQuery(operator: .cmcc, stage: stage, perPage: 3)).sites }
            var notBuilt: [SiteRow] = []
            for stage in Stage.allCases where !stage.isBuilt { notBuilt += try await service.sites(SiteQuery(operator: .cmcc, stage: stage, perPage: 1)).sites }
            let waiting = try #require(notBuilt.first)
            try #require(built.count >= 2)
            let (a, b) = (built[0], built[1])
            let pa = try Self.photo(a.lat, a.lon, taken: now.adding(seconds: -600), tint: 1)
            let pb = try Self.photo(b.lat + 0.02, b.lon, taken: now.adding(seconds: -600), tint: 2)
            let before = try await store.events(kinds: ["evidence.attached"]).count
            // Every bad row is listed; nothing is kept.
            let bad = try Self.zip([
                ("photos/manifest.csv", Array("""
                site_code,operator,stage,file
                \(a.siteCode),cmcc,on_air,a.jpg
                \(b.siteCode),移动,on_air,missing.jpg
                \(a.siteCode),nobody,on_air,a.jpg
                \(a.siteCode),cmcc,designed,a.jpg
                NOPE,cmcc,on_air,a.jpg
                \(waiting.siteCode),cmcc,on_air,a.jpg
                \(a.siteCode),cmcc,on_air,../../etc/passwd
                \(b.siteCode),cmcc,on_air,text.jpg
                \(b.siteCode),cmcc,on_air,cut.jpg

                """.utf8)),
                ("photos/a.jpg", pa), ("photos/text.jpg", Array("not a photo".utf8)), ("photos/cut.jpg", Array(pb.prefix(pb.count / 2))),
            ])
            let rejected = try await service.importEvidence(bad, actor: "cli", dryRun: false)
            #expect(!rejected.committed && rejected.rows == 9 && rejected.applied == 0)
            #expect(rejected.errors.map { "\($0.row):\($0.column):\($0.code)" } == [
                "3:file:photo_not_in_bundle", "4:operator:bad_operator", "5:stage:bad_evidence_stage", "6:site_code:unknown_site",
                "7:stage:evidence_stage_not_reached", "8:file:bad_file_path", "9:file:photo_not_jpeg", "10:file:photo_truncated"])
            #expect(rejected.errors[0].message(.en) == "the archive holds no photo “missing.jpg”" && rejected.errors[6].message(.en) == "text.jpg: not a JPEG photo")
            #expect(rejected.errors[6].message(.zh) == "text.jpg：不是 JPEG 照片")
            #expect(try await store.events(kinds: ["evidence.attached"]).count == before)
            // Another operator's account: its rows for cmcc's sites are not its own.
            let good = try Self.zip([("manifest.csv", Array("站址编码,运营商,进度节点,文件\n\(a.siteCode),cmcc,on_air,a.jpg\n\(b.siteCode),cmcc,on_air,sub/b.jpg\n\(a.siteCode),cmcc,on_air,a.jpg\n".utf8)),
                                     ("a.jpg", pa), ("sub/b.jpg", pb)])
            let other = try await service.importEvidence(good, actor: "ctcc-1", scope: Principal(account: "ctcc-1", role: .operator, operator: .ctcc), dryRun: false)
            #expect(other.errors.map(\.code) == ["not_yours", "not_yours", "not_yours"])
            await #expect(throws: RolloutError.self) {
                try await service.importEvidence(good, actor: "v", scope: Principal(account: "v", role: .verifier), dryRun: false)
            }
            // A dry run checks and keeps nothing; the import keeps both photos (the repeated row once) with their checks.
            let dry = try await service.importEvidence(good, actor: "cmcc-1", scope: Principal(account: "cmcc-1", role: .operator, operator: .cmcc), dryRun: true)
            #expect(dry.errors.isEmpty && !dry.committed && dry.applied == 2 && dry.unchanged == 1)
            #expect(try await store.events(kinds: ["evidence.attached"]).count == before)
            let done = try await service.importEvidence(good, actor: "cmcc-1", scope: Principal(account: "cmcc-1", role: .operator, operator: .cmcc), dryRun: false)
            #expect(done.committed && done.applied == 2 && done.unchanged == 1, "\(done.errors)")
            let kept = try await store.events(kinds: ["evidence.attached"]).compactMap { e -> EvidencePhoto? in
                if case .evidenceAttached(let p) = e.event.body { return p } else { return nil }
            }.suffix(2)
            // Checked as a photo sent alone: taken at the site or 2 km off it (both long after these demo reports).
            #expect(kept.map(\.site.code) == [a.siteCode, b.siteCode] && kept.first?.failures == [.tooLate] && kept.last?.failures == [.tooFar, .tooLate],
                    "\(kept.map(\.failures))")
            #expect(try await store.blob(sha256: kept.first!.sha256)?.bytes == pa)
            // The same bundle again: nothing new.
            let again = try await service.importEvidence(good, actor: "cmcc-1", dryRun: false)
            #expect(again.committed && again.applied == 0 && again.unchanged == 3)
            // Hostile archives.
            let notZip = URL(fileURLWithPath: NSTemporaryDirectory() + "rollout-evidence-\(UUID().uuidString).zip")
            try Data("PK not really".utf8).write(to: notZip)
            #expect(try await service.importEvidence(notZip, actor: "cli", dryRun: false).errors.map(\.code) == ["not_zip"])
            #expect(try await service.importEvidence(try Self.zip([("a.jpg", pa)]), actor: "cli", dryRun: false).errors.map(\.code) == ["no_manifest"])
            #expect(try await service.importEvidence(try Self.zip([("manifest.csv", Array("site_code,operator,file\nX,cmcc,a.jpg\n".utf8))]), actor: "cli",
                                                     dryRun: false).errors.map(\.code) == ["missing_column"])
            let huge = try Self.zip([("manifest.csv", Array("site_code,operator,stage,file\n\(a.siteCode),cmcc,on_air,big.jpg\n".utf8)),
                                     ("big.jpg", [UInt8](repeating: 0, count: 1 << 20))])
            var small = Limits.standard
            small.photoBytes = 1 << 19
            #expect(try await service.importEvidence(huge, actor: "cli", dryRun: false, limits: small).errors.map(\.code) == ["photo_too_large"])
            #expect(try await store.events(kinds: ["evidence.attached"]).count == before + 2)
        }
    }
}
