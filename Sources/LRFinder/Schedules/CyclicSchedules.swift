import Foundation

/// Cyclical schedules after torch/optim/lr_scheduler.py (2.15): `CyclicLR` (Smith 2017,
/// "Cyclical Learning Rates for Training Neural Networks", arXiv:1506.01186) and `OneCycleLR`
/// (Smith & Topin 2018, arXiv:1708.07120; Smith 2018, arXiv:1803.09820). Both set the rate
/// outright (they are not chainable) and, when asked, cycle momentum inversely to it.
enum CyclicSchedules {
    /// `CyclicLR.get_lr` at step `t`: cycle `c = floor(1 + t / (up + down))`, position
    /// `x = 1 + t / (up + down) - c`, a triangle from `base` up to `max` and back whose height is
    /// scaled by the mode's function of `c` (scale mode `cycle`) or of `t` (`iterations`).
    /// `base` is PyTorch's `base_lrs[0]`: the settings' base, except during the constructor's
    /// first step when another scheduler already set `initial_lr`.
    static func cyclic(_ s: CyclicSettings, base: Double, step t: Double) -> ScheduleValue {
        let down = s.stepSizeDown ?? s.stepSizeUp
        let total = s.stepSizeUp + down, ratio = s.stepSizeUp / total
        let cycle = (1 + t / total).rounded(.down)
        let x = 1 + t / total - cycle
        let scale = x <= ratio ? x / ratio : (x - 1) / (ratio - 1)
        let argument = s.scalesByCycle ?? (s.mode != .expRange) ? cycle : t
        let amplitude: Double
        switch s.mode {
        case .triangular: amplitude = 1
        case .triangular2: amplitude = 1 / Foundation.pow(2, argument - 1)
        case .expRange: amplitude = Foundation.pow(s.gamma, argument)
        }
        let rate = base + (s.maximumLearningRate - base) * scale * amplitude
        let momentum = s.cyclesMomentum == true ? s.maxMomentum - (s.maxMomentum - s.baseMomentum) * scale * amplitude : nil
        return ScheduleValue(learningRate: rate, momentum: momentum)
    }

    /// `OneCycleLR.get_lr` at step `t`: phases ending at steps `pct_start * total - 1` (and, with
    /// three phases, `2 pct_start * total - 2`) and `total - 1`, each annealing (cosine or linear)
    /// from its start to its end value. Past the last step (PyTorch raises there) the final rate holds.
    static func oneCycle(_ s: OneCycleSettings, step t: Double) -> ScheduleValue {
        let total = Double(s.totalSteps ?? 2)
        let initial = s.maximumLearningRate / s.divFactor, final = initial / s.finalDivFactor
        typealias Phase = (end: Double, rate: (Double, Double), momentum: (Double, Double))
        let phases: [Phase] = s.threePhase
            ? [(s.percentStart * total - 1, (initial, s.maximumLearningRate), (s.maxMomentum, s.baseMomentum)),
               (2 * s.percentStart * total - 2, (s.maximumLearningRate, initial), (s.baseMomentum, s.maxMomentum)),
               (total - 1, (initial, final), (s.maxMomentum, s.maxMomentum))]
            : [(s.percentStart * total - 1, (initial, s.maximumLearningRate), (s.maxMomentum, s.baseMomentum)),
               (total - 1, (s.maximumLearningRate, final), (s.baseMomentum, s.maxMomentum))]
        func anneal(_ start: Double, _ end: Double, _ fraction: Double) -> Double {
            switch s.anneal {
            case .cos: return end + (start - end) / 2 * (Foundation.cos(Double.pi * fraction) + 1)
            case .linear: return (end - start) * fraction + start
            }
        }
        let step = Swift.min(t, total - 1)
        var start = 0.0
        for (index, phase) in phases.enumerated() {
            if step <= phase.end || index == phases.count - 1 {
                let fraction = (step - start) / (phase.end - start)
                return ScheduleValue(learningRate: anneal(phase.rate.0, phase.rate.1, fraction),
                                     momentum: s.cyclesMomentum == true ? anneal(phase.momentum.0, phase.momentum.1, fraction) : nil)
            }
            start = phase.end
        }
        return ScheduleValue(learningRate: final)
    }
}

