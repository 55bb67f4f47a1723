import RolloutCore

/// The campaign as stored, with the demo's frozen clock when it has one.
public struct StoredCampaign: Sendable, Equatable {
    /// The campaign's name, start and deadline.
    public var campaign: Campaign
    /// A demo campaign stands at a fixed moment; a real one follows the wall clock (nil).
    public var clock: Instant?

    /// A campaign with its frozen clock, or nil for one that follows the wall clock.
    public init(campaign: Campaign, clock: Instant?) { self.campaign = campaign; self.clock = clock }

    /// The platform's "now" for this campaign: its frozen clock, or the wall clock's.
    public func now(_ wallClock: WallClock) -> Instant { clock ?? wallClock.now() }
}
