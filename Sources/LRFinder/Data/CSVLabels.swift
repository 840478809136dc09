/// The class labels of a CSV file as it is read: integers or names, mapped to classes at the end in
/// the order of ``ClassLabel``. Non-negative integers, the common case, are
/// kept as they are; any other label (a name, a negative integer) by its index among such labels.
struct CSVLabels {
    /// Per row: a non-negative integer label, or `-1 - k` for the `k`th of `others`.
    private var values: [Int32] = []
    /// The labels that are not non-negative integers, in order of first appearance.
    private var others: [ClassLabel] = []
    /// The index of each of `others`.
    private var otherIndex: [ClassLabel: Int32] = [:]

    /// Rows read.
    var count: Int { values.count }

    /// Forgets the label added last (of a row left out).
    mutating func removeLast() { values.removeLast() }

    /// Reserves room for `count` labels.
    mutating func reserveCapacity(_ count: Int) { values.reserveCapacity(count) }

    /// Adds the label in `field` of `record` (the `column`th): an integer, or else a name (its text
    /// without quotes and surrounding spaces); a non-integer number, an integer beyond
    /// ±(2^31 - 1) (or a Float) or an empty field is an error.
    mutating func add(_ record: CSVRecord, _ field: Range<Int>, column: Int, file: String) throws {
        let label: ClassLabel
        if let number = record.number(in: field, fitting: .float) {
            guard number == number.rounded() else {
                throw DataError(file: file, line: record.line, column: column, message: "label is a number but not an integer",
                                text: record.text(of: field))
            }
            guard abs(number) <= Double(ClassLabels.largest) else {
                throw DataError(file: file, line: record.line, column: column,
                                message: "label is out of range for a class label (at most \(ClassLabels.largest) in magnitude)",
                                text: record.text(of: field))
            }
            if number >= 0 {
                values.append(Int32(number))
                return
            }
            label = .integer(Int64(number))
        } else {
            guard let text = record.unquotedText(of: field), record.number(in: field, fitting: .unbounded) == nil else {
                throw record.numberError(in: field, column: column, file: file, fitting: .float)
            }
            let name = text.trimmingSpaces
            guard !name.isEmpty else {
                throw DataError(file: file, line: record.line, column: column, message: "empty label", text: text)
            }
            label = .name(name)
        }
        if let index = otherIndex[label] {
            values.append(-1 - index)
        } else {
            otherIndex[label] = Int32(others.count)
            values.append(-1 - Int32(others.count))
            others.append(label)
        }
    }

    /// Each row's class and the classes' names, classes in the order of ``ClassLabel``.
    func classes() -> (indices: [Int32], names: [String]) {
        guard !others.isEmpty else { return ClassLabels.compacted(values) }
        let integers = Set(values.filter { $0 >= 0 }).map { ClassLabel.integer(Int64($0)) }
        let sorted = (integers + others).sorted()
        let index = Dictionary(uniqueKeysWithValues: sorted.enumerated().map { ($0.element, Int32($0.offset)) })
        let otherClass = others.map { index[$0]! }
        let indices = values.map { $0 >= 0 ? index[.integer(Int64($0))]! : otherClass[Int(-1 - $0)] }
        return (indices, sorted.map(\.name))
    }
}

/// A class label as a data file writes it: an integer or a name. Labels sort integers first, by
/// value, then names by their UTF-8 bytes.
public enum ClassLabel: Hashable, Comparable, Sendable {
    /// An integer label.
    case integer(Int64)
    /// Any other label.
    case name(String)

    /// The label as the class's name.
    public var name: String {
        switch self {
        case let .integer(value): String(value)
        case let .name(name): name
        }
    }

    /// Integers before names; integers by value, names by their UTF-8 bytes.
    public static func < (lhs: ClassLabel, rhs: ClassLabel) -> Bool {
        switch (lhs, rhs) {
        case let (.integer(a), .integer(b)): a < b
        case (.integer, .name): true
        case (.name, .integer): false
        case let (.name(a), .name(b)): a.utf8.lexicographicallyPrecedes(b.utf8)
        }
    }
}
