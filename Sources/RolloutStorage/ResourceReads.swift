import RolloutCore

/// The resources owners offer for co-building and sharing.
public protocol ResourceReads: Sendable {
    /// The resources on offer at a moment (co-build and share).
    func resources(at moment: ReadMoment) async throws -> [ResourceOffer]
}
