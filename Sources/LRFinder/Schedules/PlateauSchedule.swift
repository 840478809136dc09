/// ReduceLROnPlateau's running state, after torch/optim/lr_scheduler.py (2.15): the best metric
/// so far, the bad epochs since, and the cooldown left after a reduction.
struct PlateauState: Equatable, Sendable {
    /// PyTorch's `best` (starts at +inf in min mode, -inf in max mode).
    private(set) var best: Double
    /// PyTorch's `num_bad_epochs`.
    private(set) var badEpochs = 0
    /// PyTorch's `cooldown_counter`.
    private(set) var cooldown = 0

    /// A fresh state: nothing seen yet.
    init(mode: PlateauMode) {
        best = mode == .min ? .infinity : -.infinity
    }

    /// `ReduceLROnPlateau.step(metric)`: an improvement beyond the threshold resets the bad-epoch
    /// count; epochs in cooldown do not count; more than `patience` bad epochs multiply the rate
    /// by `factor` (not below `minLearningRate`, and only if it drops by more than `epsilon`) and
    /// start a cooldown.
    mutating func observe(_ metric: Double, settings s: PlateauSettings, learningRate: inout Double) {
        let improves: Bool
        switch (s.mode, s.thresholdIsRelative) {
        case (.min, true): improves = metric < best * (1 - s.threshold)
        case (.min, false): improves = metric < best - s.threshold
        case (.max, true): improves = metric > best * (s.threshold + 1)
        case (.max, false): improves = metric > best + s.threshold
        }
        if improves {
            best = metric
            badEpochs = 0
        } else {
            badEpochs += 1
        }
        if cooldown > 0 {
            cooldown -= 1
            badEpochs = 0
        }
        if badEpochs > s.patience {
            let reduced = Swift.max(learningRate * s.factor, s.minLearningRate)
            if learningRate - reduced > s.epsilon { learningRate = reduced }
            cooldown = s.cooldown
            badEpochs = 0
        }
    }
}
