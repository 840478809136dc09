/// What to do with a missing value in a feature column of a CSV file: an empty field, `NA`,
/// `N/A`, `NaN`, `?` or `null` (any case, quoted or not, spaces around allowed). Never a NaN in
/// training.
public enum MissingValues: String, CaseIterable, Codable, Sendable {
    /// An error naming the file, line and column, with a hint at the other two.
    case error
    /// Rows with a missing feature value are left out.
    case drop
    /// A missing value takes its column's mean over the training split.
    case mean

    /// The texts that mean "missing", lowercased.
    static let tokens: Set<String> = ["", "na", "n/a", "nan", "?", "null"]

    /// Whether `field` of `record` holds a missing value.
    static func isMissing(_ record: CSVRecord, _ field: Range<Int>) -> Bool {
        guard let text = record.unquotedText(of: field) else { return false }
        return tokens.contains(text.trimmingSpaces.lowercased())
    }

    /// The error for the missing value in `field` (the `column`th) of `record`.
    static func error(_ record: CSVRecord, _ field: Range<Int>, column: Int, file: String) -> DataError {
        DataError(file: file, line: record.line, column: column,
                  message: "missing value (--missing drop leaves such rows out, --missing mean fills in the column's training mean)",
                  text: record.shownText(of: field))
    }
}
