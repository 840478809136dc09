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

extension KerasSchedules {
    /// `keras-decay` (Keras 2 optimizer `decay`: `decay` required, >= 0), `keras-inverse-time`
    /// (InverseTimeDecay: `steps` required, > 0; `rate` required, >= 0; `staircase` false),
    /// `keras-polynomial` (PolynomialDecay: `steps` required, > 0; `end` 1e-4, >= 0; `power` 1,
    /// > 0; `cycle` false), `keras-exponential` (ExponentialDecay: `steps` required, > 0; `rate`
    /// required, > 0; `staircase` false), `keras-cosine` (CosineDecay: `steps` required, > 0;
    /// `alpha` 0, in [0, 1]; `warmup-target` none, > 0; `warmup-steps` 0, >= 0).
    static let grammars: [ScheduleGrammar] = [
        ScheduleGrammar(name: "keras-decay", keys: ["decay"], parse: { v in
            .kerasDecay(decay: try v.number("decay", atLeast: 0, required: true)!)
        }, print: { kind, keys in
            guard case let .kerasDecay(decay) = kind else { return false }
            keys.add("decay", decay)
            return true
        }),
        ScheduleGrammar(name: "keras-inverse-time", keys: ["steps", "rate", "staircase"], parse: { v in
            .kerasInverseTime(steps: try v.number("steps", above: 0, required: true)!, rate: try v.number("rate", atLeast: 0, required: true)!,
                              staircase: try v.flag("staircase") ?? false)
        }, print: { kind, keys in
            guard case let .kerasInverseTime(steps, rate, staircase) = kind else { return false }
            keys.add("steps", steps)
            keys.add("rate", rate)
            keys.add("staircase", staircase, default: false)
            return true
        }),
        ScheduleGrammar(name: "keras-polynomial", keys: ["steps", "end", "power", "cycle"], parse: { v in
            .kerasPolynomial(steps: try v.number("steps", above: 0, required: true)!, end: try v.number("end", atLeast: 0) ?? 1e-4,
                             power: try v.number("power", above: 0) ?? 1, cycle: try v.flag("cycle") ?? false)
        }, print: { kind, keys in
            guard case let .kerasPolynomial(steps, end, power, cycle) = kind else { return false }
            keys.add("steps", steps)
            keys.add("end", end, default: 1e-4)
            keys.add("power", power, default: 1)
            keys.add("cycle", cycle, default: false)
            return true
        }),
        ScheduleGrammar(name: "keras-exponential", keys: ["steps", "rate", "staircase"], parse: { v in
            .kerasExponential(steps: try v.number("steps", above: 0, required: true)!, rate: try v.number("rate", above: 0, required: true)!,
                              staircase: try v.flag("staircase") ?? false)
        }, print: { kind, keys in
            guard case let .kerasExponential(steps, rate, staircase) = kind else { return false }
            keys.add("steps", steps)
            keys.add("rate", rate)
            keys.add("staircase", staircase, default: false)
            return true
        }),
        ScheduleGrammar(name: "keras-cosine", keys: ["steps", "alpha", "warmup-target", "warmup-steps"], parse: { v in
            .kerasCosine(steps: try v.number("steps", above: 0, required: true)!, alpha: try v.number("alpha", atLeast: 0, atMost: 1) ?? 0,
                         warmupTarget: try v.number("warmup-target", above: 0), warmupSteps: try v.number("warmup-steps", atLeast: 0) ?? 0)
        }, print: { kind, keys in
            guard case let .kerasCosine(steps, alpha, warmupTarget, warmupSteps) = kind else { return false }
            keys.add("steps", steps)
            keys.add("alpha", alpha, default: 0)
            keys.add("warmup-target", ifSet: warmupTarget)
            keys.add("warmup-steps", warmupSteps, default: 0)
            return true
        }),
    ]
}
