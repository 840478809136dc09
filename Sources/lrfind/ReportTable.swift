import LRFinder

/// The classification report of `lrfind train`'s test split: per-class precision, recall, F1
/// and support, then the confusion matrix (rows true, columns predicted) for up to
/// ``matrixClassLimit`` classes.
enum ReportTable {
    /// Above this many classes the table leaves the matrix out (the JSON always has it).
    static let matrixClassLimit = 20

    /// The summary after the test loss: accuracy, balanced accuracy and macro F1.
    static func averages(_ report: ClassificationReport) -> String {
        String(format: "accuracy %.4f, balanced accuracy %.4f, macro F1 %.4f", report.accuracy, report.balancedAccuracy, report.macroF1)
    }

    /// `RMSE 52.1, MAE 41.3, R-squared 0.4821` in the target's units.
    static func regression(_ report: RegressionReport) -> String {
        "RMSE \(format(report.rootMeanSquaredError)), MAE \(format(report.meanAbsoluteError)), R-squared \(NumberText.fixed(report.rSquared))"
    }

    /// `label: loss 0.123, <scores> (N samples)` and, for classes, the per-class table: an
    /// evaluation's summary lines (scores: the report's averages, the regression report, or the
    /// accuracy alone).
    static func summary(_ evaluation: Evaluation, label: String, classNames: [String]) -> [String] {
        let scores = evaluation.report.map { ", " + averages($0) } ?? evaluation.regression.map { ", " + regression($0) }
            ?? evaluation.accuracy.map { ", accuracy \(NumberText.fixed($0))" } ?? ""
        let head = "\(label): loss \(format(evaluation.loss))" + scores + " (\(evaluation.count) samples)"
        return [head] + (evaluation.report.map { lines($0, classNames: classNames) } ?? [])
    }

    /// The per-class table and the matrix, labelled with `classNames` (`0..K-1` when they do not
    /// name every class), each cut and its control characters escaped (``DisplayText/shown(_:)``).
    static func lines(_ report: ClassificationReport, classNames: [String]) -> [String] {
        let count = report.confusionMatrix.classCount
        let names = classNames.count == count ? classNames.map { DisplayText.shown($0) } : (0..<count).map(String.init)
        let nameWidth = max(7, (names.map(\.count).max() ?? 0) + 2)
        let score = TableColumn(.fixed(fractionDigits: 4), width: 11)
        var lines = [(TableColumn.cell("class", width: nameWidth) + "precision  recall     f1         support")]
        for c in 0..<count {
            lines.append((TableColumn.cell(names[c], width: nameWidth) + score.cell(report.precision[c]) + score.cell(report.recall[c])
                          + score.cell(report.f1[c]) + String(report.support[c])))
        }
        guard count <= matrixClassLimit else {
            lines.append("confusion matrix: \(count) classes, more than \(matrixClassLimit), not printed (--json and --record have it)")
            return lines
        }
        lines.append("confusion matrix (rows true class, columns predicted):")
        let rows = report.confusionMatrix.rows
        let cellWidth = max((names.map(\.count).max() ?? 0), (rows.joined().map { String($0).count }.max() ?? 0)) + 2
        let corner = "true\\pred"
        let labelWidth = max(nameWidth, corner.count + 2)
        lines.append(TableColumn.cell(corner, width: labelWidth) + names.map { pad($0, cellWidth) }.joined())
        for (c, row) in rows.enumerated() {
            lines.append(TableColumn.cell(names[c], width: labelWidth) + row.map { pad(String($0), cellWidth) }.joined())
        }
        return lines.map { String($0.reversed().drop(while: { $0 == " " }).reversed()) }
    }

    /// `text` right-aligned in `width` characters.
    private static func pad(_ text: String, _ width: Int) -> String {
        String(repeating: " ", count: max(0, width - text.count)) + text
    }
}
