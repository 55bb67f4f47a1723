extension VerificationTimeline {
    /// The first bytes of a kept timeline; a different format (or a change of the fold's rules
    /// that changes what a step means) takes a new one, and an older kept timeline is then made again.
    static let magic: [UInt8] = Array("RVT1".utf8)

    /// The timeline as bytes, to keep beside the log (the rules are not in them: they are read
    /// from the log with the timeline, ``init(bytes:rules:)``).
    ///
    /// Written by hand, in a fixed layout: about 10 bytes a step and 20-odd a site.
    public func bytes() -> [UInt8] {
        var w = ByteWriter()
        w.reserve(32 + cells.count * 16 + sites.count * 24 + steps.count * 10)
        w.append(Self.magic)
        w.u32(UInt32(cells.count))
        for c in cells { w.string(c.region); w.string(c.op) }
        w.u32(UInt32(sites.count))
        for (k, site) in sites.enumerated() {
            w.u8(UInt8(Operator.allCases.firstIndex(of: site.operator)!))
            w.string(site.code)
            w.u32(UInt32(cellOf[k]))
            w.u32(UInt32(stepStart[k + 1] - stepStart[k]))
        }
        w.u32(UInt32(steps.count))
        for s in steps {
            w.i64(s.after)
            w.u8(UInt8(bitPattern: s.state))
            let days = !s.decisionDays.isNaN
            w.u8((s.needsEvidence ? 1 : 0) | (days ? 2 : 0))
            if days { w.i64(Int64(bitPattern: s.decisionDays.bitPattern)) }
        }
        return w.bytes
    }

    /// A timeline read back from ``bytes()``, with the rules of the log it was made from. Throws
    /// on bytes that are not a whole timeline of this format (a cut or damaged copy is made again).
    public init(bytes: [UInt8], rules: [LoggedEvent]) throws {
        var r = ByteReader(bytes)
        guard Array(try r.take(Self.magic.count)) == Self.magic else { throw ByteReader.Malformed() }
        let cellCount = Int(try r.u32())
        var cells: [Cell] = []
        cells.reserveCapacity(min(cellCount, bytes.count))
        for _ in 0..<cellCount { cells.append(Cell(region: try r.string(), op: try r.string())) }
        let siteCount = Int(try r.u32())
        guard siteCount <= bytes.count else { throw ByteReader.Malformed() }
        var sites: [SiteKey] = [], cellOf: [Int32] = [], stepStart: [Int32] = [0]
        sites.reserveCapacity(siteCount); cellOf.reserveCapacity(siteCount); stepStart.reserveCapacity(siteCount + 1)
        let operators = Operator.allCases
        for _ in 0..<siteCount {
            let op = Int(try r.u8())
            guard op < operators.count else { throw ByteReader.Malformed() }
            sites.append(SiteKey(operator: operators[op], code: try r.string()))
            let cell = try r.u32()
            guard cell < cells.count else { throw ByteReader.Malformed() }
            cellOf.append(Int32(cell))
            let next = Int(stepStart.last!) + Int(try r.u32())
            guard next <= Int32.max else { throw ByteReader.Malformed() }
            stepStart.append(Int32(next))
        }
        let stepCount = Int(try r.u32())
        guard stepCount == Int(stepStart.last!), stepCount <= bytes.count else { throw ByteReader.Malformed() }
        var steps: [Step] = []
        steps.reserveCapacity(stepCount)
        for _ in 0..<stepCount {
            let after = try r.i64()
            let state = Int8(bitPattern: try r.u8())
            guard state < Self.states.count else { throw ByteReader.Malformed() }
            let flags = try r.u8()
            let days = flags & 2 != 0 ? Double(bitPattern: UInt64(bitPattern: try r.i64())) : .nan
            steps.append(Step(after: after, state: state, needsEvidence: flags & 1 != 0, decisionDays: days))
        }
        guard r.atEnd else { throw ByteReader.Malformed() }
        self.init(rules: rules, sites: sites, stepStart: stepStart, steps: steps, cellOf: cellOf, cells: cells)
    }
}
