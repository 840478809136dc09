import LRFinder
import LRPlot

/// The charts the commands draw: a description built from results, handed to LRPlot.
enum Charts {
    /// Learning rate (left axis, linear or logarithmic) and cycled momentum
    /// (right axis) against the batch step.
    static func schedule(_ values: [ScheduleValue], title: String, stepsPerEpoch: Int, unit: ScheduleUnit, logarithmic: Bool) -> Chart {
        let steps = values.indices.map(Double.init)
        let rates = values.map(\.learningRate)
        let momenta = values.compactMap(\.momentum)
        var chart = Chart(title: title,
                          xAxis: Axis(stepsPerEpoch > 1 ? "batch step (\(stepsPerEpoch) per epoch)" : unit == .batch ? "step" : "epoch"),
                          yAxis: Axis("learning rate", scale: logarithmic ? .logarithmic : .linear),
                          secondaryAxis: momenta.count == values.count ? Axis("momentum / beta1") : nil)
        chart.subtitle = "stepped per \(unit.rawValue); \(values.count) steps, lr \(format(rates.min() ?? 0)) to \(format(rates.max() ?? 0))"
        chart.series.append(Series("learning rate", x: steps, y: rates, color: Color.series(0), width: 2.2))
        if chart.secondaryAxis != nil {
            var momentum = Series("momentum", x: steps, y: values.map { $0.momentum ?? .nan }, color: Color.series(1), width: 1.6, side: .right)
            momentum.dash = [5, 3]
            chart.series.append(momentum)
        }
        return chart
    }
}
