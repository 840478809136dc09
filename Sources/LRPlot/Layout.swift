import Foundation

/// Axis ranges, data-to-pixel mapping and plot margins: the pure arithmetic behind a chart.
public enum Layout {
    /// The range an axis shows for `values`: the fixed range if given, else the finite values
    /// (positive ones on a log axis) padded by `padding` of the span on each side, in log space
    /// on a log axis. A single value gets a span around it; no usable value gives 0...1 (1...10 on a log axis).
    public static func range(of values: [Double], scale: AxisScale, fixed: ClosedRange<Double>? = nil, padding: Double = 0.04) -> ClosedRange<Double> {
        if let fixed { return fixed }
        switch scale {
        case .linear:
            let finite = values.filter(\.isFinite)
            guard let low = finite.min(), let high = finite.max() else { return 0...1 }
            if low == high { let half = low == 0 ? 1 : abs(low) * 0.1; return (low - half)...(high + half) }
            let pad = (high - low) * padding
            return (low - pad)...(high + pad)
        case .logarithmic:
            let logs = values.filter { $0.isFinite && $0 > 0 }.map(log10)
            guard let low = logs.min(), let high = logs.max() else { return 1...10 }
            if low == high { return pow(10, low - 0.5)...pow(10, high + 0.5) }
            let pad = (high - low) * padding
            return pow(10, low - pad)...pow(10, high + pad)
        }
    }

    /// The ticks of an axis over `range`.
    public static func ticks(_ range: ClosedRange<Double>, scale: AxisScale, target: Int = 6) -> [Tick] {
        switch scale {
        case .linear: return Ticks.linear(range.lowerBound, range.upperBound, target: target)
        case .logarithmic: return Ticks.logarithmic(range.lowerBound, range.upperBound)
        }
    }

    /// Maps data values of one axis to device coordinates.
    public struct Mapping: Equatable, Sendable {
        /// The data range shown.
        public var range: ClosedRange<Double>
        /// Linear or logarithmic.
        public var scale: AxisScale
        /// Device coordinate of `range.lowerBound`.
        public var start: Double
        /// Device coordinate of `range.upperBound` (smaller than `start` on a vertical axis).
        public var end: Double

        /// A mapping of `range` onto `start...end`.
        public init(range: ClosedRange<Double>, scale: AxisScale, start: Double, end: Double) {
            self.range = range
            self.scale = scale
            self.start = start
            self.end = end
        }

        /// Device coordinate of `value`; nil for a value the scale cannot show (non-finite, or
        /// not positive on a log axis).
        public func callAsFunction(_ value: Double) -> Double? {
            guard value.isFinite else { return nil }
            let fraction: Double
            switch scale {
            case .linear:
                fraction = (value - range.lowerBound) / (range.upperBound - range.lowerBound)
            case .logarithmic:
                guard value > 0 else { return nil }
                fraction = (log10(value) - log10(range.lowerBound)) / (log10(range.upperBound) - log10(range.lowerBound))
            }
            return start + fraction * (end - start)
        }

        /// Whether `value` lies inside the range shown.
        public func contains(_ value: Double) -> Bool { range.contains(value) }
    }

    /// The plot area's edges inside a chart of `width` x `height`: room for the title (and
    /// subtitle) above, tick labels and the axis label below and on the left, and on the right
    /// either a small margin or a secondary axis.
    public static func plotArea(width: Double, height: Double, hasSubtitle: Bool, hasSecondaryAxis: Bool)
        -> (left: Double, right: Double, top: Double, bottom: Double) {
        plotArea(width: width, height: height, top: hasSubtitle ? 64 : 46, hasSecondaryAxis: hasSecondaryAxis)
    }

    /// The plot area's edges inside a chart of `width` x `height` under a header (title and
    /// subtitle) that ends at `top`: room for tick labels and the axis label below and on the
    /// left, and on the right either a small margin or a secondary axis.
    public static func plotArea(width: Double, height: Double, top: Double, hasSecondaryAxis: Bool)
        -> (left: Double, right: Double, top: Double, bottom: Double) {
        (left: 78, right: width - (hasSecondaryAxis ? 78 : 28), top: top, bottom: height - 58)
    }
}
