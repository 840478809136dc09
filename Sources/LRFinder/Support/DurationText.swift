import Foundation

/// Durations as a command line writes them: `30s`, `5m`, `1h`, `1.5m`, or a bare number of
/// seconds.
public enum DurationText {
    /// The seconds `text` gives.
    /// - Throws: ``SweepError`` naming `option` for text that is not a positive finite duration.
    public static func seconds(_ text: String, option: String) throws -> Double {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let units: [(suffix: String, seconds: Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)]
        let unit = units.first { trimmed.hasSuffix($0.suffix) && Double(trimmed.dropLast($0.suffix.count)) != nil }
        let number = unit.map { Double(trimmed.dropLast($0.suffix.count)) } ?? Double(trimmed)
        guard let number, number.isFinite, number > 0 else {
            throw SweepError("\(option): '\(text)' is not a duration (30s, 5m, 1h or seconds > 0)")
        }
        return number * (unit?.seconds ?? 1)
    }
}
