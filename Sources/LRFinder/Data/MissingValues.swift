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
                  text: record.text(of: field))
    }

    /// `parts` with each NaN (a missing value read under ``mean``) replaced by its column's mean
    /// over the training split's other values; a column with no value in the training split is an
    /// error.
    static func filledWithTrainingMeans(_ parts: DataSplit, file: String) throws -> DataSplit {
        let features = parts.train.features
        var sums = [Double](repeating: 0, count: features.columns)
        var counts = [Int](repeating: 0, count: features.columns)
        var anyMissing = false
        for row in 0..<features.rows {
            for column in 0..<features.columns {
                let value = features[row, column]
                if value.isNaN { anyMissing = true } else { sums[column] += Double(value); counts[column] += 1 }
            }
        }
        let others = [parts.validation, parts.test]
        guard anyMissing || others.contains(where: { $0.features.storage.contains { $0.isNaN } }) else { return parts }
        if let empty = counts.firstIndex(of: 0) {
            throw DataError(file: file, message: "feature \(empty + 1) has no value in the training split to fill its missing values with")
        }
        let means = zip(sums, counts).map { Float($0 / Double($1)) }
        func filled(_ data: Dataset) -> Dataset {
            var data = data
            let columns = data.features.columns
            for index in data.features.storage.indices where data.features.storage[index].isNaN {
                data.features.storage[index] = means[index % columns]
            }
            return data
        }
        var result = parts
        result.train = filled(parts.train)
        result.validation = filled(parts.validation)
        result.test = filled(parts.test)
        return result
    }
}
