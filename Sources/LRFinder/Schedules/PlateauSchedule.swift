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

/// ReduceLROnPlateau's text.
enum PlateauSchedule {
    /// `plateau` (ReduceLROnPlateau: `mode` min or max; `factor` 0.1, in (0, 1); `patience` 10,
    /// >= 0; `threshold` 1e-4, >= 0; `threshold-mode` rel or abs; `cooldown` 0, >= 0; `min-lr` 0,
    /// >= 0; `eps` 1e-8, >= 0).
    static let grammars: [ScheduleGrammar] = [
        ScheduleGrammar(name: "plateau", keys: ["mode", "factor", "patience", "threshold", "threshold-mode", "cooldown", "min-lr", "eps"],
                        parse: { v in
            var s = PlateauSettings()
            if let mode = try v.choice("mode", PlateauMode.allCases.map(\.rawValue)) { s.mode = PlateauMode(rawValue: mode)! }
            s.factor = try v.number("factor", above: 0, below: 1) ?? 0.1
            s.patience = try v.integer("patience", minimum: 0) ?? 10
            s.threshold = try v.number("threshold", atLeast: 0) ?? 1e-4
            if let mode = try v.choice("threshold-mode", ["rel", "abs"]) { s.thresholdIsRelative = mode == "rel" }
            s.cooldown = try v.integer("cooldown", minimum: 0) ?? 0
            s.minLearningRate = try v.number("min-lr", atLeast: 0) ?? 0
            s.epsilon = try v.number("eps", atLeast: 0) ?? 1e-8
            return .plateau(s)
        }, print: { kind, keys in
            guard case let .plateau(s) = kind else { return false }
            let defaults = PlateauSettings()
            keys.add("mode", s.mode.rawValue, default: defaults.mode.rawValue)
            keys.add("factor", s.factor, default: defaults.factor)
            keys.add("patience", s.patience, default: defaults.patience)
            keys.add("threshold", s.threshold, default: defaults.threshold)
            keys.add("threshold-mode", s.thresholdIsRelative ? "rel" : "abs", default: "rel")
            keys.add("cooldown", s.cooldown, default: defaults.cooldown)
            keys.add("min-lr", s.minLearningRate, default: defaults.minLearningRate)
            keys.add("eps", s.epsilon, default: defaults.epsilon)
            return true
        }),
    ]
}
