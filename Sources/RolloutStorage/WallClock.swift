import Foundation
import RolloutCore

/// The one source of "now" below the command line: `rollout` makes the system's (the only place
/// the wall clock is read) and passes it down; tests pass a fixed or a moving one. A demo
/// campaign's frozen clock still wins over it (``StoredCampaign/now(_:)``).
public struct WallClock: Sendable {
    private let read: @Sendable () -> Instant

    /// A clock that asks `read` each time.
    public init(_ read: @escaping @Sendable () -> Instant) { self.read = read }

    /// A clock that always says `instant`.
    public static func fixed(_ instant: Instant) -> WallClock { WallClock { instant } }

    /// The instant now, to the second.
    public func now() -> Instant { read() }

    /// The same instant as a `Date` (for APIs that take one).
    public func date() -> Date { Date(timeIntervalSince1970: TimeInterval(read().seconds)) }
}
