import Foundation

/// The rates of a sweep: `pow(10, k / perDecade)` for the integers k from the grid point nearest
/// `from` to the one nearest `to` (each end snaps to the nearest grid point, which is always within
/// half a step: k = round(log10(x) * perDecade)); or an explicit list, in the order given.
///
/// `logarithmic(from: 1e-6, to: 0.0316, perDecade: 10)` gives the notes' 46 rates
/// 10^-6.0, 10^-5.9, ..., 10^-1.5.
public struct SweepGrid: Equatable, Codable, Sendable {
    /// The most runs a sweep may hold (rates times seeds), checked before anything is allocated.
    public static let maximumRunCount = 10_000

    /// The rates, in sweep order.
    public var rates: [Double]

    /// The grid from the point nearest `from` to the one nearest `to`, `perDecade` points a decade.
    /// - Throws: ``SweepError`` for a non-positive or non-finite end, `from > to`, `perDecade < 1`,
    ///   or more than ``maximumRunCount`` rates.
    public static func logarithmic(from: Double, to: Double, perDecade: Int) throws -> SweepGrid {
        guard perDecade >= 1 else { throw SweepError("--per-decade must be >= 1, got \(perDecade)") }
        for (option, value) in [("--from", from), ("--to", to)] where !(value.isFinite && value > 0) {
            throw SweepError("\(option) must be a positive finite rate, got \(value)")
        }
        guard from <= to else {
            throw SweepError("--from must be <= --to, got --from \(from) --to \(to)")
        }
        // Grid indices k = round(log10(x) * perDecade): log10 of a positive finite double is within
        // [-324, 309]; indices beyond 2^52 (an absurd perDecade) are refused before converting.
        let lowIndex = (log10(from) * Double(perDecade)).rounded(), highIndex = (log10(to) * Double(perDecade)).rounded()
        let count = highIndex - lowIndex + 1
        guard count <= Double(maximumRunCount) else {
            throw SweepError("--from \(from) --to \(to) --per-decade \(perDecade) is \(String(format: "%.0f", count)) rates, more than the \(maximumRunCount) a sweep holds")
        }
        guard Swift.max(abs(lowIndex), abs(highIndex)) < 0x1p52 else {
            throw SweepError("--per-decade \(perDecade) is too fine a grid for --from \(from) --to \(to)")
        }
        let low = Int(lowIndex), high = Int(highIndex)
        let rates = (low...high).map { pow(10, Double($0) / Double(perDecade)) }
        if let bad = rates.first(where: { !($0.isFinite && $0 > 0) }) {
            throw SweepError("--from \(from) --to \(to): the grid reaches \(bad), not a usable rate")
        }
        return SweepGrid(rates: rates)
    }

    /// The rates `rates`, in the order given.
    /// - Throws: ``SweepError`` for an empty list, a non-positive or non-finite rate, a rate given
    ///   twice, or more than ``maximumRunCount`` rates.
    public static func list(_ rates: [Double]) throws -> SweepGrid {
        guard !rates.isEmpty else { throw SweepError("--rates must list at least one rate") }
        guard rates.count <= maximumRunCount else {
            throw SweepError("--rates lists \(rates.count) rates, more than the \(maximumRunCount) a sweep holds")
        }
        var seen = Set<Double>()
        for rate in rates {
            guard rate.isFinite && rate > 0 else { throw SweepError("--rates: every rate must be positive and finite, got \(rate)") }
            guard seen.insert(rate).inserted else { throw SweepError("--rates lists \(rate) twice") }
        }
        return SweepGrid(rates: rates)
    }

    /// A grid of exactly `rates` (unchecked; ``list(_:)`` checks).
    public init(rates: [Double]) { self.rates = rates }
}
