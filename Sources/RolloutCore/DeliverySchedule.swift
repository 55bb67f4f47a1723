/// When the outbox tries a message: at once (or, for a digest, the morning after the day it
/// gathers), then again after each failure with a doubling wait, until it gives up.
public enum DeliverySchedule {
    /// The wait after the first failure, in seconds.
    public static let firstRetry: Int64 = 30
    /// The longest wait between tries, in seconds (an hour).
    public static let longestRetry: Int64 = 3_600
    /// Tries before a message is marked failed (about 14 hours of retrying in all).
    public static let maxAttempts = 20
    /// The hour (Beijing time) a daily digest goes out, the day after the day it gathers.
    public static let digestHour: Int64 = 8
    /// How long a claimed message is held by the instance sending it before another may take it
    /// again: longer than any send may take (the clients give up after 20 s).
    public static let lease: Int64 = 120

    /// The most tries a subscription gets in any minute: a WeChat Work or DingTalk robot takes 20
    /// messages a minute (more are refused); plain webhooks and e-mail 600.
    public static func perMinute(_ channel: Subscription.Channel) -> Int {
        switch channel {
        case .webhook(_, .wecom, _, _), .webhook(_, .dingtalk, _, _): 20
        case .webhook, .email: 600
        }
    }

    /// The wait after the `attempts`-th failed try: 30 s, 60 s, 120 s, … up to an hour.
    public static func retryDelay(afterAttempts attempts: Int) -> Int64 {
        guard attempts > 0 else { return 0 }
        let doublings = min(attempts - 1, 20)
        return min(longestRetry, firstRetry << Int64(doublings))
    }

    /// The day (Beijing time) whose digest a fact recorded at `recorded` goes into.
    public static func digestDay(of recorded: Instant) -> DayNumber { ShanghaiCalendar.day(of: recorded) }

    /// When the digest of `day` is due: 08:00 Beijing time the next day.
    public static func digestDue(_ day: DayNumber) -> Instant {
        ShanghaiCalendar.start(of: day + 1).adding(seconds: digestHour * 3_600)
    }
}
