extension Reconciliation {
    /// Reconciliation's timelines as bytes, to be kept with the log (``SnapshotStore``): a server
    /// that starts reads them instead of every site's stored state (4 million rows at `--scale 100`).
    /// A fixed little-endian layout (``ByteWriter``); bytes cut, lengthened or naming a value that
    /// does not exist are refused.
    public enum TimelineBytes {
        static let magic = Array("RRT1".utf8)

        /// The bytes of `timelines`, in their order.
        public static func bytes(_ timelines: [Timeline]) -> [UInt8] {
            var w = ByteWriter()
            w.reserve(timelines.count * 80)
            w.append(magic)
            var regionIndex: [String: UInt32] = [:], regions: [String] = []
            for t in timelines where regionIndex[t.regionCode] == nil {
                regionIndex[t.regionCode] = UInt32(regions.count)
                regions.append(t.regionCode)
            }
            w.u32(UInt32(regions.count))
            for r in regions { w.string(r) }
            w.u32(UInt32(timelines.count))
            for t in timelines {
                w.u8(UInt8(Operator.allCases.firstIndex(of: t.key.operator)!))
                w.string(t.key.code)
                w.u32(regionIndex[t.regionCode]!)
                w.i64(Int64(bitPattern: t.lat.bitPattern))
                w.i64(Int64(bitPattern: t.lon.bitPattern))
                w.u8(UInt8(Host.allCases.firstIndex(of: t.host)!))
                if let tower = t.towerSiteCode { w.u8(1); w.string(tower) } else { w.u8(0) }
                w.u32(UInt32(t.steps.count))
                for s in t.steps {
                    w.i64(s.at.seconds)
                    w.u8(UInt8(Stage.allCases.firstIndex(of: s.stage)!))
                }
            }
            return w.bytes
        }

        /// The timelines `bytes` hold; throws when they are not whole.
        public static func timelines(_ bytes: [UInt8]) throws -> [Timeline] {
            var r = ByteReader(bytes)
            guard Array(try r.take(magic.count)) == magic else { throw ByteReader.Malformed() }
            let regionCount = Int(try r.u32())
            guard regionCount <= bytes.count else { throw ByteReader.Malformed() }
            var regions: [String] = []
            for _ in 0..<regionCount { regions.append(try r.string()) }
            let count = Int(try r.u32())
            // Each timeline takes at least 27 bytes: a count beyond the bytes is damage, not a size to reserve.
            guard count <= bytes.count / 27 else { throw ByteReader.Malformed() }
            func pick<T>(_ all: [T], _ i: some BinaryInteger) throws -> T {
                guard i >= 0, Int(i) < all.count else { throw ByteReader.Malformed() }
                return all[Int(i)]
            }
            var out: [Timeline] = []
            out.reserveCapacity(count)
            for _ in 0..<count {
                let op = try pick(Operator.allCases, try r.u8())
                let code = try r.string()
                let region = try pick(regions, try r.u32())
                let lat = Double(bitPattern: UInt64(bitPattern: try r.i64())), lon = Double(bitPattern: UInt64(bitPattern: try r.i64()))
                let host = try pick(Host.allCases, try r.u8())
                let tower: String?
                switch try r.u8() {
                case 0: tower = nil
                case 1: tower = try r.string()
                default: throw ByteReader.Malformed()
                }
                let stepCount = Int(try r.u32())
                guard stepCount <= bytes.count / 9 else { throw ByteReader.Malformed() }
                var steps: [TimelineStep] = []
                steps.reserveCapacity(stepCount)
                for _ in 0..<stepCount {
                    let at = Instant(seconds: try r.i64())
                    steps.append(TimelineStep(at: at, stage: try pick(Stage.allCases, try r.u8())))
                }
                out.append(Timeline(key: SiteKey(operator: op, code: code), regionCode: region, lat: lat, lon: lon, host: host,
                                    towerSiteCode: tower, steps: steps))
            }
            guard r.atEnd else { throw ByteReader.Malformed() }
            return out
        }
    }
}
