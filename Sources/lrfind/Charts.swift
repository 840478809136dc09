import LRFinder
import LRPlot

/// The charts the commands draw: a description built from results, handed to LRPlot.
enum Charts {
    /// Draws `chart` in the format of `path`'s extension and writes it there atomically; a
    /// failure is a failed run (exit code 1) with LRPlot's or the writer's one-line message.
    static func write(_ chart: Chart, to path: String) throws {
        try AtomicFile.write(chart.rendered(as: ImageFormat(path: path)), to: path)
    }

    /// Learning rate (left axis, linear or logarithmic) and cycled momentum
    /// (right axis) against the batch step: `values` at `steps`, `rowCount` rows in all (more
    /// than the values when a long schedule was decimated, which `decimation` describes).
    static func schedule(_ values: [ScheduleValue], at steps: [Double], rowCount: Int, decimation: String?, title: String,
                         batchesPerEpoch: Int, unit: ScheduleUnit, logarithmic: Bool) -> Chart {
        let rates = values.map(\.learningRate)
        let momenta = values.compactMap(\.momentum)
        var chart = Chart(title: title,
                          xAxis: Axis(batchesPerEpoch > 1 ? "batch step (\(batchesPerEpoch) per epoch)" : unit == .batch ? "step" : "epoch"),
                          yAxis: Axis("learning rate", scale: logarithmic ? .logarithmic : .linear),
                          secondaryAxis: momenta.count == values.count ? Axis("momentum / beta1") : nil)
        chart.subtitle = "stepped per \(unit.rawValue); \(rowCount) steps, lr \(format(rates.min() ?? 0)) to \(format(rates.max() ?? 0))"
            + (decimation.map { "; \($0)" } ?? "")
        chart.series.append(Series("learning rate", x: steps, y: rates, color: Color.series(0), width: 2.2))
        if chart.secondaryAxis != nil {
            var momentum = Series("momentum", x: steps, y: values.map { $0.momentum ?? .nan }, color: Color.series(1), width: 1.6, side: .right)
            momentum.dash = [5, 3]
            chart.series.append(momentum)
        }
        return chart
    }
}

extension Charts {
    /// Draws a range test's ``RangeTestPlot``: the raw loss faint, the moving average dashed,
    /// the lag-free curve bold, the CLR range and the runs' spread shaded, the points marked.
    static func rangeTest(_ plot: RangeTestPlot) -> Chart {
        var chart = Chart(title: plot.title, xAxis: Axis("learning rate", scale: .logarithmic), yAxis: Axis(plot.valueTitle))
        chart.subtitle = plot.subtitle
        chart.yAxis.range = plot.valueRange
        if let range = plot.recommendedRange {
            chart.bands.append(Band(.span(range), name: "recommended CLR range", color: Color.series(2).withAlpha(0.16)))
        }
        if let spread = plot.spread {
            chart.bands.append(Band(.between(x: spread.learningRates, lower: spread.lower, upper: spread.upper),
                                    name: "spread of \(spread.runCount) runs", color: Color.series(0).withAlpha(0.18)))
        }
        for curve in plot.curves {
            switch curve.role {
            case .raw: chart.series.append(Series(curve.name, x: curve.learningRates, y: curve.values, color: Color.ink.withAlpha(0.22), width: 1))
            case .movingAverage:
                var series = Series(curve.name, x: curve.learningRates, y: curve.values, color: Color.series(3), width: 1.4)
                series.dash = [5, 3]
                chart.series.append(series)
            case .lagFree: chart.series.append(Series(curve.name, x: curve.learningRates, y: curve.values, color: Color.series(0), width: 2.6))
            }
        }
        for marker in plot.markers {
            let color = switch marker.point { case .fallStart: Color.series(5); case .steepestDescent: Color.series(1); case .minimum: Color.series(4) }
            chart.markers.append(PointMarker(x: marker.learningRate, y: marker.value, label: marker.label, color: color))
        }
        for line in plot.lines {
            var vertical = VerticalLine(x: line.learningRate, label: line.label, color: Color.series(line.isRecommendedMaximum ? 2 : 1))
            if line.isRecommendedMaximum { vertical.dash = [2, 3] }
            chart.verticalLines.append(vertical)
        }
        return chart
    }
}

extension Charts {
    /// Per-epoch training and validation loss (left axis) and validation accuracy (right axis).
    static func training(_ result: TrainingResult, title: String) -> Chart {
        let epochs = result.epochs.map { Double($0.epoch) }
        // Regression: the validation R-squared where classification has its accuracy.
        let regression = result.epochs.contains { $0.validationRSquared != nil }
        let score = regression ? "validation R-squared" : "validation accuracy"
        var chart = Chart(title: title, xAxis: Axis("epoch"), yAxis: Axis("loss"), secondaryAxis: Axis(score))
        if let test = result.test {
            chart.subtitle = (test.accuracy.map { String(format: "test accuracy %.4f", $0) }
                ?? test.regression.map { "test R-squared \(NumberText.fixed($0.rSquared))" } ?? "test loss \(format(test.loss))")
                + ", \(result.stopReason.rawValue)"
        }
        var train = Series("train loss", x: epochs, y: result.epochs.map(\.trainLoss), color: Color.series(0))
        train.showsPoints = true
        var validation = Series("validation loss", x: epochs, y: result.epochs.map { $0.validationLoss ?? .nan }, color: Color.series(1))
        validation.showsPoints = true
        var accuracy = Series(score, x: epochs, y: result.epochs.map { $0.validationAccuracy ?? $0.validationRSquared ?? .nan },
                              color: Color.series(2), side: .right)
        accuracy.dash = [5, 3]
        accuracy.showsPoints = true
        chart.series = [train, validation, accuracy]
        return chart
    }
}

extension Charts {
    /// The confusion matrix as a heat map: rows the true class, columns the predicted one, each
    /// cell shaded by its share of the row (the diagonal is the class's recall) and labelled
    /// with its count.
    static func confusion(_ report: ClassificationReport, classNames: [String], title: String) -> Chart {
        let matrix = report.confusionMatrix
        let names = classNames.count == matrix.classCount ? classNames : (0..<matrix.classCount).map(String.init)
        var chart = Chart(title: title, xAxis: Axis("predicted class"), yAxis: Axis("true class"))
        chart.subtitle = String(format: "shade: share of the true class's samples; text: count; accuracy %.4f, balanced accuracy %.4f, macro F1 %.4f",
                                report.accuracy, report.balancedAccuracy, report.macroF1)
        chart.heatMap = HeatMap(rowLabels: names, columnLabels: names, shades: matrix.rowNormalized,
                                text: matrix.rows.map { $0.map(String.init) })
        chart.width = 760
        chart.height = 720
        return chart
    }
}
