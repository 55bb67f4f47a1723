import Foundation
import RolloutCore

/// An e-mail as SMTP's DATA carries it (RFC 5322): UTF-8 subject in an encoded word, the text in
/// Base64 lines of 76, the message's stable id in `Message-ID` and `X-Rollout-Message-Id`.
enum MailMessage {
    /// The whole message, lines ending CRLF, dot-stuffed, without the final `.` line.
    static func data(from: String, to: String, subject: String, text: String, messageId: String, date: Instant) -> String {
        let body = Data(text.utf8).base64EncodedString(options: [.lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed])
        let lines = [
            "From: Rollout <\(from)>",
            "To: <\(to)>",
            "Subject: =?UTF-8?B?\(Data(subject.utf8).base64EncodedString())?=",
            "Date: \(rfc5322(date))",
            "Message-ID: <\(messageId)@rollout>",
            "X-Rollout-Message-Id: \(messageId)",
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=UTF-8",
            "Content-Transfer-Encoding: base64",
            "",
        ] + body.components(separatedBy: "\r\n")
        return lines.map { $0.hasPrefix(".") ? "." + $0 : $0 }.joined(separator: "\r\n") + "\r\n"
    }

    /// `Sat, 05 Dec 2026 16:00:00 +0800`.
    static func rfc5322(_ instant: Instant) -> String {
        let local = instant.adding(seconds: ShanghaiCalendar.offset)
        let day = ShanghaiCalendar.day(of: instant)
        let (y, m, d) = ShanghaiCalendar.civil(day)
        let names = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        let weekday = names[((day % 7) + 7) % 7]
        let secs = ((local.seconds % 86_400) + 86_400) % 86_400
        func two(_ n: Int64) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(weekday), \(two(Int64(d))) \(months[m - 1]) \(y) \(two(secs / 3600)):\(two((secs / 60) % 60)):\(two(secs % 60)) +0800"
    }
}
