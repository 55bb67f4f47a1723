import RolloutApplication
import RolloutCore

/// The verified side of a page's built sites (the city, a district, an operator): a card with the
/// verified sites and the unverified ones, and the line saying what the rankings count at the
/// moment shown. Nothing while evidence has never been switched on.
enum VerifiedFigures {
    /// The card, or nothing while `verified` is nil.
    static func card(verified: Int?, unverified: Int?, _ c: PageContext) -> HTML? {
        guard let verified else { return nil }
        return Dashboard.card(c.t("page_verified"), "\(verified)", live: "verified",
                              note: "\(c.t("verification_state_awaiting_evidence")) + \(c.t("verification_state_in_queue")) \(unverified ?? 0)")
    }

    /// The line on the rank basis in force, linking to the verification page (narrowed to a region
    /// when given), or nothing while `verified` is nil.
    static func basisLine(verified: Int?, basis: String, region: String? = nil, _ c: PageContext) -> HTML? {
        guard verified != nil else { return nil }
        let key = basis == RankBasis.verified.rawValue ? "page_rank_basis_verified" : "page_rank_basis_reported"
        let filter = region.map { [("region", $0)] } ?? []
        return "<p class=\"muted small\" id=\"rank-basis\" data-basis=\"\(basis)\"><a href=\"\(c.link(Route.verification.pattern, filter))\">\(c.t(key))</a></p>"
    }
}
