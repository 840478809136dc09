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
