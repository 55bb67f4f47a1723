import Foundation
import RolloutCore
import RolloutStorage
import RolloutSQLStorage
import RolloutApplication

extension WallClock {
    /// The machine's clock, for tests whose records are stamped as they happen (accounts, tokens, sessions).
    public static let system = WallClock { Instant(Date()) }
}
