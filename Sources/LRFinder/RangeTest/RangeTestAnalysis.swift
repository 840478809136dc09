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

    /// Analyses `result`; `iterationsPerEpoch` of the training to come sets the CLR step size.
    public init(_ result: RangeTestResult, iterationsPerEpoch: Int? = nil) {
        let rates = result.learningRates
        let smoother = result.settings.smoother
        self.smoother = String(describing: smoother)
        lagFreeLosses = smoother.smoothed(result.losses)
        suggestions = SuggestionRule.allCases.map { rule in
            switch rule.suggestion(learningRates: rates, losses: result.smoothedLosses, iterationCount: result.plannedSteps) {
            case .success(let pick): RuleOutcome(rule: rule, suggestion: pick, reason: nil)
            case .failure(let error): RuleOutcome(rule: rule, suggestion: nil, reason: error.reason)
            }
        }
        points = CurvePoints(learningRates: rates, losses: lagFreeLosses, divergenceRule: result.settings.divergenceRule)
        switch LearningRateBounds.recommend(points: points, pointCount: rates.count, iterationsPerEpoch: iterationsPerEpoch) {
        case .success(let bounds): self.bounds = bounds
        case .failure(let error): noRecommendationReason = error.reason
        }
    }

    /// The rate `rule` suggests, if it makes a suggestion.
    public func learningRate(suggestedBy rule: SuggestionRule) -> Double? {
        suggestions.first { $0.rule == rule }?.suggestion?.learningRate
    }
}
