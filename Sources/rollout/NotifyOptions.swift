import ArgumentParser
import Foundation
import RolloutNotify

/// Where notifications link to and which mail relay sends e-mail, for `serve` and `demo`.
struct NotifyOptions: ParsableArguments {
    @Option(name: .customLong("public-url"), help: "The platform's address as people open it, for the links in notifications (default: the address served).")
    var publicURL: String?
    @Option(name: .customLong("smtp"), help: "The mail relay for e-mail notifications: smtp://USER:PASSWORD@HOST:PORT?from=ADDRESS (STARTTLS required; &starttls=off for a loopback relay; &ca=PEM) or smtps://…; or set ROLLOUT_SMTP_URL. None by default: e-mail subscriptions then fail with that reason.")
    var smtp: String?

    /// The relay's settings, checked before anything is opened.
    func smtpSettings() throws -> SMTPSettings? {
        guard let text = smtp ?? ProcessInfo.processInfo.environment["ROLLOUT_SMTP_URL"], !text.isEmpty else { return nil }
        return try SMTPSettings.parse(text)
    }
}
