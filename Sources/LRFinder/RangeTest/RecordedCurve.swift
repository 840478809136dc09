/// A range-test curve as a CSV file holds it: the steps recorded by any tool (PyTorch, Keras,
/// fastai, torch-lr-finder, or lrfind's own CSV output).
public struct RecordedCurve: Equatable, Sendable {
    /// Every row, in order; the smoothed loss is the loss itself when the file has no
    /// `smoothed_loss` column. A loss may be NaN or infinite (``finiteCurve()`` sets them aside).
    public var steps: [RangeTestStep]
    /// The file line of each step (1-based).
    public var lines: [Int]
    /// Whether the file has a `smoothed_loss` column.
    public var hasSmoothedColumn: Bool

    /// A curve of `steps`, read from `lines` (default: 1, 2, ...), with or without a smoothed
    /// column of its own.
    public init(steps: [RangeTestStep], lines: [Int]? = nil, hasSmoothedColumn: Bool) {
        precondition(lines == nil || lines!.count == steps.count, "one line per step")
        self.steps = steps
        self.lines = lines ?? steps.indices.map { $0 + 1 }
        self.hasSmoothedColumn = hasSmoothedColumn
    }

    /// The column names a curve file is read by (any case, spaces around them ignored).
    static let rateName = "lr", lossName = "loss", smoothedName = "smoothed_loss"

    /// Reads a CSV file (plain or gzip; `-` is standard input) whose header names the columns
    /// `lr` and `loss` (any case, other columns ignored) and optionally `smoothed_loss`, each
    /// once; at least two rows, with rates positive, finite and increasing. Losses may be `nan`,
    /// `inf` or `-inf` (any case; `infinity` too): a recorded loss can be. Every value must fit a
    /// Double.
    /// - Throws: `DataError` naming the file, line, column and offending text.
    public static func read(path: String) throws -> RecordedCurve {
        let file = FileBytes.displayName(path)
        return try CSVReader.withFile(path) { records in
            var records = records
            guard let header = records.next() else { throw DataError(file: file, message: "empty file") }
            let names = header.fields.map { header.text(of: $0).trimmingSpaces.lowercased() }
            func column(_ name: String) throws -> Int? {
                let found = names.indices.filter { names[$0] == name }
                guard found.count <= 1 else {
                    let listed = found.map { "\($0 + 1) ('\(header.text(of: header.fields[$0]).trimmingSpaces)')" }
                    let columns = listed.dropLast().joined(separator: ", ") + " and " + listed.last!
                    throw DataError(file: file, line: header.line, message: "columns \(columns) are \(found.count == 2 ? "both" : "all") named \(name): keep one")
                }
                return found.first
            }
            let rateColumn = try column(rateName), lossColumn = try column(lossName)
            let smoothedColumn = try column(smoothedName)
            guard let rateColumn, let lossColumn else {
                throw DataError(file: file, line: header.line, message: "the header needs the columns lr and loss", text: header.shownText)
            }
            var steps: [RangeTestStep] = []
            var lines: [Int] = []
            for record in records {
                let fields = record.fields
                guard fields.count == names.count else {
                    throw DataError(file: file, line: record.line, message: "row has \(fields.count) fields, the header has \(names.count)",
                                    text: record.shownText)
                }
                func number(_ column: Int) throws -> Double {
                    if let value = record.number(in: fields[column]) ?? nonFiniteValue(record.text(of: fields[column])) { return value }
                    throw record.numberError(in: fields[column], column: column + 1, file: file)
                }
                let rate = try number(rateColumn), loss = try number(lossColumn)
                guard rate > 0, rate.isFinite else {
                    throw DataError(file: file, line: record.line, column: rateColumn + 1,
                                    message: rate.isNaN || rate.isInfinite ? "the learning rate must be finite" : "the learning rate must be positive",
                                    text: record.shownText(of: fields[rateColumn]))
                }
                if let last = steps.last, rate <= last.learningRate {
                    throw DataError(file: file, line: record.line, column: rateColumn + 1,
                                    message: "learning rates must increase: \(record.shownText(of: fields[rateColumn]).trimmingSpaces) after \(last.learningRate)")
                }
                steps.append(RangeTestStep(learningRate: rate, loss: loss, smoothedLoss: try smoothedColumn.map(number) ?? loss))
                lines.append(record.line)
            }
            guard steps.count >= 2 else { throw DataError(file: file, message: "needs at least 2 rows of lr,loss, got \(steps.count)") }
            return RecordedCurve(steps: steps, lines: lines, hasSmoothedColumn: smoothedColumn != nil)
        }
    }

