import Foundation

/// Keras' learning-rate decays as functions of the optimizer's iteration count `step` (the
/// updates already applied), from the formulas in the Keras documentation
/// (keras.optimizers.schedules, Keras 3; the legacy decay from Keras 2's `Optimizer`), in Double.
enum KerasSchedules {
    /// The rate at `step` from `initial` (`initial_learning_rate`, or the optimizer's rate for the
    /// legacy decay); nil for a schedule that is not Keras'.
    static func rate(_ kind: ScheduleKind, initial: Double, step t: Double) -> Double? {
        switch kind {
        case let .kerasDecay(decay):
            // Keras 2 optimizers' `decay`: lr / (1 + decay * iterations).
            return initial / (1 + decay * t)
        case let .kerasInverseTime(steps, rate, staircase):
            // InverseTimeDecay: initial / (1 + rate * p), p = step / decay_steps (floored with staircase).
            let p = staircase ? (t / steps).rounded(.down) : t / steps
            return initial / (1 + rate * p)
        case let .kerasExponential(steps, rate, staircase):
            // ExponentialDecay: initial * rate^p, p = step / decay_steps (floored with staircase).
            let p = staircase ? (t / steps).rounded(.down) : t / steps
            return initial * Foundation.pow(rate, p)
        case let .kerasPolynomial(steps, end, power, cycle):
            // PolynomialDecay: (initial - end)(1 - s / L)^power + end; without cycle s = min(step, L),
            // L = decay_steps; with cycle L = decay_steps * ceil(step / decay_steps) (1 at step 0).
            if cycle {
                let multiplier = t == 0 ? 1 : (t / steps).rounded(.up)
                return (initial - end) * Foundation.pow(1 - t / (steps * multiplier), power) + end
            }
            return (initial - end) * Foundation.pow(1 - Swift.min(t, steps) / steps, power) + end
        case let .kerasCosine(steps, alpha, warmupTarget, warmupSteps):
            // CosineDecay: without warm-up, initial * ((1 - alpha) * 0.5 (1 + cos(pi s / decay_steps)) + alpha)
            // with s = min(step, decay_steps); with warmup_target, a line from initial to the target
            // over warmup_steps, then the same decay from the target over the next decay_steps.
            func decayed(_ s: Double, from peak: Double) -> Double {
                peak * ((1 - alpha) * 0.5 * (1 + Foundation.cos(Double.pi * s / steps)) + alpha)
            }
            guard let target = warmupTarget else { return decayed(Swift.min(t, steps), from: initial) }
            let s = Swift.min(t, steps + warmupSteps)
            if s < warmupSteps { return (target - initial) * (s / warmupSteps) + initial }
            return decayed(s - warmupSteps, from: target)
        default:
            return nil
        }
    }
}
