import Foundation

/// A column of a plain-text table whose numbers keep its width, so that neighbouring columns
/// never run together: `%.4f` gives `82192299795628221641261056.0000` for a loss of 8.2e25,
/// which swallows the next column; here it becomes `8.219e+25`.
///
/// A number is written in the column's style while that fits in `width - 1` characters (one
/// space is kept to separate it from the next column), else in scientific notation (`%.3e`,
/// with fewer digits when even that is too wide). NaN and infinities print as `nan`, `inf` and
/// `-inf`. Nothing is ever cut: a text that cannot fit (a very narrow column) overflows it but
/// still ends with a space. `lrfind` prints every table with it (the per-epoch training table,
/// the range test's, `bench`'s and `schedule`'s); it is in the library because anyone printing
/// a ``TrainingResult`` or a ``RangeTestResult`` as a table meets the same problem.
public struct TableColumn: Hashable, Sendable {
    /// How a number is written while it fits.
    public enum Style: Hashable, Sendable {
        /// A fixed number of digits after the point, C's `%.Nf` (losses, accuracies, seconds).
        case fixed(fractionDigits: Int)
        /// A number of significant digits, C's `%.Ng` (learning rates, momenta).
        case significant(digits: Int)
    }

    /// How numbers are written while they fit.
    public var style: Style
    /// Characters of the column, the separating space included.
    public var width: Int

    /// A column of `width` characters (the separating space included) writing numbers in `style`.
    public init(_ style: Style, width: Int) {
        self.style = style
        self.width = width
    }

    /// `value` in at most `width - 1` characters when possible: in the column's style, else in
    /// scientific notation with three digits after the point, or as many as fit.
    public func text(_ value: Double) -> String {
        guard value.isFinite else { return value.isNaN ? "nan" : value > 0 ? "inf" : "-inf" }
        let room = width - 1
        let preferred: String
        let scientificDigits: Int
        switch style {
        case let .fixed(fractionDigits):
            preferred = String(format: "%.\(max(fractionDigits, 0))f", value)
            scientificDigits = 3
        case let .significant(digits):
            preferred = String(format: "%.\(max(digits, 1))g", value)
            scientificDigits = max(digits - 1, 0)
        }
        guard preferred.count > room else { return preferred }
        var digits = min(scientificDigits, 3)
        var scientific = String(format: "%.\(digits)e", value)
        while scientific.count > room && digits > 0 {
            digits -= 1
            scientific = String(format: "%.\(digits)e", value)
        }
        return scientific
    }

    /// `value` as ``text(_:)`` writes it, padded with spaces to the column's width.
    public func cell(_ value: Double) -> String {
        Self.cell(text(value), width: width)
    }

    /// `text` padded with spaces to `width` characters, or followed by one space when it is
    /// that long or longer (it is never cut).
    public static func cell(_ text: String, width: Int) -> String {
        text.count < width ? text + String(repeating: " ", count: width - text.count) : text + " "
    }
}
