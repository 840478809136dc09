import Foundation

/// A tick on an axis: where it goes and, for major ticks, its label.
public struct Tick: Equatable, Sendable {
    /// Position in data units.
    public var value: Double
    /// Text under (or beside) a major tick; nil for a minor tick.
    public var label: String?
}

/// Tick placement for linear and logarithmic axes (pure functions, no drawing).
public enum Ticks {
    /// "Nice" linear ticks covering [low, high]: steps of 1, 2, 2.5 or 5 times a power of ten,
    /// chosen so that about `target` ticks fall inside (Heckbert, "Nice numbers for graph labels",
    /// Graphics Gems, 1990).
    public static func linear(_ low: Double, _ high: Double, target: Int = 6) -> [Tick] {
        guard low.isFinite, high.isFinite else { return [] }
        guard high > low else { return [Tick(value: low, label: label(low, step: max(abs(low), 1)))] }
        let step = niceStep((high - low) / Double(max(target - 1, 1)))
        let first = (low / step).rounded(.up), last = (high / step).rounded(.down)
        guard first <= last else { return [] }
        let values = stride(from: first, through: last, by: 1).map { k in k * step == 0 ? 0 : k * step }
        return zip(values, labels(values, step: step)).map { Tick(value: $0, label: $1) }
    }

    /// The labels of an axis's `values`, `step` apart, all in one style chosen by the largest
    /// magnitude: `200k`, `1.5M` from 1e5 up (SI prefixes, exponent form from 1e15); `5e-5`,
    /// `1.5e-4` below 1e-3; else as many decimals as the step needs (`0.25`, `1.5`, `2000`).
    public static func labels(_ values: [Double], step: Double) -> [String] {
        let largest = values.map(abs).max() ?? 0
        // Decimals of the mantissa of `value` in units of `unit`, as `step` needs, without trailing zeros.
        func scaled(_ value: Double, unit: Double) -> String {
            let decimals = Swift.max(0, Int(log10(unit).rounded()) - Int(log10(step).rounded(.down)) + (mantissa(step) == 2.5 ? 1 : 0))
            var text = String(format: "%.\(decimals)f", value / unit)
            if text.contains(".") {
                while text.hasSuffix("0") { text.removeLast() }
                if text.hasSuffix(".") { text.removeLast() }
            }
            return text
        }
        if largest >= 1e5 && largest < 1e15 {
            return values.map { value in
                guard value != 0 else { return "0" }
                let (unit, prefix) = [(1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k")].first { abs(value) >= $0.0 * (1 - 1e-12) } ?? (1, "")
                return scaled(value, unit: unit) + prefix
            }
        }
        if largest >= 1e15 || (largest > 0 && largest < 1e-3) {
            return values.map { value in
                guard value != 0 else { return "0" }
                let exponent = Int(log10(abs(value) * (1 + 1e-12)).rounded(.down))
                let text = scaled(value, unit: pow(10, Double(exponent)))
                return text + (exponent < 0 ? "e\(exponent)" : "e+\(exponent)")
            }
        }
        return values.map { $0 == 0 ? "0" : String(format: "%.\(fixedDecimals(step))f", $0) }
    }

    /// The decimals that show multiples of `step`: 2 for 0.25, 1 for 0.5, 0 for 2000.
    static func fixedDecimals(_ step: Double) -> Int {
        Swift.max(0, -Int(log10(step).rounded(.down)) + (mantissa(step) == 2.5 ? 1 : 0))
    }

    /// `value` over its power of ten: 2.5 for 0.025.
    static func mantissa(_ value: Double) -> Double { value / pow(10, log10(value).rounded(.down)) }

    /// Ticks for a base-10 logarithmic axis over [low, high] (both > 0): a labelled major tick
    /// at each decade (every second or third decade when there are many) and minor ticks at
    /// 2..9 times each decade. A range narrower than a decade gets labelled 1-2-5 ticks.
    public static func logarithmic(_ low: Double, _ high: Double) -> [Tick] {
        guard low > 0, high > low, low.isFinite, high.isFinite else { return [] }
        let firstDecade = Int(log10(low).rounded(.down)), lastDecade = Int(log10(high).rounded(.up))
        let decades = lastDecade - firstDecade
        let every = decades > 16 ? 4 : decades > 10 ? 3 : decades > 7 ? 2 : 1
        var ticks: [Tick] = []
        let insideDecades = (firstDecade...lastDecade).filter { d in pow(10, Double(d)) >= low * (1 - 1e-12) && pow(10, Double(d)) <= high * (1 + 1e-12) }
        for decade in firstDecade...lastDecade {
            let base = pow(10, Double(decade))
            if insideDecades.contains(decade) {
                ticks.append(Tick(value: base, label: decade % every == 0 ? decadeLabel(decade) : nil))
            }
            for multiple in 2...9 {
                let value = Double(multiple) * base
                if value >= low && value <= high {
                    let labelled = insideDecades.count < 2 && (multiple == 2 || multiple == 5)
                    ticks.append(Tick(value: value, label: labelled ? label(value, step: base) : nil))
                }
            }
        }
        return ticks.sorted { $0.value < $1.value }
    }

    /// The decade's label in the field's usual short form: `1e-4`, `1`, `10`, `1e+3`.
    public static func decadeLabel(_ exponent: Int) -> String {
        switch exponent {
        case 0: return "1"
        case 1: return "10"
        case 2: return "100"
        default: return exponent < 0 ? "1e\(exponent)" : "1e+\(exponent)"
        }
    }

    /// The smallest of 1, 2, 2.5, 5 (times a power of ten) at least `rough`.
    public static func niceStep(_ rough: Double) -> Double {
        guard rough > 0, rough.isFinite else { return 1 }
        let magnitude = pow(10, log10(rough).rounded(.down))
        let fraction = rough / magnitude
        let nice: Double = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 2.5 ? 2.5 : fraction <= 5 ? 5 : 10
        return nice * magnitude
    }

    /// `value` printed with as many decimals as `step` needs (`0.25`, `1.5`, `2000`), or in
    /// exponent form for very large or small magnitudes.
    public static func label(_ value: Double, step: Double) -> String {
        if value == 0 { return "0" }
        let magnitude = abs(value)
        if magnitude >= 1e5 || magnitude < 1e-3 { return String(format: "%g", value) }
        return String(format: "%.\(fixedDecimals(step))f", value)
    }
}
