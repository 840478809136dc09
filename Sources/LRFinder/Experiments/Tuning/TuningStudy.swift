import Foundation

/// A study run in this process, one trial after another (Optuna's `study.optimize` with one
/// worker): the sampler suggests each trial's parameters from the trials before it, the
/// objective reports a value per step (the pruner may stop it) and a final value.
///
/// With one worker a study is the same for the same seed: every draw comes from a stream of the
/// study's seed and the trial's number (``TrialSeed``). With several workers, TPE and the pruner
/// see whatever has finished when they ask, so the study depends on timing (docs/tuning.md).
public struct TuningStudy: Sendable {
    /// Where a trial's parameters come from.
    public enum Sampler: Sendable {
        /// Optuna's tree-structured Parzen estimator.
        case tpe(TPESampler)
        /// Independent uniform draws in the transformed space.
        case random(RandomSampler)
        /// Every point of a grid once, in a seeded order.
        case grid(GridSampler)
    }

    /// What an objective reports for one trial.
    public struct Report: Sendable {
        /// Its value after each step (epoch), in order; steps from 0.
        public var steps: [Double]
        /// Its final value; nil or NaN for a failed trial.
        public var value: Double?

        /// A report of `steps` and a final `value`.
        public init(steps: [Double] = [], value: Double?) {
            (self.steps, self.value) = (steps, value)
        }
    }

    /// The parameters and their distributions.
    public var searchSpace: [String: ParameterDistribution]
    /// Whether lower or higher values are better.
    public var direction: StudyDirection
    /// The sampler.
    public var sampler: Sampler
    /// The pruner, if any: asked after every reported step.
    public var pruner: MedianPruner?
    /// The trials so far, in number order.
    public private(set) var trials: [TuningTrial] = []

    /// An empty study.
    public init(searchSpace: [String: ParameterDistribution], direction: StudyDirection, sampler: Sampler, pruner: MedianPruner? = nil) {
        self.searchSpace = searchSpace
        self.direction = direction
        self.sampler = sampler
        self.pruner = pruner
    }

    /// The parameters (internal representation) of the next trial; nil when a grid is exhausted.
    public func nextParameters() -> [String: Double]? {
        let number = trials.count
        switch sampler {
        case .tpe(let tpe): return tpe.suggest(searchSpace: searchSpace, trials: trials, direction: direction, trialNumber: number)
        case .random(let random): return random.sample(searchSpace, trialNumber: number)
        case .grid(let grid): return grid.sample(trialNumber: number, trials: trials)
        }
    }

    /// Runs up to `count` trials of `objective`, which gets the parameters (internal
    /// representation) and the trial so far and returns its report; the pruner's decision is
    /// applied step by step over the report (the trial keeps the steps up to the pruning).
    /// Stops early when a grid is exhausted.
    public mutating func optimize(trialCount count: Int, objective: ([String: Double]) throws -> Report) rethrows {
        for _ in 0..<count {
            guard let parameters = nextParameters() else { return }
            var trial = TuningTrial(number: trials.count, state: .running, params: parameters)
            let report = try objective(parameters)
            var pruned = false
            for (step, value) in report.steps.enumerated() {
                trial.intermediateValues[step] = value
                if let pruner, pruner.shouldPrune(trial, trials: trials, direction: direction) {
                    pruned = true
                    break
                }
            }
            if pruned {
                trial.state = .pruned
            } else if let value = report.value, value.isFinite {
                (trial.state, trial.value) = (.complete, value)
            } else {
                trial.state = .fail
            }
            trials.append(trial)
        }
    }

    /// The best COMPLETE trial (the first of equals).
    public var bestTrial: TuningTrial? {
        trials.filter { $0.state == .complete && $0.value != nil }.reduce(nil) { best, trial in
            guard let best, let current = best.value else { return trial }
            let better = direction == .minimize ? trial.value! < current : trial.value! > current
            return better ? trial : best
        }
    }
}
