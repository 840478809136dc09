import Foundation

/// Optuna 5.1.0's `GridSampler` (`optuna/samplers/_grid.py`): the trials take every combination
/// of the given values, each a grid point no finished or running trial has taken, chosen at
/// random among those, until the grid is exhausted.
///
/// The grid is Optuna's: parameter names sorted, each one's values sorted (duplicates dropped
/// here, so that a point is known by its values), combinations in `itertools.product` order
/// (the last name varies fastest). Optuna records a trial's grid point in a system attribute;
/// here a trial's point is found from its parameters. Optuna picks among the unvisited points
/// with one generator shared by the study; here the pick comes from the trial's own
/// `TrialSeed` stream, so a study is reproducible whatever order its trials finish in.
public struct GridSampler: Equatable, Sendable {
    /// The parameter names, sorted.
    public let parameterNames: [String]
    /// Each parameter's values (internal representation: a category as its index), sorted and distinct.
    public let values: [[Double]]
    /// The study's seed.
    public let seed: UInt64

    /// A grid over `searchSpace` (parameter name to candidate internal values, none of them NaN,
    /// each list non-empty) for a study seeded with `seed`.
    public init(searchSpace: [String: [Double]], seed: UInt64) {
        parameterNames = searchSpace.keys.sorted()
        values = parameterNames.map { name in
            let candidates = searchSpace[name]!
            precondition(!candidates.isEmpty, "GridSampler: no values for \(name)")
            precondition(!candidates.contains(where: \.isNaN), "GridSampler: a NaN value for \(name)")
            return Array(Set(candidates)).sorted()
        }
        self.seed = seed
    }

    /// The number of grid points (the product of the value counts).
    public var gridSize: Int { values.reduce(1) { $0 * $1.count } }

    /// The parameters of grid point `index` (0 ..< gridSize, `itertools.product` order).
    public func point(_ index: Int) -> [String: Double] {
        precondition(index >= 0 && index < gridSize, "GridSampler: no grid point \(index)")
        var rest = index
        var params: [String: Double] = [:]
        for (name, candidates) in zip(parameterNames, values).reversed() {
            params[name] = candidates[rest % candidates.count]
            rest /= candidates.count
        }
        return params
    }

    /// The grid point whose values `params` holds for every grid parameter, nil when `params`
    /// lacks one or holds a value off the grid.
    public func gridIndex(of params: [String: Double]) -> Int? {
        var index = 0
        for (name, candidates) in zip(parameterNames, values) {
            guard let value = params[name], let position = candidates.firstIndex(of: value) else { return nil }
            index = index * candidates.count + position
        }
        return index
    }

    /// The grid points still to take, ascending (`_get_unvisited_grid_ids`): those no finished
    /// (COMPLETE, PRUNED, FAIL) or RUNNING trial holds; when every point has been started, those
    /// not finished yet; empty once every point is finished.
    public func unvisitedGridIndices(trials: [TuningTrial]) -> [Int] {
        var finished = Set<Int>(), running = Set<Int>()
        for trial in trials {
            guard let index = gridIndex(of: trial.params) else { continue }
            if trial.state == .running { running.insert(index) } else { finished.insert(index) }
        }
        let notFinished = (0..<gridSize).filter { !finished.contains($0) }
        let notStarted = notFinished.filter { !running.contains($0) }
        return notStarted.isEmpty ? notFinished : notStarted
    }

    /// Whether every grid point has a finished trial (Optuna's `after_trial` then stops the study).
    public func isExhausted(trials: [TuningTrial]) -> Bool {
        unvisitedGridIndices(trials: trials).isEmpty
    }

    /// The parameters of trial `trialNumber`, given the study's other `trials`: a point of
    /// `unvisitedGridIndices` chosen by the trial's seed; nil when the grid is exhausted.
    public func sample(trialNumber: Int, trials: [TuningTrial]) -> [String: Double]? {
        let candidates = unvisitedGridIndices(trials: trials.filter { $0.number != trialNumber })
        guard !candidates.isEmpty else { return nil }
        var random = TrialSeed(studySeed: seed, trialNumber: trialNumber).randomSource(purpose: "grid")
        return point(candidates[random.nextInt(below: candidates.count)])
    }
}
