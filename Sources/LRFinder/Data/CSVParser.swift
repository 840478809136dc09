import Foundation

/// Parses numeric CSV bytes straight into a feature matrix and a label vector: records from
/// `CSVReader`, each field's number scanned where it lies (no String per field, one pass over
/// the bytes of a record).
struct CSVParser {
    let path: String
    let bytes: UnsafeBufferPointer<UInt8>
    let labelColumn: LabelColumn
    let header: HeaderMode

    /// The data set, or the first problem found.
    func parse() throws -> Dataset {
        var fieldCount = -1
        var labelIndex = 0
        var features: [Float] = []
        var labels: [Int32] = []
        var sawHeaderCheck = false
        var values: [Double] = []

        for record in CSVReader(bytes: bytes) {
            if !sawHeaderCheck {
                sawHeaderCheck = true
                if header == .present || (header == .auto && Self.looksLikeHeader(record)) { continue }
            }
            values.removeAll(keepingCapacity: true)
            var cursor = record.range.lowerBound
            var column = 0
            while true {
                column += 1
                guard let (value, end) = record.floatField(at: cursor) else {
                    throw record.numberError(in: cursor..<record.fieldEnd(from: cursor), column: column, file: path, fitting: .float)
                }
                values.append(value)
                if end == record.range.upperBound { break }
                cursor = end + 1
            }
            if fieldCount < 0 {
                fieldCount = values.count
                guard fieldCount >= 2 else {
                    throw DataError(file: path, line: record.line, message: "a row needs at least one feature and a label, found \(fieldCount) field")
                }
                switch labelColumn {
                case .first: labelIndex = 0
                case .last: labelIndex = fieldCount - 1
                case let .index(index):
                    guard index >= 0 && index < fieldCount else {
                        throw DataError(file: path, line: record.line, message: "label column \(index + 1) does not exist: rows have \(fieldCount) fields")
                    }
                    labelIndex = index
                }
                // Rows like the first one fill the file: reserve for that many.
                features.reserveCapacity(fieldCount * max(1, bytes.count / max(1, record.range.count + 1)))
            } else if values.count != fieldCount {
                throw DataError(file: path, line: record.line, message: "row has \(values.count) fields, expected \(fieldCount)",
                                text: record.text)
            }
            let label = values[labelIndex]
            guard label >= 0, label == label.rounded(), label <= Double(ClassLabels.largest) else {
                throw DataError(file: path, line: record.line, column: labelIndex + 1, message: "label " + (ClassLabels.problem(with: label) ?? ""),
                                text: record.text(of: record.fields[labelIndex]))
            }
            labels.append(Int32(label))
            for index in 0..<labelIndex { features.append(Float(values[index])) }
            for index in (labelIndex + 1)..<fieldCount { features.append(Float(values[index])) }
        }
        guard fieldCount > 0, !labels.isEmpty else { throw DataError(file: path, message: "no data rows") }
        return Dataset(features: Matrix(rows: labels.count, columns: fieldCount - 1, storage: features), labels: labels, source: path)
    }

    /// Whether the first record is a header (under `--header auto`): a field is not a number
    /// (of any size: an out-of-range value is data, and an error), or the record is exactly
    /// `0,1,2,...,n-1`, the column names pandas gives a frame without names.
    static func looksLikeHeader(_ record: CSVRecord) -> Bool {
        let fields = record.fields
        guard fields.allSatisfy({ record.number(in: $0, fitting: .unbounded) != nil }) else { return true }
        return fields.enumerated().allSatisfy { index, field in record.text(of: field) == String(index) }
    }
}
