import Foundation
import RolloutCore
import RolloutReference
import RolloutStorage

/// Puts a generated demo campaign into a store: the campaign, its regions and outlines, then the
/// whole log in one bulk load.
public enum DemoInstaller {
    /// What was installed.
    public struct Report: Sendable {
        /// The sites that exist at the demo's clock.
        public var sites: Int
        /// The events loaded into the log.
        public var events: Int
        /// The demo's frozen clock (the last second it includes).
        public var clock: Instant
    }

    /// The demo for the bundled Chongqing reference data.
    public static func chongqing(seed: UInt64, scale: Int, clockDay: DayNumber, fraction: Double = 1,
                                 variant: DemoVariant = .standard) throws -> DemoCampaign {
        DemoCampaign(regions: try Chongqing.regions(), outlines: try Chongqing.outlines(), seed: seed, scale: scale,
                     clockDay: clockDay, fraction: fraction, variant: variant)
    }

    /// The bundled outlines as GeoJSON geometry text per region code.
    public static func outlineGeometries() throws -> [String: String] {
        try bundledOutlines.get()
    }

    /// The bundled outlines split once per process (a second each in a debug build: 6 % of the
    /// test suite's demo installations).
    private static let bundledOutlines = Result { try geometries(from: Chongqing.boundariesData()) }

    /// Splits a GeoJSON FeatureCollection into the geometry text of each `region_code`.
    public static func geometries(from data: Data) throws -> [String: String] {
        _ = try BoundariesFile.parse(data)
        guard let root = try JSONSerialization.jsonObject(with: data) as? [String: Any],
              let features = root["features"] as? [[String: Any]] else { return [:] }
        var out: [String: String] = [:]
        for f in features {
            guard let code = (f["properties"] as? [String: Any])?["region_code"] as? String, let g = f["geometry"] else { continue }
            out[code] = String(decoding: try JSONSerialization.data(withJSONObject: g, options: [.sortedKeys]), as: UTF8.self)
        }
        return out
    }

    /// Creates the campaign and loads its log into an empty, migrated store.
    /// - Parameter sideFile: the store is a file thrown away unless the installation completes, so
    ///   the load may commit as it goes (a large demo then needs no huge write-ahead log).
    public static func install(_ demo: DemoCampaign, into store: any CampaignStore, now: Instant, sideFile: Bool = false) async throws -> Report {
        try await store.createCampaign(demo.campaign, clock: demo.now, regions: demo.plan.regions,
                                       outlines: try outlineGeometries(), now: now)
        let batchSites = 2_000
        let batches = (demo.siteCount + batchSites - 1) / batchSites
        // The photos the evidence names, gathered as the batches are made and kept after the log.
        let photos = BlobCollector()
        // Each batch is made on the store's own thread ahead of the one it writes (``bulkLoad``).
        let batch: @Sendable (Int) -> [NewEvent]? = { i in
            if i == 0 { return demo.targetEvents() + demo.evidenceRuleEvents() }
            let b = i - 1
            // Last, the calendar and the receipts of reports (each organisation's in one batch).
            if b == batches { return demo.reportingEvents() }
            if b == batches + 1 { return demo.unclaimedTowerEvents() }
            if b == batches + 2 { return demo.adoptionEvents() }
            if b == batches + 3 { return demo.investmentEvents() }
            guard b < batches else { return nil }
            let batch = demo.siteBatch((b * batchSites)..<min(demo.siteCount, (b + 1) * batchSites))
            photos.add(batch.blobs)
            return batch.events
        }
        let events = try await store.bulkLoad({ batch($0) }, batchesPerCommit: sideFile ? 50 : nil)
        try await store.keepBlobs(photos.all, at: now)
        let sites = try await store.sites(SiteQuery(perPage: 1, networkOnly: true), at: ReadMoment(asOf: demo.clock)).total
        return Report(sites: sites, events: events, clock: demo.now)
    }
}

/// The blobs of the batches made so far (the batches are made one after another, on any thread).
final class BlobCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var blobs: [String: StoredBlob] = [:]

    /// Adds blobs (one of each SHA-256).
    func add(_ more: [StoredBlob]) { lock.withLock { for b in more where blobs[b.sha256] == nil { blobs[b.sha256] = b } } }

    /// Every blob added, by SHA-256.
    var all: [StoredBlob] { lock.withLock { blobs.values.sorted { $0.sha256 < $1.sha256 } } }
}
