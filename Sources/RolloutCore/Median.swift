extension Array where Element == Double {
    /// The median of values already in ascending order (the mean of the two middle ones for an
    /// even count); nil when there are none.
    public var medianOfSorted: Double? {
        guard !isEmpty else { return nil }
        return count % 2 == 1 ? self[count / 2] : (self[count / 2 - 1] + self[count / 2]) / 2
    }
}
