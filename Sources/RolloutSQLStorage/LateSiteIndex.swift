/// The condition of the partial index `sites_broken`: a site built once and not built without a
/// break since. A query names it word for word, so that SQLite and PostgreSQL see that the index
/// holds every row it asks for.
enum LateSiteIndex {
    /// The index's condition, as the migration and the late sites' query both write it.
    static let broken = "first_built_at IS NOT NULL AND (built_at IS NULL OR built_at <> first_built_at)"
}
