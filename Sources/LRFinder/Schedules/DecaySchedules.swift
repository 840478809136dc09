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

extension DecaySchedules {
    /// The decay schedules' text (defaults and allowed values as PyTorch's constructors):
    /// `step` (StepLR: `size` required, >= 1; `gamma` 0.1, > 0), `multistep` (MultiStepLR:
    /// `milestones` required, increasing whole numbers >= 0 joined by `/`; `gamma` 0.1, > 0),
    /// `exponential` (ExponentialLR: `gamma` required, > 0), `multiplicative` and `lambda`
    /// (MultiplicativeLR, LambdaLR: `f` required, a ``Formula`` in `epoch`), `polynomial`
    /// (PolynomialLR: `total` 5, >= 1; `power` 1, > 0), `linear` (LinearLR: `start-factor` 1/3, in
    /// (0, 1]; `end-factor` 1, in [0, 1]; `total` 5, >= 1), `constant` (ConstantLR: `factor` 1/3, in
    /// (0, 1]; `total` 5, >= 0).
    static let grammars: [ScheduleGrammar] = [
        ScheduleGrammar(name: "step", keys: ["size", "gamma"], parse: { v in
            .step(size: try v.integer("size", minimum: 1, required: true)!, gamma: try v.number("gamma", above: 0) ?? 0.1)
        }, print: { kind, keys in
            guard case let .step(size, gamma) = kind else { return false }
            keys.add("size", size)
            keys.add("gamma", gamma, default: 0.1)
            return true
        }),
        ScheduleGrammar(name: "multistep", keys: ["milestones", "gamma"], parse: { v in
            .multiStep(milestones: try v.milestones("milestones", required: true), gamma: try v.number("gamma", above: 0) ?? 0.1)
        }, print: { kind, keys in
            guard case let .multiStep(milestones, gamma) = kind else { return false }
            keys.add("milestones", milestones.map(String.init).joined(separator: "/"))
            keys.add("gamma", gamma, default: 0.1)
            return true
        }),
        ScheduleGrammar(name: "exponential", keys: ["gamma"], parse: { v in
            .exponential(gamma: try v.number("gamma", above: 0, required: true)!)
        }, print: { kind, keys in
            guard case let .exponential(gamma) = kind else { return false }
            keys.add("gamma", gamma)
            return true
        }),
        ScheduleGrammar(name: "multiplicative", keys: ["f"], parse: { v in .multiplicative(try v.formula("f")) }, print: { kind, keys in
            guard case let .multiplicative(formula) = kind else { return false }
            keys.add("f", formula.description)
            return true
        }),
        ScheduleGrammar(name: "lambda", keys: ["f"], parse: { v in .lambda(try v.formula("f")) }, print: { kind, keys in
            guard case let .lambda(formula) = kind else { return false }
            keys.add("f", formula.description)
            return true
        }),
        ScheduleGrammar(name: "polynomial", keys: ["total", "power"], parse: { v in
            .polynomial(total: try v.integer("total", minimum: 1) ?? 5, power: try v.number("power", above: 0) ?? 1)
        }, print: { kind, keys in
            guard case let .polynomial(total, power) = kind else { return false }
            keys.add("total", total, default: 5)
            keys.add("power", power, default: 1)
            return true
        }),
        ScheduleGrammar(name: "linear", keys: ["start-factor", "end-factor", "total"], parse: { v in
            .linear(startFactor: try v.number("start-factor", above: 0, atMost: 1) ?? 1.0 / 3, endFactor: try v.number("end-factor", atLeast: 0, atMost: 1) ?? 1,
                    total: try v.integer("total", minimum: 1) ?? 5)
        }, print: { kind, keys in
            guard case let .linear(startFactor, endFactor, total) = kind else { return false }
            keys.add("start-factor", startFactor, default: 1.0 / 3)
            keys.add("end-factor", endFactor, default: 1)
            keys.add("total", total, default: 5)
            return true
        }),
        ScheduleGrammar(name: "constant", keys: ["factor", "total"], parse: { v in
            .constant(factor: try v.number("factor", above: 0, atMost: 1) ?? 1.0 / 3, total: try v.integer("total", minimum: 0) ?? 5)
        }, print: { kind, keys in
            guard case let .constant(factor, total) = kind else { return false }
            keys.add("factor", factor, default: 1.0 / 3)
            keys.add("total", total, default: 5)
            return true
        }),
    ]
}
