/// A range-test curve as a CSV file holds it: the steps recorded by any tool (PyTorch, Keras,
/// fastai, torch-lr-finder, or lrfind's own CSV output).
public struct RecordedCurve: Equatable, Sendable {
    /// Every row, in order; the smoothed loss is the loss itself when the file has no
    /// `smoothed_loss` column.
    public var steps: [RangeTestStep]
    /// Whether the file has a `smoothed_loss` column.
    public var hasSmoothedColumn: Bool

    /// A curve of `steps`, with or without a smoothed column of its own.
    public init(steps: [RangeTestStep], hasSmoothedColumn: Bool) {
        self.steps = steps
        self.hasSmoothedColumn = hasSmoothedColumn
    }

    /// Reads a CSV file (plain or gzip) whose header names the columns `lr` and `loss` (any case,
    /// other columns ignored) and optionally `smoothed_loss`; at least two rows, with rates
    /// positive and increasing.
    /// - Throws: `DataError` naming the file, line, column and offending text.
    public static func read(path: String) throws -> RecordedCurve {
        try CSVReader.withFile(path) { records in
            var records = records
            guard let header = records.next() else { throw DataError(file: path, message: "empty file") }
            // Columns by name: the first of each.
            let names = header.fields.map { header.text(of: $0).trimmingSpaces.lowercased() }
            guard let rateColumn = names.firstIndex(of: "lr"), let lossColumn = names.firstIndex(of: "loss") else {
                throw DataError(file: path, line: header.line, message: "the header needs the columns lr and loss", text: header.text)
            }
            let smoothedColumn = names.firstIndex(of: "smoothed_loss")
            var steps: [RangeTestStep] = []
            for record in records {
                let fields = record.fields
                guard fields.count == names.count else {
                    throw DataError(file: path, line: record.line, message: "row has \(fields.count) fields, the header has \(names.count)",
                                    text: record.text)
                }
                func number(_ column: Int) throws -> Double {
                    guard let value = record.number(in: fields[column]) else {
                        throw record.numberError(in: fields[column], column: column + 1, file: path)
                    }
                    return value
                }
                let rate = try number(rateColumn), loss = try number(lossColumn)
                guard rate > 0, rate.isFinite else {
                    throw DataError(file: path, line: record.line, column: rateColumn + 1, message: "the learning rate must be positive",
                                    text: record.text(of: fields[rateColumn]))
                }
                if let last = steps.last, rate <= last.learningRate {
                    throw DataError(file: path, line: record.line, column: rateColumn + 1,
                                    message: "learning rates must increase: \(record.text(of: fields[rateColumn]).trimmingSpaces) after \(last.learningRate)")
                }
                steps.append(RangeTestStep(learningRate: rate, loss: loss, smoothedLoss: try smoothedColumn.map(number) ?? loss))
            }
            guard steps.count >= 2 else { throw DataError(file: path, message: "needs at least 2 rows of lr,loss, got \(steps.count)") }
            return RecordedCurve(steps: steps, hasSmoothedColumn: smoothedColumn != nil)
        }
    }
}
