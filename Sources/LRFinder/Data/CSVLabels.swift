/// The label column of a CSV file as it is read: class labels (integers or names, mapped to
/// classes at the end in the order of ``ClassLabel``) or regression targets (numbers), or, with no
/// task given, whichever the column turns out to hold (``targets(file:)``).
///
/// Non-negative integer labels, the common case, are kept as they are; any other class label (a
/// name, a negative integer) by its index among such labels. Unless the task is classification,
/// every label is also kept as a number (NaN for a name).
struct CSVLabels {
    /// The task asked for; nil: inferred from the labels.
    let task: Task?
    /// Per row: a non-negative integer label, or `-1 - k` for the `k`th of `others` (0 for a
    /// label that can only be a target).
    private var values: [Int32] = []
    /// The labels that are not non-negative integers, in order of first appearance.
    private var others: [ClassLabel] = []
    /// The index of each of `others`.
    private var otherIndex: [ClassLabel: Int32] = [:]
    /// Per row, the label as a number (NaN for a name); empty when the task is classification.
    private var numbers: [Double] = []
    /// The first label that is a number with a fraction, as the error it is for classes.
    private var fraction: DataError?
    /// The first integer label too large for a class, as the error it is for classes.
    private var outOfRange: DataError?
    /// The first label that is a name.
    private var firstName: DataError?

    /// Labels for `task` (nil: inferred).
    init(task: Task? = nil) { self.task = task }

    /// Rows read.
    var count: Int { values.count }

    /// Forgets the label added last (of a row left out).
    mutating func removeLast() {
        values.removeLast()
        if task != .classification { numbers.removeLast() }
    }

    /// The bytes a row's label takes: its value, and its number unless the task is classification.
    var bytesPerLabel: Int {
        MemoryLayout<Int32>.size + (task == .classification ? 0 : MemoryLayout<Double>.size)
    }

    /// Reserves room for `count` labels.
    mutating func reserveCapacity(_ count: Int) {
        values.reserveCapacity(count)
        if task != .classification { numbers.reserveCapacity(count) }
    }

    /// Adds the label in `field` of `record` (the `column`th): an integer, a number (a target) or
    /// a name (its text without quotes and surrounding spaces). An error: an empty field, a number
    /// beyond Float's range, a name that is not UTF-8 text, a name for regression, and for
    /// classification a number with a fraction or an integer beyond ±(2^31 - 1); with no task,
    /// names mixed with fractions.
    mutating func add(_ record: CSVRecord, _ field: Range<Int>, column: Int, file: String) throws {
        let label: ClassLabel
        if let number = record.number(in: field, fitting: .float) {
            if task != .classification { numbers.append(number) }
            guard number == number.rounded() else {
                let error = DataError(file: file, line: record.line, column: column, message: "label is a number but not an integer",
                                      text: record.shownText(of: field))
                if task == .classification { throw error }
                if task == nil, let firstName {
                    throw DataError(file: file, line: record.line, column: column,
                                    message: "label is a number with a fraction, but line \(firstName.line ?? 0) has a name ('\(firstName.text ?? "")'): classes or targets?",
                                    text: record.shownText(of: field))
                }
                if fraction == nil { fraction = error }
                values.append(0)
                return
            }
            guard abs(number) <= Double(ClassLabels.largest) else {
                let error = DataError(file: file, line: record.line, column: column,
                                      message: "label is out of range for a class label (at most \(ClassLabels.largest) in magnitude)",
                                      text: record.shownText(of: field))
                if task == .classification { throw error }
                if outOfRange == nil { outOfRange = error }
                values.append(0)
                return
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
            // Latin-1 `Z\xFCrich` and `Z\xE4rich` would both be `Z\u{FFFD}rich`: one class.
            try record.checkUTF8(field, as: "label", column: column, file: file)
            let name = text.trimmingSpaces
            guard !name.isEmpty else {
                throw DataError(file: file, line: record.line, column: column, message: "empty label", text: record.shownText(of: field))
            }
            if task == .regression {
                throw DataError(file: file, line: record.line, column: column, message: "label is not a number, and regression needs numeric targets",
                                text: record.shownText(of: field))
            }
            if task == nil, let fraction {
                throw DataError(file: file, line: record.line, column: column,
                                message: "label is a name, but line \(fraction.line ?? 0) has a number with a fraction ('\(fraction.text ?? "")'): classes or targets?",
                                text: record.shownText(of: field))
            }
            if firstName == nil { firstName = DataError(file: file, line: record.line, column: column, message: "", text: record.shownText(of: field).trimmingSpaces) }
            if task != .classification { numbers.append(.nan) }
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

    /// The targets the labels make for `task`, or with no task the one they imply: a number with a
    /// fraction anywhere means regression (with a note saying so); names, or at most
    /// ``Task/largestInferredClassCount`` distinct integers, mean classification.
    /// - Throws: ``TaskInferenceError`` for more distinct integers with no task; the class-label
    ///   error of a fraction or too large an integer under classification.
    func targets(file: String) throws -> (targets: Targets, classNames: [String], note: String?) {
        var chosen = task
        var note: String?
        if chosen == nil {
            if let fraction {
                chosen = .regression
                note = "\(file): the labels are numbers, some with a fraction (line \(fraction.line ?? 0): '\(DisplayText.shown(fraction.text ?? ""))'): a regression task"
            } else if firstName != nil {
                chosen = .classification
            } else {
                let distinct = Set(numbers).count
                guard distinct <= Task.largestInferredClassCount else {
                    throw TaskInferenceError(file: file, distinctCount: distinct)
                }
                chosen = .classification
            }
        }
        if chosen == .regression {
            let column = Matrix(rows: numbers.count, columns: 1, storage: numbers.map { Float($0) })
            return (.values(column), [], note)
        }
        if let error = fraction ?? outOfRange { throw error }
        let (indices, names) = classes()
        return (.classes(indices, count: names.count), names, note)
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

/// Integer labels with too many distinct values to take them for classes without being told:
/// names the file and the count.
public struct TaskInferenceError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The data file.
    public var file: String
    /// Its distinct integer labels.
    public var distinctCount: Int

    /// `FILE: the labels are N distinct integers (more than 100): classes or a quantity? ...`.
    public var description: String {
        "\(file): the labels are \(distinctCount) distinct integers (more than \(Task.largestInferredClassCount)): classes or a quantity to predict? name the task, classification or regression"
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
