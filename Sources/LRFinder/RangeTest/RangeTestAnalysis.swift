import Foundation

/// Everything lrfind reads off one range test: the reference tools' suggestions on the causal
/// moving average (as they would compute them), and lrfind's own landmarks and bounds on the
/// lag-free curve.
public struct RangeTestAnalysis: Equatable, Codable, Sendable {
    /// One rule's answer: a suggestion or the reason there is none.
    public struct RuleOutcome: Equatable, Codable, Sendable {
        /// The rule.
        public var rule: SuggestionRule
        /// Its pick, when it makes one.
        public var suggestion: Suggestion?
        /// Why it makes none.
        public var reason: String?
    }

    /// The lag-free smoother used for ``lagFreeLosses``, ``points`` and ``bounds``.
    public var smoother: String
    /// The raw losses after the lag-free smoother.
    public var lagFreeLosses: [Double]
    /// Every reference rule on the moving-average curve, with the test's planned steps as `num_it`.
    public var suggestions: [RuleOutcome]
    /// lrfind's landmarks on the lag-free curve.
    public var points: CurvePoints
    /// The recommended schedule bounds, when the curve gives them.
    public var bounds: LearningRateBounds?
    /// Why there are no bounds.
    public var noRecommendationReason: String?
    /// The lag-free curve's fall against the raw losses' noise, when there is a minimum to measure it at.
    public var signal: CurveSignal?

    /// Analyses a curve: `steps` in order, `plannedSteps` the length the recording tool was asked
    /// for (fastai's `num_it`), `batchesPerEpoch` of the training to come sets the CLR step size.
    public init(steps: [RangeTestStep], plannedSteps: Int, settings: AnalysisSettings = AnalysisSettings(),
                batchesPerEpoch: Int? = nil) {
        let rates = steps.map(\.learningRate)
        smoother = String(describing: settings.smoother)
        lagFreeLosses = settings.smoother.smoothed(steps.map(\.loss))
        let smoothedLosses = steps.map(\.smoothedLoss)
        suggestions = SuggestionRule.allCases.map { rule in
            switch rule.suggestion(learningRates: rates, losses: smoothedLosses, iterationCount: plannedSteps) {
            case .success(let pick): RuleOutcome(rule: rule, suggestion: pick, reason: nil)
            case .failure(let error): RuleOutcome(rule: rule, suggestion: nil, reason: error.reason)
            }
        }
        points = CurvePoints(learningRates: rates, losses: lagFreeLosses, divergenceRule: settings.divergenceRule)
        signal = points.minimum.flatMap { CurveSignal(losses: steps.map(\.loss), lagFreeLosses: lagFreeLosses, minimumIndex: $0.index) }
        switch LearningRateBounds.recommend(points: points, pointCount: rates.count, batchesPerEpoch: batchesPerEpoch, signal: signal) {
        case .success(let bounds): self.bounds = bounds
        case .failure(let error): noRecommendationReason = error.reason
        }
    }

    /// Analyses a range test's result; with the `ensemble` of runs it stems from (its mean curve),
    /// the bounds take the cautious end when the runs disagree (``LearningRateBounds/cautious(given:)``).
    public init(_ result: RangeTestResult, settings: AnalysisSettings = AnalysisSettings(), batchesPerEpoch: Int? = nil,
                ensemble: RangeTestEnsemble? = nil) {
        self.init(steps: result.steps, plannedSteps: result.plannedSteps, settings: settings, batchesPerEpoch: batchesPerEpoch)
        if let ensemble, let bounds { self.bounds = bounds.cautious(given: ensemble) }
        if let rungs = result.rungs, let bounds { self.bounds = ValidationRungs.adjusted(bounds, rungs: rungs) }
    }

    /// The rate `rule` suggests, if it makes a suggestion.
    public func learningRate(suggestedBy rule: SuggestionRule) -> Double? {
        suggestions.first { $0.rule == rule }?.suggestion?.learningRate
    }
}