extension CyclicSchedules {
    /// `cyclic` (CyclicLR: `base`, `max` required, 0 < base < max; `step-up` 2000, > 0;
    /// `step-down` = step-up, > 0; `mode` triangular, triangular2 or exp_range; `gamma` 1, > 0;
    /// `scale-mode` the mode's, cycle or iterations; `momentum` true; `base-momentum` 0.8,
    /// `max-momentum` 0.9, in [0, 1), base <= max) and `onecycle` (OneCycleLR: `max` required,
    /// > 0; `total` (>= 2) or `epochs` and `steps-per-epoch` (>= 1), else the run's length;
    /// `pct-start` 0.3, in (0, 1); `anneal` cos or linear; `div` 25, > 0; `final-div` 1e4, > 0;
    /// `three-phase` false; `momentum` true; `base-momentum` 0.85, `max-momentum` 0.95, in [0, 1)).
    /// `steps-per-epoch` is PyTorch's argument name for the batches per epoch.
    static let grammars: [ScheduleGrammar] = [
        ScheduleGrammar(name: "cyclic", keys: ["base", "max", "step-up", "step-down", "mode", "gamma", "scale-mode", "momentum", "base-momentum",
                                               "max-momentum"], parse: { v in
            var s = CyclicSettings(base: try v.number("base", above: 0, required: true)!, max: try v.number("max", above: 0, required: true)!)
            guard s.baseLearningRate < s.maximumLearningRate else {
                throw ScheduleError("cyclic: base must be below max, got base=\(s.baseLearningRate), max=\(s.maximumLearningRate)")
            }
            s.stepSizeUp = try v.number("step-up", above: 0) ?? 2000
            s.stepSizeDown = try v.number("step-down", above: 0)
            if let mode = try v.choice("mode", CyclicMode.allCases.map(\.rawValue)) { s.mode = CyclicMode(rawValue: mode)! }
            s.gamma = try v.number("gamma", above: 0) ?? 1
            if let scale = try v.choice("scale-mode", ["cycle", "iterations"]) { s.scalesByCycle = scale == "cycle" }
            s.cyclesMomentum = try v.flag("momentum")
            s.baseMomentum = try v.number("base-momentum", atLeast: 0, below: 1) ?? 0.8
            s.maxMomentum = try v.number("max-momentum", atLeast: 0, below: 1) ?? 0.9
            guard s.baseMomentum <= s.maxMomentum else {
                throw ScheduleError("cyclic: base-momentum must not exceed max-momentum, got \(s.baseMomentum) > \(s.maxMomentum)")
            }
            return .cyclic(s)
        }, print: { kind, keys in
            guard case let .cyclic(s) = kind else { return false }
            keys.add("base", s.baseLearningRate)
            keys.add("max", s.maximumLearningRate)
            keys.add("step-up", s.stepSizeUp)
            keys.add("step-down", ifSet: s.stepSizeDown)
            keys.add("mode", s.mode.rawValue, default: CyclicMode.triangular.rawValue)
            keys.add("gamma", s.gamma, default: 1)
            keys.add("scale-mode", ifSet: s.scalesByCycle.map { $0 ? "cycle" : "iterations" })
            keys.add("momentum", ifSet: s.cyclesMomentum)
            keys.add("base-momentum", s.baseMomentum, default: 0.8)
            keys.add("max-momentum", s.maxMomentum, default: 0.9)
            return true
        }),
        ScheduleGrammar(name: "onecycle", keys: ["max", "total", "epochs", "steps-per-epoch", "pct-start", "anneal", "div", "final-div",
                                                 "three-phase", "momentum", "base-momentum", "max-momentum"], parse: { v in
            var s = OneCycleSettings(max: try v.number("max", above: 0, required: true)!)
            s.totalSteps = try v.integer("total", minimum: 2)
            s.epochs = try v.integer("epochs", minimum: 1)
            s.batchesPerEpoch = try v.integer("steps-per-epoch", minimum: 1)
            if (s.epochs == nil) != (s.batchesPerEpoch == nil) {
                throw ScheduleError("onecycle: epochs and steps-per-epoch go together")
            }
            if s.totalSteps != nil, s.epochs != nil { throw ScheduleError("onecycle: give total or epochs with steps-per-epoch, not both") }
            s.percentStart = try v.number("pct-start", above: 0, below: 1) ?? 0.3
            if let anneal = try v.choice("anneal", AnnealStrategy.allCases.map(\.rawValue)) { s.anneal = AnnealStrategy(rawValue: anneal)! }
            s.divFactor = try v.number("div", above: 0) ?? 25
            s.finalDivFactor = try v.number("final-div", above: 0) ?? 1e4
            s.threePhase = try v.flag("three-phase") ?? false
            s.cyclesMomentum = try v.flag("momentum")
            s.baseMomentum = try v.number("base-momentum", atLeast: 0, below: 1) ?? 0.85
            s.maxMomentum = try v.number("max-momentum", atLeast: 0, below: 1) ?? 0.95
            return .oneCycle(s)
        }, print: { kind, keys in
            guard case let .oneCycle(s) = kind else { return false }
            keys.add("max", s.maximumLearningRate)
            keys.add("total", ifSet: s.totalSteps)
            keys.add("epochs", ifSet: s.epochs)
            keys.add("steps-per-epoch", ifSet: s.batchesPerEpoch)
            keys.add("pct-start", s.percentStart, default: 0.3)
            keys.add("anneal", s.anneal.rawValue, default: AnnealStrategy.cos.rawValue)
            keys.add("div", s.divFactor, default: 25)
            keys.add("final-div", s.finalDivFactor, default: 1e4)
            keys.add("three-phase", s.threePhase, default: false)
            keys.add("momentum", ifSet: s.cyclesMomentum)
            keys.add("base-momentum", s.baseMomentum, default: 0.85)
            keys.add("max-momentum", s.maxMomentum, default: 0.95)
            return true
        }),
    ]
}
