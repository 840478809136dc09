import Foundation

/// What a range-test plot shows, decided from a curve and its analysis; drawing it is the
/// renderer's business (`lrfind` hands it to LRPlot). Loss against learning rate on a log axis:
/// the raw loss faint, the moving average dashed, the lag-free curve bold; the points marked and
/// labelled, the recommended CLR range shaded and its max drawn, the divergence drawn; with
/// several runs, the spread of the lag-free curve as a band.
public struct RangeTestPlot: Equatable, Sendable {
    /// What a curve is, for its style.
    public enum CurveRole: Equatable, Sendable {
        /// The recorded metric (drawn faint).
        case raw
        /// The bias-corrected moving average (drawn dashed).
        case movingAverage
        /// The lag-free curve the points are read on (drawn bold).
        case lagFree
    }

    /// One curve against the learning rate.
    public struct Curve: Equatable, Sendable {
        /// The legend's text.
        public var name: String
        /// Its role.
        public var role: CurveRole
        /// The rates (x).
        public var learningRates: [Double]
        /// The values (y).
        public var values: [Double]
    }

    /// A point of the lag-free curve that is marked.
    public enum Point: Equatable, Sendable {
        /// Where the loss starts to fall.
        case fallStart
        /// The steepest descent.
        case steepestDescent
        /// The minimum.
        case minimum
    }

    /// A marked point of the lag-free curve.
    public struct Marker: Equatable, Sendable {
        /// Which point.
        public var point: Point
        /// Its rate (x) and value (y).
        public var learningRate: Double, value: Double
        /// Its label, `minimum 0.005`.
        public var label: String
    }

    /// A vertical line at a rate.
    public struct Line: Equatable, Sendable {
        /// The divergence, or the recommended max (drawn dotted).
        public var isRecommendedMaximum: Bool
        /// Its rate.
        public var learningRate: Double
        /// Its label.
        public var label: String
    }

    /// The spread of the lag-free curve over several runs.
    public struct Spread: Equatable, Sendable {
        /// The rates, and the smallest and largest lag-free value at each.
        public var learningRates: [Double], lower: [Double], upper: [Double]
        /// Runs.
        public var runCount: Int
    }

    /// The title.
    public var title: String
    /// What the curve is (steps, runs, stop) and how it was read.
    public var subtitle: String
    /// The y axis's title (`cross-entropy loss`, `validation error (1 - accuracy)`).
    public var valueTitle: String
    /// The y range: see ``valueRange(losses:smoothedLosses:lagFreeLosses:)``.
    public var valueRange: ClosedRange<Double>
    /// Raw, moving average and lag-free curves, in drawing order.
    public var curves: [Curve]
    /// The recommended CLR range, shaded.
    public var recommendedRange: ClosedRange<Double>?
    /// The spread of the runs, shaded.
    public var spread: Spread?
    /// The points: where the loss starts to fall, the steepest descent, the minimum.
    public var markers: [Marker]
    /// The divergence and the recommended max.
    public var lines: [Line]

    /// The plot of `curve` (one run, or the mean of an `ensemble`'s) read as `analysis` says.
    /// - Parameters:
    ///   - metric: what was recorded (the y axis's title).
    ///   - loss: the loss minimised (its axis title); nil: `loss`.
    ///   - smoothingBeta: the moving average's beta, for its legend; nil for a curve recorded elsewhere.
    public init(curve: RangeTestResult, analysis: RangeTestAnalysis, ensemble: RangeTestEnsemble?, metric: RangeTestMetric,
                loss: LossFunction?, smoothingBeta: Double?, title: String) {
        self.init(steps: curve.steps, extent: Self.extent(of: curve, runs: ensemble?.runCount), analysis: analysis, ensemble: ensemble,
                  metric: metric, loss: loss, smoothingBeta: smoothingBeta, title: title)
    }

    /// The plot of `steps` (described by `extent` in the subtitle) read as `analysis` says.
    public init(steps: [RangeTestStep], extent: String, analysis: RangeTestAnalysis, ensemble: RangeTestEnsemble?, metric: RangeTestMetric,
                loss: LossFunction?, smoothingBeta: Double?, title: String) {
        let rates = steps.map(\.learningRate), losses = steps.map(\.loss), smoothed = steps.map(\.smoothedLoss)
        self.title = title
        subtitle = "\(extent); points and bounds on the lag-free curve (\(analysis.smoother))"
        valueTitle = metric == .validationAccuracy ? "validation error (1 - accuracy)"
            : loss.map { (metric == .validationLoss ? "validation " : "") + $0.axisTitle } ?? "loss"
        valueRange = Self.valueRange(losses: losses, smoothedLosses: smoothed, lagFreeLosses: analysis.lagFreeLosses)
        curves = [Curve(name: "raw loss", role: .raw, learningRates: rates, values: losses),
                  Curve(name: smoothingBeta.map { "moving average (beta \($0))" } ?? "moving average (as recorded)", role: .movingAverage,
                        learningRates: rates, values: smoothed),
                  Curve(name: "lag-free loss", role: .lagFree, learningRates: rates, values: analysis.lagFreeLosses)]
        recommendedRange = analysis.bounds.map { $0.baseLearningRate...$0.maximumLearningRate }
        spread = ensemble.map {
            Spread(learningRates: $0.steps.map(\.learningRate), lower: $0.steps.map(\.lagFreeLoss.minimum),
                   upper: $0.steps.map(\.lagFreeLoss.maximum), runCount: $0.runCount)
        }
        let points = analysis.points
        markers = [(Point.fallStart, points.fallStart, "falls from"), (.steepestDescent, points.steepestDescent, "steepest"),
                   (.minimum, points.minimum, "minimum")].compactMap { kind, point, word in
            point.map { Marker(point: kind, learningRate: $0.learningRate, value: $0.loss, label: "\(word) \(NumberText.significant($0.learningRate))") }
        }
        lines = []
        if let divergence = points.divergence {
            lines.append(Line(isRecommendedMaximum: false, learningRate: divergence.learningRate,
                              label: "blows up \(NumberText.significant(divergence.learningRate))"))
        }
        if let bounds = analysis.bounds {
            lines.append(Line(isRecommendedMaximum: true, learningRate: bounds.maximumLearningRate,
                              label: "max \(NumberText.significant(bounds.maximumLearningRate))"))
        }
    }

    /// The y range that keeps the blow-up from flattening the interesting part: from 5 % of the
    /// span below the lowest finite raw or lag-free value, to 35 % of the fall above the start
    /// (the larger of the lag-free curve's and the moving average's first values).
    public static func valueRange(losses: [Double], smoothedLosses: [Double], lagFreeLosses: [Double]) -> ClosedRange<Double> {
        let low = (losses + lagFreeLosses).filter(\.isFinite).min() ?? 0
        let start = Swift.max(lagFreeLosses.first ?? 1, smoothedLosses.first ?? 1)
        let top = start + 0.35 * Swift.max(start - low, 1e-9)
        return (low - 0.05 * (top - low))...top
    }

    /// What the curve is, for the subtitle: `235 of 235 steps, stopped: diverged`, or for a mean
    /// curve `mean of 3 runs over their 180 common steps of 235`.
    public static func extent(of curve: RangeTestResult, runs: Int?) -> String {
        runs.map { "mean of \($0) runs over their \(curve.steps.count) common steps of \(curve.plannedSteps)" }
            ?? "\(curve.steps.count) of \(curve.plannedSteps) steps, stopped: \(curve.stopReason.rawValue)"
    }
}
