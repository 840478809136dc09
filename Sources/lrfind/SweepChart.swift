import LRFinder
import LRPlot

/// The plot of a sweep: validation and test metric (left axis) and training seconds (right axis)
/// against the rate (log x); each seed a point, the median over seeds a line; the best and the
/// trade-off rates as vertical lines; with a range test, its recommended range shaded and its
/// one-cycle run a labelled point.
enum SweepChart {
    static func chart(_ report: SweepReport, answer: SweepAnswer) -> Chart {
        let regression = report.isRegression
        let metric = regression ? "R-squared" : "accuracy"
        let base = report.definition.base
        var chart = Chart(title: "Sweep: \(base.data.name), \(base.model.spec.name), \(base.optimizer.kind.rawValue)"
                            + (base.schedule.map { ", \($0.description)" } ?? ""),
                          xAxis: Axis("learning rate", scale: .logarithmic), yAxis: Axis("validation / test \(metric)"),
                          secondaryAxis: Axis("seconds of training"))
        let runCount = report.definition.rates.count * report.definition.seeds.count
        chart.subtitle = "\(report.outcomes.count) of \(runCount) runs, \(report.definition.seeds.count) seed(s) a rate; "
            + "early stopping after \(base.training.earlyStopping?.patience ?? 0) epochs without a better validation \(metric), at most \(base.training.epochs) epochs"
        if regression {
            // A rate whose R-squared fell far below zero would squeeze the rest into a line.
            let values = report.outcomes.compactMap(\.bestValidation) + report.outcomes.compactMap(\.testAtBest)
            if let high = values.max() { chart.yAxis.range = Swift.max(values.min() ?? -1, -1)...Swift.max(high, 0) }
        }
        if let summary = report.rangeTest.map(RangeTestSummary.init), let range = summary.range {
            chart.bands.append(Band(.span(range[0]...range[1]), name: "range test: recommended range", color: Color.series(2).withAlpha(0.14)))
        }
        /// Each seed a point: the points separated by NaN, which breaks the line.
        func points(_ name: String, _ value: (SweepOutcome) -> Double?, color: Color, side: AxisSide = .left) -> Series {
            let kept = report.outcomes.compactMap { outcome in value(outcome).map { (outcome.rate, $0) } }
            var series = Series(name, x: kept.flatMap { [$0.0, .nan] }, y: kept.flatMap { [$0.1, .nan] }, color: color.withAlpha(0.55),
                                width: 1.5, side: side)
            series.showsPoints = true
            return series
        }
        let rates = answer.perRate.map(\.rate)
        chart.series.append(points("validation \(metric), each seed", { $0.diverged ? nil : $0.bestValidation }, color: Color.series(0)))
        chart.series.append(points("test \(metric), each seed", { $0.diverged ? nil : $0.testAtBest }, color: Color.series(1)))
        chart.series.append(points("seconds, each seed", { $0.seconds }, color: Color.series(3), side: .right))
        chart.series.append(Series("validation \(metric), median", x: rates, y: answer.perRate.map { $0.validation ?? .nan }, color: Color.series(0), width: 2.2))
        var test = Series("test \(metric), median", x: rates, y: answer.perRate.map { $0.test ?? .nan }, color: Color.series(1), width: 1.8)
        test.dash = [5, 3]
        chart.series.append(test)
        var seconds = Series("seconds, median", x: rates, y: answer.perRate.map(\.seconds), color: Color.series(3), width: 1.6, side: .right)
        seconds.dash = [2, 3]
        chart.series.append(seconds)
        if let best = answer.best {
            chart.verticalLines.append(VerticalLine(x: best.rate, label: "best \(format(best.rate))", color: Color.series(2)))
        }
        if let tradeOff = answer.tradeOff, tradeOff.rate != answer.best?.rate {
            var line = VerticalLine(x: tradeOff.rate, label: "trade-off \(format(tradeOff.rate))", color: Color.series(4))
            line.dash = [2, 3]
            chart.verticalLines.append(line)
        }
        if let oneCycle = report.rangeTest.map(RangeTestSummary.init)?.oneCycle, let value = oneCycle.validation {
            chart.markers.append(PointMarker(x: oneCycle.maximumRate, y: value, label: "one-cycle (range test) \(NumberText.fixed(value))",
                                             color: Color.series(5)))
        }
        return chart
    }
}
