import Foundation

/// The one way lrfind writes numbers and byte counts in sentences and tables' neighbours
/// (tables' columns use ``TableColumn``, which writes through the same rules).
public enum NumberText {
    /// Four significant digits (`0.001`, `3.162e-05`, C's `%.4g`); `nan` for any NaN (C writes
    /// `-nan` for the one `0/0` gives).
    public static func significant(_ value: Double) -> String {
        value.isNaN ? "nan" : String(format: "%.4g", value)
    }

    /// `fractionDigits` digits after the point (`0.9712`) while that takes at most 12 characters,
    /// else scientific notation (`-4.312e+63`): a huge negative R-squared stays readable.
    public static func fixed(_ value: Double, fractionDigits: Int = 4) -> String {
        TableColumn(.fixed(fractionDigits: fractionDigits), width: 13).text(value)
    }

    /// Bytes in decimal units with one decimal: `3.6 MB`, `313.6 GB`, `812.0 kB`; `0 bytes`.
    public static func bytes(_ value: some BinaryInteger) -> String {
        guard value > 0 else { return "0 bytes" }
        let scaled = Double(value)
        if scaled >= 1e12 { return String(format: "%.1f TB", scaled / 1e12) }
        if scaled >= 1e9 { return String(format: "%.1f GB", scaled / 1e9) }
        if scaled >= 1e6 { return String(format: "%.1f MB", scaled / 1e6) }
        return String(format: "%.1f kB", scaled / 1e3)
    }
}
