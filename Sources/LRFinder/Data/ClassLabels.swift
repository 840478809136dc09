/// Class labels as a data file writes them, and the class indices a network uses.
///
/// A file's labels are any non-negative integers up to 2^31 - 1: `0..K-1`, `1..K`, or with gaps
/// (`5, 7, 9`). The distinct labels, in increasing order, become the classes `0..<K` (so no class
/// is empty and one large label does not make a huge output layer), and the original labels are
/// kept as the classes' names. How many classes a data set may have is bounded (see
/// ``check(classCount:trainingCount:maximum:file:)``).
public enum ClassLabels {
    /// The largest label a file may use.
    public static let largest = Int32.max

    /// The most classes allowed unless a larger maximum is given.
    public static let defaultMaximumCount = 10_000

    /// What is wrong with `value` as a label (`is not a non-negative integer`, `is out of range
    /// for a class label ...`), or nil when it is one.
    public static func problem(with value: Double) -> String? {
        guard value >= 0, value == value.rounded() else { return "is not a non-negative integer" }
        guard value <= Double(largest) else { return "is out of range for a class label (at most \(largest))" }
        return nil
    }

    /// `labels` as the indices `0..<K` of their distinct values in increasing order, and those
    /// values as text (the class names). Labels already `0..<K` come back unchanged.
    public static func compacted(_ labels: [Int32]) -> (indices: [Int32], names: [String]) {
        guard let maximum = labels.max() else { return ([], []) }
        // Small labels: a table indexed by label; large ones: the sorted distinct values.
        if Int(maximum) < max(4 * labels.count, 1 << 16) {
            var index = [Int32](repeating: -1, count: Int(maximum) + 1)
            for label in labels { index[Int(label)] = 0 }
            var names: [String] = []
            for label in index.indices where index[label] == 0 {
                index[label] = Int32(names.count)
                names.append(String(label))
            }
            return (names.count == index.count ? labels : labels.map { index[Int($0)] }, names)
        }
        let distinct = Set(labels).sorted()
        let index = Dictionary(uniqueKeysWithValues: distinct.enumerated().map { ($0.element, Int32($0.offset)) })
        return (labels.map { index[$0]! }, distinct.map { String($0) })
    }

    /// Throws unless `classCount` classes are a sensible classification of `trainingCount`
    /// training samples: with no `maximum`, at most ``defaultMaximumCount`` and at most half the
    /// training samples (more means most classes would have one sample or none: a column of ids
    /// or measurements rather than labels); with one, at most `maximum`.
    public static func check(classCount: Int, trainingCount: Int, maximum: Int?, file: String) throws {
        if let maximum {
            guard classCount <= maximum else {
                throw ClassCountError(file: file, classCount: classCount, reason: ", more than the maximum of \(maximum)")
            }
            return
        }
        guard classCount <= defaultMaximumCount else {
            throw ClassCountError(file: file, classCount: classCount, reason: ", more than \(defaultMaximumCount)")
        }
        guard 2 * classCount <= trainingCount else {
            throw ClassCountError(file: file, classCount: classCount,
                                  reason: " for \(trainingCount) training samples: most classes would have one sample or none; is the label column right?")
        }
    }
}

/// A data set with more classes than allowed: names the file, the count and why.
public struct ClassCountError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The data file.
    public var file: String
    /// Its classes.
    public var classCount: Int
    /// Why that is too many, as the text that follows `N classes` (`, more than 10000`).
    public var reason: String

    /// `FILE: N classes REASON (a maximum class count of N allows it)`.
    public var description: String { description(allowance: "a maximum class count of \(classCount) allows it") }

    /// The one-line message with `allowance` (how to allow the count) in parentheses at the end.
    public func description(allowance: String) -> String { "\(file): \(classCount) classes\(reason) (\(allowance))" }
}
