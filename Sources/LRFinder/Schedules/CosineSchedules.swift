import Foundation

/// Cosine annealing: PyTorch's `CosineAnnealingLR` (recursive form) and
/// `CosineAnnealingWarmRestarts` (SGDR, Loshchilov & Hutter 2017, arXiv:1608.03983), after
/// torch/optim/lr_scheduler.py (2.15).
enum CosineSchedules {
    /// `CosineAnnealingLR.get_lr` at step `t`: the ratio of consecutive cosine factors applied
    /// to `current - etaMin`; one step past each trough (t = tMax + 1, 3 tMax + 1, ...), where
    /// that ratio is 0/0, it adds `(base - etaMin)(1 - cos(pi / tMax)) / 2` instead. So past
    /// `tMax` the rate rises again, period `2 tMax`.
    static func chained(current: Double, base: Double, tMax: Int, etaMin: Double, step t: Int, initial: Bool) -> Double {
        if initial { return current }
        let period = Double(tMax)
        if (t - 1 - tMax) % (2 * tMax) == 0 {
            return current + (base - etaMin) * (1 - Foundation.cos(Double.pi / period)) / 2
        }
        return (1 + Foundation.cos(Double.pi * Double(t) / period)) / (1 + Foundation.cos(Double.pi * Double(t - 1) / period))
            * (current - etaMin) + etaMin
    }

    /// `CosineAnnealingLR._get_closed_form_lr`: `etaMin + (base - etaMin)(1 + cos(pi t / tMax)) / 2`.
    static func closedForm(base: Double, tMax: Int, etaMin: Double, step t: Int) -> Double {
        etaMin + (base - etaMin) * (1 + Foundation.cos(Double.pi * Double(t) / Double(tMax))) / 2
    }

    /// `CosineAnnealingWarmRestarts.get_lr`: cosine from `base` to `etaMin` over the current
    /// cycle, at `position.current` of `position.length` steps.
    static func warmRestarts(base: Double, etaMin: Double, position: (current: Double, length: Double)) -> Double {
        etaMin + (base - etaMin) * (1 + Foundation.cos(Double.pi * position.current / position.length)) / 2
    }

    /// `CosineAnnealingWarmRestarts.step(epoch)`: the cycle holding a (fractional) `epoch`, with
    /// cycles of `t0`, `t0 tMult`, `t0 tMult^2`, ... steps, and the position inside it.
    static func warmRestartsPosition(epoch: Double, t0: Int, tMult: Int) -> (current: Double, length: Double) {
        let first = Double(t0), multiplier = Double(tMult)
        guard epoch >= first else { return (epoch, first) }
        if tMult == 1 { return (epoch.truncatingRemainder(dividingBy: first), first) }
        // n = int(log(epoch / T_0 * (T_mult - 1) + 1, T_mult)) completed cycles.
        let n = (Foundation.log(epoch / first * (multiplier - 1) + 1) / Foundation.log(multiplier)).rounded(.towardZero)
        return (epoch - first * (Foundation.pow(multiplier, n) - 1) / (multiplier - 1), first * Foundation.pow(multiplier, n))
    }
}

extension CosineSchedules {
    /// `cosine` (CosineAnnealingLR: `t-max` required, >= 1; `eta-min` 0, >= 0) and
    /// `warm-restarts` (CosineAnnealingWarmRestarts: `t0` required, >= 1; `t-mult` 1, whole >= 1;
    /// `eta-min` 0, >= 0).
    static let grammars: [ScheduleGrammar] = [
        ScheduleGrammar(name: "cosine", keys: ["t-max", "eta-min"], parse: { v in
            .cosine(tMax: try v.integer("t-max", minimum: 1, required: true)!, etaMin: try v.number("eta-min", atLeast: 0) ?? 0)
        }, print: { kind, keys in
            guard case let .cosine(tMax, etaMin) = kind else { return false }
            keys.add("t-max", tMax)
            keys.add("eta-min", etaMin, default: 0)
            return true
        }),
        ScheduleGrammar(name: "warm-restarts", keys: ["t0", "t-mult", "eta-min"], parse: { v in
            .warmRestarts(t0: try v.integer("t0", minimum: 1, required: true)!, tMult: try v.integer("t-mult", minimum: 1) ?? 1,
                          etaMin: try v.number("eta-min", atLeast: 0) ?? 0)
        }, print: { kind, keys in
            guard case let .warmRestarts(t0, tMult, etaMin) = kind else { return false }
            keys.add("t0", t0)
            keys.add("t-mult", tMult, default: 1)
            keys.add("eta-min", etaMin, default: 0)
            return true
        }),
    ]
}
