/// A file of metric values, one per epoch, for a schedule that watches a metric (ReduceLROnPlateau).
public enum MetricsFile {
    /// Reads one finite number per line from a text file (plain or gzip); blank lines and lines
    /// starting with `#` are skipped.
    /// - Throws: `DataError` naming the file, line and offending text.
    public static func read(path: String) throws -> [Double] {
        try CSVReader.withFile(path, commentPrefix: "#") { records in
            try records.map { record in
                guard let value = record.number(in: record.range), value.isFinite else {
                    throw record.numberError(in: record.range, column: nil, file: path)
                }
                return value
            }
        }
    }
}
