import ArgumentParser
import Foundation
import RolloutCore
import RolloutStorage
import RolloutSQLStorage
import RolloutApplication
import RolloutTexts

/// `rollout subscription …`: who is told of what, where (the command line may manage every one).
struct SubscriptionCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "subscription", abstract: "Add, list and remove notification subscriptions; set an address; show the outbox.",
        subcommands: [Add.self, List.self, Remove.self, SetAddress.self, Outbox.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Subscribe an account (or an organisation) to kinds of news.")
        @OptionGroup var common: CommonOptions
        @Option(help: "The account that hears the news (what its role may read).") var account: String?
        @Option(help: "Instead of an account, an organisation: city, region:CODE, operator:CODE, unit:CODE or owner:NAME.") var scope: String?
        @Option(help: "Kinds, comma-separated: escalation, clock_ran_out, dispatched, obstacle_opened, rejection, missed_reports, bulletin, supervision.")
        var events: String
        @Option(help: "A webhook address (http or https).") var webhook: String?
        @Option(help: "The webhook's format: wecom, dingtalk or json (default json).") var format: String?
        @Option(help: "markdown (default) or text, for the robots.") var style: String?
        @Option(help: "A DingTalk robot's signing secret (加签).") var secret: String?
        @Option(help: "An e-mail address instead of a webhook.") var email: String?
        @Option(help: "daily: one message a day (the next morning at 08:00) instead of one each.") var digest: String?
        @Option(help: "The messages' language: zh (default) or en.") var language: String?

        func run() async throws {
            try await common.run {
                guard account != nil || scope != nil else { throw RolloutError("unknown_account_subscription", ["value": ""]) }
                if let digest, digest != "daily" { throw RolloutError("bad_digest", ["value": digest]) }
                guard language == nil || Language(rawValue: language!) != nil else { throw RolloutError("bad_language", ["value": language!]) }
                let request = SubscriptionRequest(account: account, scope: scope, topics: events, webhook: webhook, format: format, style: style,
                                                  secret: secret, email: email, digest: digest == "daily",
                                                  language: language.flatMap(Language.init(rawValue:)) ?? .zh)
                let s = try await common.withStore { store in
                    try await CampaignService(store: store, clock: common.clock).subscribe(request, by: nil)
                }
                common.say("subscription_created", ["value": String(s.id)])
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the subscriptions and their outbox's counts.")
        @OptionGroup var common: CommonOptions
        @Flag(help: "Removed ones too.") var all = false

        func run() async throws {
            try await common.run {
                let lines = try await common.withStore { store in
                    try await CampaignService(store: store, clock: common.clock).subscriptionLines(for: nil, includeRemoved: all)
                }
                for l in lines {
                    let s = l.subscription
                    let channel: String = switch s.channel {
                    case .webhook(_, let f, let st, let secret): "webhook:\(f.rawValue):\(st.rawValue)\(secret == nil ? "" : ":signed")"
                    case .email: "email"
                    }
                    let state = s.removedAt != nil ? "removed" : s.isActive ? "on" : "off"
                    print([String(s.id), s.account ?? "-", s.scope.text, s.topics.sorted().map(\.rawValue).joined(separator: ","), channel,
                           s.maskedTarget.isEmpty ? "-" : s.maskedTarget, s.digest ? "daily" : "immediate", state,
                           "pending=\(l.counts.pending)", "delivered=\(l.counts.delivered)", "failed=\(l.counts.failed)"].joined(separator: "\t"))
                }
            }
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a subscription (its pending messages are not sent).")
        @OptionGroup var common: CommonOptions
        @Argument(help: "The subscription's number.") var id: Int64

        func run() async throws {
            try await common.run {
                _ = try await common.withStore { store in try await CampaignService(store: store, clock: common.clock).unsubscribe(id, by: nil) }
                common.say("subscription_removed", ["value": String(id)])
            }
        }
    }

    struct SetAddress: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "set-address", abstract: "Set a subscription's webhook or e-mail address (empty: off).")
        @OptionGroup var common: CommonOptions
        @Argument(help: "The subscription's number.") var id: Int64
        @Argument(help: "The address.") var address: String

        func run() async throws {
            try await common.run {
                let s = try await common.withStore { store in
                    try await CampaignService(store: store, clock: common.clock).setSubscriptionAddress(id, to: address, by: nil)
                }
                common.say("subscription_address_set", ["value": String(s.id)])
            }
        }
    }

    struct Outbox: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show the outbox: what was sent, failed and is pending, newest first.")
        @OptionGroup var common: CommonOptions
        @Option(help: "One subscription's.") var subscription: Int64?
        @Option(help: "pending, delivered or failed.") var status: String?
        @Option(help: "How many (1–500).") var limit = 50

        func run() async throws {
            try await common.run {
                let st = try status.map { text -> OutboxMessage.Status in
                    guard let s = OutboxMessage.Status(rawValue: text) else { throw RolloutError("bad_status", ["value": text]) }
                    return s
                }
                let messages = try await common.withStore { store in
                    try await CampaignService(store: store, clock: common.clock).outbox(subscription: subscription, status: st, limit: limit, by: nil)
                }
                for m in messages {
                    print([m.messageId, String(m.subscription), m.digestDay.map(ShanghaiCalendar.dateString) ?? "-", m.status.rawValue,
                           "attempts=\(m.attempts)", "items=\(m.facts.count)", m.lastError ?? ""].joined(separator: "\t"))
                }
            }
        }
    }
}
