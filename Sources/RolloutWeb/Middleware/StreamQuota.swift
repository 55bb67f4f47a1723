import NIOConcurrencyHelpers
import RolloutCore

/// How many event streams each account holds open, bounded per account: a person with many tabs
/// is served (the bound is at least 16), a script opening streams without end is not.
final class StreamQuota: Sendable {
    let perAccount: Int
    private let open = NIOLockedValueBox<[String: Int]>([:])

    init(perAccount: Int) { self.perAccount = max(perAccount, 16) }

    /// Takes a place for one more stream of the account, or throws 429 when it holds its bound.
    func acquire(_ account: String) throws -> StreamTicket {
        let granted = open.withLockedValue { counts -> Bool in
            let n = counts[account, default: 0]
            guard n < perAccount else { return false }
            counts[account] = n + 1
            return true
        }
        guard granted else { throw RolloutError("too_many_streams", kind: .tooMany, ["value": "\(perAccount)"]) }
        return StreamTicket(quota: self, account: account)
    }

    /// The streams an account holds open now.
    func count(_ account: String) -> Int { open.withLockedValue { $0[account, default: 0] } }

    fileprivate func release(_ account: String) {
        open.withLockedValue { counts in
            let n = counts[account, default: 1] - 1
            counts[account] = n > 0 ? n : nil
        }
    }
}

/// One stream's place; given back once, when the stream ends.
final class StreamTicket: Sendable {
    private let quota: StreamQuota
    private let account: String
    private let returned = NIOLockedValueBox(false)

    fileprivate init(quota: StreamQuota, account: String) { self.quota = quota; self.account = account }

    func release() {
        let first = returned.withLockedValue { done -> Bool in
            defer { done = true }
            return !done
        }
        if first { quota.release(account) }
    }

    deinit { release() }
}