    /// NaN for `nan`, an infinity for `inf`, `infinity` (any case, signed or not), nil otherwise.
    static func nonFiniteValue(_ text: String) -> Double? {
        var word = Substring(text.trimmingSpaces.lowercased())
        let negative = word.first == "-"
        if word.first == "-" || word.first == "+" { word = word.dropFirst() }
        switch word {
        case "nan": return .nan
        case "inf", "infinity": return negative ? -.infinity : .infinity
        default: return nil
        }
    }

    /// The curve to analyse: the steps whose loss (and smoothed loss) are finite.
    ///
    /// A non-finite point with finite points on both sides (or, at the start, after it) is
    /// dropped: a glitch. A run of them at the end is where the curve diverged: the curve stops
    /// before it. So does a run of two or more in the middle (what follows such a run is not the
    /// same training any more).
    public func finiteCurve() -> FiniteCurve {
        let finite = steps.map { $0.loss.isFinite && $0.smoothedLoss.isFinite }
        var result = FiniteCurve()
        var index = 0
        while index < steps.count {
            guard !finite[index] else {
                result.steps.append(steps[index])
                index += 1
                continue
            }
            let runEnd = finite[index...].firstIndex(of: true) ?? steps.count
            if runEnd == steps.count || runEnd - index >= 2 {
                result.stopLines = lines[index]...lines[runEnd - 1]
                result.stopRunLength = runEnd - index
                result.ignoredCount = steps.count - index
                break
            }
            result.droppedLines.append(lines[index])
            index = runEnd
        }
        return result
    }
}

/// A recorded curve without its non-finite points (``RecordedCurve/finiteCurve()``), and what was
/// set aside.
public struct FiniteCurve: Equatable, Sendable {
    /// The finite steps, in order.
    public var steps: [RangeTestStep] = []
    /// The lines of the isolated non-finite points that were dropped.
    public var droppedLines: [Int] = []
    /// The lines of the non-finite run where the curve stops: a run at the end (the divergence)
    /// or of two or more points in the middle; nil when the curve runs to the end.
    public var stopLines: ClosedRange<Int>?
    /// How many points that run has.
    public var stopRunLength = 0
    /// The rows from the run's start to the end, set aside.
    public var ignoredCount = 0

    /// One line per thing set aside, for the user: the dropped points and where the curve stops.
    public var notes: [String] {
        var notes: [String] = []
        if !droppedLines.isEmpty {
            let shown = droppedLines.prefix(10).map(String.init).joined(separator: ", ")
            let more = droppedLines.count > 10 ? " and \(droppedLines.count - 10) more" : ""
            notes.append("dropped \(droppedLines.count) isolated non-finite loss(es), at line(s) \(shown)\(more)")
        }
        if let stopLines {
            notes.append(stopRunLength == ignoredCount
                ? "the loss is non-finite from line \(stopLines.lowerBound) to the end (\(ignoredCount) row(s)): the curve stops there (divergence)"
                : "the loss is non-finite at lines \(stopLines.lowerBound) to \(stopLines.upperBound): the curve stops there (divergence); the \(ignoredCount - stopRunLength) row(s) after them are ignored")
        }
        return notes
    }
}

extension RecordedCurve {
    /// The CSV of a recorded curve, which ``read(path:)`` reads back: `step,lr,loss,smoothed_loss,lag_free_loss`,
    /// one row per step (numbers as their shortest round-trip text).
    public static func csvText(_ curve: RangeTestResult, lagFreeLosses: [Double]) -> String {
        var text = "step,lr,loss,smoothed_loss,lag_free_loss\n"
        for (index, step) in curve.steps.enumerated() {
            text += "\(index),\(step.learningRate),\(step.loss),\(step.smoothedLoss),\(lagFreeLosses[index])\n"
        }
        return text
    }
}

extension RecordedCurve {
    /// The curve with its raw losses recovered: each step's loss becomes the raw loss that
    /// `smoothing` turned into the stored one (``LossSmoothing/raw(from:)``, over every row in
    /// order), and its smoothed loss the stored value, which the reference tools' rules read as
    /// the tools did.
    public func recoveringRaw(_ smoothing: LossSmoothing) -> RecordedCurve {
        let stored = steps.map(\.loss)
        let raw = smoothing.raw(from: stored)
        let recovered = steps.indices.map { RangeTestStep(learningRate: steps[$0].learningRate, loss: raw[$0], smoothedLoss: stored[$0]) }
        return RecordedCurve(steps: recovered, lines: lines, hasSmoothedColumn: true)
    }
}
