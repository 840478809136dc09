import Foundation

/// PyTorch's decay schedules (torch/optim/lr_scheduler.py, 2.15): StepLR, MultiStepLR,
/// ExponentialLR, MultiplicativeLR, LambdaLR, PolynomialLR, LinearLR and ConstantLR, in their
/// chainable `get_lr` form (a factor on the current rate `current`) and their closed form
/// (`_get_closed_form_lr`, on the base rate), which PyTorch uses at a `SequentialLR` milestone.
enum DecaySchedules {
    /// `get_lr` at step `step` (`last_epoch`); `initial` is PyTorch's `_is_initial`, true while
    /// the constructor takes its first step.
    static func chained(_ kind: ScheduleKind, current: Double, base: Double, step t: Int, initial: Bool) -> Double {
        switch kind {
        case let .step(size, gamma):
            // StepLR: times gamma at every multiple of size.
            return t == 0 || t % size != 0 ? current : current * gamma
        case let .multiStep(milestones, gamma):
            // MultiStepLR: times gamma^(how many milestones equal t).
            let hits = milestones.filter { $0 == t }.count
            return hits == 0 ? current : current * Foundation.pow(gamma, Double(hits))
        case let .exponential(gamma):
            return initial ? current : current * gamma
        case let .multiplicative(formula):
            return initial ? current : current * formula.evaluate(epoch: Double(t))
        case let .lambda(formula):
            // LambdaLR is not chainable: base times f(t), whatever the current rate.
            return base * formula.evaluate(epoch: Double(t))
        case let .polynomial(total, power):
            if initial || t > total { return current }
            let ratio = (1 - Double(t) / Double(total)) / (1 - Double(t - 1) / Double(total))
            return current * Foundation.pow(ratio, power)
        case let .linear(start, end, total):
            if t == 0 { return current * start }
            if initial || t > total { return current }
            return current * (1 + (end - start) / (Double(total) * start + Double(t - 1) * (end - start)))
        case let .constant(factor, total):
            if t == 0 { return current * factor }
            return t != total ? current : current * (1 / factor)
        default:
            return current
        }
    }

    /// `_get_closed_form_lr` at step `t` of the schedules that have one (nil for the others).
    static func closedForm(_ kind: ScheduleKind, base: Double, step t: Int) -> Double? {
        let time = Double(t)
        switch kind {
        case let .step(size, gamma):
            return base * Foundation.pow(gamma, Double(t / size))
        case let .multiStep(milestones, gamma):
            return base * Foundation.pow(gamma, Double(milestones.filter { $0 <= t }.count))
        case let .exponential(gamma):
            return base * Foundation.pow(gamma, time)
        case let .polynomial(total, power):
            return base * Foundation.pow(1 - Swift.min(time, Double(total)) / Double(total), power)
        case let .linear(start, end, total):
            return base * (start + (end - start) * Swift.min(Double(total), time) / Double(total))
        case let .constant(factor, total):
            return base * (factor + (t >= total ? 1 - factor : 0))
        case let .cosine(tMax, etaMin):
            return CosineSchedules.closedForm(base: base, tMax: tMax, etaMin: etaMin, step: t)
        default:
            return nil
        }
    }
}
