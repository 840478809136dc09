import LRFinder

/// The points of a very long schedule that its plot keeps: all of them up to
/// ``ScheduleDecimation/limit``, else, for buckets of k consecutive rows (k the smallest that
/// makes at most `limit / 2` buckets), the row with the lowest and the row with the highest rate
/// of each bucket in their order, and the last row. A plot cannot show more points than its
/// width in pixels, and the extremes keep every peak and trough of the line (the usual
/// min-max decimation of long time series); memory stays bounded whatever the row count.
struct ScheduleDecimation {
    /// The most points kept (and one more: the last row).
    static let limit = 100_000

    /// Rows per bucket.
    let bucketSize: Int
    /// The kept rows: their step and value.
    private(set) var steps: [Double] = []
    private(set) var values: [ScheduleValue] = []
    /// The current bucket: its rows so far, its first lowest and first highest row.
    private var bucketCount = 0
    private var low: (step: Int, value: ScheduleValue)?
    private var high: (step: Int, value: ScheduleValue)?
    private var last: (step: Int, value: ScheduleValue)?

    /// A decimation of `rowCount` rows.
    init(rowCount: Int) {
        bucketSize = rowCount <= Self.limit ? 1 : (rowCount + Self.limit / 2 - 1) / (Self.limit / 2)
        let capacity = Swift.min(rowCount, Self.limit) + 1
        steps.reserveCapacity(capacity)
        values.reserveCapacity(capacity)
    }

    /// Whether rows are left out.
    var isDecimated: Bool { bucketSize > 1 }

    /// Takes the row of `step`.
    mutating func add(step: Int, _ value: ScheduleValue) {
        last = (step, value)
        guard isDecimated else { return keep(step, value) }
        if low.map({ value.learningRate < $0.value.learningRate }) ?? true { low = (step, value) }
        if high.map({ value.learningRate > $0.value.learningRate }) ?? true { high = (step, value) }
        bucketCount += 1
        if bucketCount == bucketSize { closeBucket() }
    }

    /// The kept rows, once every row was added.
    mutating func finish() -> (steps: [Double], values: [ScheduleValue]) {
        closeBucket()
        if let last, steps.last != Double(last.step) { keep(last.step, last.value) }
        return (steps, values)
    }

    private mutating func closeBucket() {
        guard let low, let high else { return }
        // In the order they came; one point when they are the same row.
        for row in [low, high].sorted(by: { $0.step < $1.step }) where steps.last != Double(row.step) { keep(row.step, row.value) }
        self.low = nil
        self.high = nil
        bucketCount = 0
    }

    private mutating func keep(_ step: Int, _ value: ScheduleValue) {
        steps.append(Double(step))
        values.append(value)
    }
}
