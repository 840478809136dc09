/// The median of a sample: the middle value, or the mean of the two middle ones.
public enum Median {
    /// The median of `values`; nil when empty. Two equal middle values give that value (so two
    /// infinities of one sign give it, not their mean); minus infinity sorts first, so it is the
    /// median only when at least half the values are.
    public static func of(_ values: [Double]) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let middle = sorted.count / 2
        if sorted.count % 2 == 1 { return sorted[middle] }
        let (low, high) = (sorted[middle - 1], sorted[middle])
        return low == high ? low : (low + high) / 2
    }
}
