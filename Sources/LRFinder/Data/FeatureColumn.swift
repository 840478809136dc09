/// One feature column of a data file as it was read: its name and, for a categorical column, the
/// levels its cells hold. A categorical column's feature values are indices into `levels` (NaN
/// for a missing cell) until ``FeatureEncoding`` one-hot encodes them.
public struct FeatureColumn: Hashable, Codable, Sendable {
    /// The header name, or `column N` (1-based position in the file) when the file has no header.
    public var name: String
    /// The 1-based position of the column in the file.
    public var position: Int
    /// The distinct non-missing texts of a categorical column, in order of first appearance; nil
    /// for a numeric column. A cell that holds a number is named by its value (``levelName(_:)``),
    /// so `1` and `1.0` are one level, and `0.1` is `0.1`.
    public var levels: [String]?

    /// A column named `name` at 1-based `position`, categorical when `levels` is given.
    public init(name: String, position: Int, levels: [String]? = nil) {
        self.name = name
        self.position = position
        self.levels = levels
    }

    /// Whether the column holds categories.
    public var isCategorical: Bool { levels != nil }

    /// The level name of a numeric cell in a categorical column, read as a Float: the integer
    /// without a decimal point when the value is whole, else the shortest text that reads back as
    /// the Float (``Swift/Float/shortestText``): `0.1` for a cell `0.1` or `0.10`, not the
    /// Double `0.10000000149011612`.
    public static func levelName(_ value: Float) -> String { value.shortestText }

    /// ``levelName(_:)`` of a feature value widened to a Double: named as its Float.
    public static func levelName(_ value: Double) -> String { Float(value).shortestText }

    /// The numeric columns `1...count`, named `column N`.
    static func numeric(count: Int) -> [FeatureColumn] {
        (0..<count).map { FeatureColumn(name: "column \($0 + 1)", position: $0 + 1) }
    }
}

/// Which feature columns of a CSV file hold categories, to be one-hot encoded.
public enum CategoricalColumns: Hashable, Codable, Sendable {
    /// A column is categorical when most of its non-missing cells are not numbers.
    case auto
    /// No column is categorical: a cell that is not a number is an error.
    case none
    /// Exactly these columns (names or positions); every other column is numeric.
    case columns([CSVColumn])

    /// Parses `auto`, `none` or a comma-separated list of header names and 1-based column numbers;
    /// nil for an empty list or an entry below 1.
    public init?(parsing text: String) {
        switch text {
        case "auto": self = .auto
        case "none": self = .none
        default:
            let texts = text.split(separator: ",", omittingEmptySubsequences: false).map { String($0).trimmingSpaces }
            let entries = texts.compactMap { $0.isEmpty ? nil : CSVColumn(parsing: $0) }
            guard !entries.isEmpty, entries.count == texts.count else { return nil }
            self = .columns(entries)
        }
    }

    /// The most levels a categorical column may have.
    public static let maximumLevelCount = 100
}
