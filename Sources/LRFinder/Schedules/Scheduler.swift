import Foundation

/// A running learning-rate schedule: the rate (and cycled momentum) for the current step, and
/// `step()` to advance, with `torch.optim.lr_scheduler`'s convention: right after construction
/// `learningRate` is the rate of step 0, and after the i-th `step()` the rate of step i.
///
/// A value: copying a scheduler copies its position and its plateau state.
public struct Scheduler: Sendable {
    /// What is being run.
    public let spec: ScheduleSpec
    /// The optimizer's initial rate, PyTorch's `base_lr` / Keras' `initial_learning_rate`.
    public let baseLearningRate: Double
    /// Steps taken so far (PyTorch's `last_epoch`).
    public private(set) var stepCount = 0
    /// The rate for the current step.
    public private(set) var learningRate: Double
    /// Momentum (or Adam's beta1) for the current step when the schedule cycles it, else nil.
    public private(set) var momentum: Double?

    private var state: State

    private enum State: Sendable {
        case closedForm
        case multiplicative
        case warmRestarts(current: Double, length: Double)
        case plateau(best: Double, badEpochs: Int, cooldown: Int)
        case sequential(children: [Scheduler], active: Int)
        case chain(children: [Scheduler])
    }

    /// Starts `spec` from `initialLearningRate`.
    /// - Parameters:
    ///   - initialMomentum: the optimizer's momentum or beta1 (nil if it has none); cycled
    ///     momentum is only used when there is one, unless the spec asks for it explicitly.
    ///   - runLength: steps in the whole run, in the schedule's unit: OneCycleLR's length when
    ///     the spec gives neither `total` nor `epochs` and `steps-per-epoch`.
    /// - Throws: `ScheduleError` for settings that cannot run.
    public init(spec: ScheduleSpec, initialLearningRate: Double, initialMomentum: Double? = nil, runLength: Int? = nil) throws {
        guard initialLearningRate > 0, initialLearningRate.isFinite else {
            throw ScheduleError("the initial learning rate must be positive, got \(initialLearningRate)")
        }
        var spec = spec
        switch spec.kind {
        case var .cyclic(settings):
            if settings.cyclesMomentum == true && initialMomentum == nil {
                throw ScheduleError("cyclic: momentum=true needs an optimizer with momentum or beta1 (sgd --momentum, adam, adamw, rmsprop --momentum)")
            }
            settings.cyclesMomentum = settings.cyclesMomentum ?? (initialMomentum != nil)
            spec.kind = .cyclic(settings)
        case var .oneCycle(settings):
            if settings.cyclesMomentum == true && initialMomentum == nil {
                throw ScheduleError("onecycle: momentum=true needs an optimizer with momentum or beta1")
            }
            settings.cyclesMomentum = settings.cyclesMomentum ?? (initialMomentum != nil)
            if settings.totalSteps == nil {
                if let epochs = settings.epochs, let perEpoch = settings.stepsPerEpoch {
                    settings.totalSteps = epochs * perEpoch
                } else if let runLength {
                    settings.totalSteps = runLength
                } else {
                    throw ScheduleError("onecycle: give total=N or epochs=E,steps-per-epoch=S")
                }
            }
            guard let total = settings.totalSteps, total >= 2 else {
                throw ScheduleError("onecycle: total steps must be >= 2, got \(settings.totalSteps ?? 0)")
            }
            spec.kind = .oneCycle(settings)
        default: break
        }
        self.spec = spec
        self.baseLearningRate = initialLearningRate
        self.learningRate = initialLearningRate
        switch spec.kind {
        case .multiplicative: state = .multiplicative
        case let .warmRestarts(t0, _, _): state = .warmRestarts(current: 0, length: Double(t0))
        case let .plateau(settings): state = .plateau(best: settings.mode == .min ? .infinity : -.infinity, badEpochs: 0, cooldown: 0)
        case let .sequential(children, _):
            state = .sequential(children: try children.map {
                try Scheduler(spec: $0, initialLearningRate: initialLearningRate, initialMomentum: initialMomentum, runLength: runLength)
            }, active: 0)
        case let .chain(children):
            state = .chain(children: try children.map {
                try Scheduler(spec: $0, initialLearningRate: initialLearningRate, initialMomentum: initialMomentum, runLength: runLength)
            })
        default: state = .closedForm
        }
        refresh()
    }

    /// The unit the schedule steps in.
    public var unit: ScheduleUnit { spec.unit }

    /// Whether `step` needs the watched metric (ReduceLROnPlateau, also inside a sequence or chain).
    public var needsMetric: Bool { spec.kind.needsMetric }

    /// Advances one step; `metric` is the value ReduceLROnPlateau watches (ignored by the others;
    /// a plateau step without a metric changes nothing).
    public mutating func step(metric: Double? = nil) {
        stepCount += 1
        let t = Double(stepCount)
        switch (state, spec.kind) {
        case let (.warmRestarts(current, length), .warmRestarts(_, tMult, _)):
            // PyTorch's integer step: T_cur += 1; a restart when it reaches T_i.
            var current = current + 1, length = length
            if current >= length { current -= length; length *= Double(tMult) }
            state = .warmRestarts(current: current, length: length)
        case (.multiplicative, let .multiplicative(formula)):
            learningRate *= formula.evaluate(epoch: t)
            return
        case let (.plateau(best, badEpochs, cooldown), .plateau(settings)):
            guard let metric else { stepCount -= 1; return }
            state = Self.plateauStep(settings: settings, metric: metric, best: best, badEpochs: badEpochs,
                                     cooldown: cooldown, learningRate: &learningRate)
            return
        case let (.sequential(children, _), .sequential(_, milestones)):
            // SequentialLR: the schedule whose milestone is reached starts over from its step 0.
            var children = children
            let active = milestones.filter { $0 <= stepCount }.count
            if milestones.contains(stepCount) {
                children[active] = try! Scheduler(spec: children[active].spec, initialLearningRate: baseLearningRate,
                                                  initialMomentum: nil, runLength: nil, keeping: children[active])
            } else {
                children[active].step(metric: metric)
            }
            state = .sequential(children: children, active: active)
        case let (.chain(children), _):
            state = .chain(children: children.map { var child = $0; child.step(metric: metric); return child })
        default: break
        }
        refresh()
    }

    /// Moves CosineAnnealingWarmRestarts to a fractional epoch, as PyTorch's `step(epoch)` does:
    /// the cycle containing `epoch` and the position inside it are computed in closed form.
    public mutating func moveTo(epoch: Double) {
        guard case let .warmRestarts(t0, tMult, _) = spec.kind else { return }
        let first = Double(t0), multiplier = Double(tMult)
        var current = epoch, length = first
        if epoch >= first {
            if tMult == 1 {
                current = epoch.truncatingRemainder(dividingBy: first)
            } else {
                let n = (Foundation.log(epoch / first * (multiplier - 1) + 1) / Foundation.log(multiplier)).rounded(.towardZero)
                current = epoch - first * (Foundation.pow(multiplier, n) - 1) / (multiplier - 1)
                length = first * Foundation.pow(multiplier, n)
            }
        }
        stepCount = Int(epoch.rounded(.down))
        state = .warmRestarts(current: current, length: length)
        refresh()
    }

    /// The rates (and momenta) of steps `0..<steps`; `metrics[i]` is what the schedule sees at
    /// the end of step i (ReduceLROnPlateau).
    public static func sequence(_ spec: ScheduleSpec, initialLearningRate: Double, initialMomentum: Double? = nil,
                                steps: Int, metrics: [Double]? = nil) throws -> [ScheduleValue] {
        var scheduler = try Scheduler(spec: spec, initialLearningRate: initialLearningRate,
                                      initialMomentum: initialMomentum, runLength: steps)
        if scheduler.needsMetric, (metrics?.count ?? 0) < steps - 1 {
            throw ScheduleError("plateau: needs one metric value per epoch (\(steps - 1) at least), got \(metrics?.count ?? 0)")
        }
        var values: [ScheduleValue] = []
        values.reserveCapacity(steps)
        for index in 0..<steps {
            values.append(ScheduleValue(learningRate: scheduler.learningRate, momentum: scheduler.momentum))
            if index + 1 < steps { scheduler.step(metric: metrics.flatMap { index < $0.count ? $0[index] : nil }) }
        }
        return values
    }

    // MARK: - Rates

    /// Recomputes `learningRate` and `momentum` for `stepCount` (closed forms, or from the state).
    private mutating func refresh() {
        let base = baseLearningRate, t = Double(stepCount)
        switch (state, spec.kind) {
        case let (.warmRestarts(current, length), .warmRestarts(_, _, etaMin)):
            learningRate = etaMin + (base - etaMin) * (1 + Foundation.cos(Double.pi * current / length)) / 2
        case (.multiplicative, _), (.plateau, _):
            break
        case let (.sequential(children, active), _):
            learningRate = children[active].learningRate
            momentum = children[active].momentum
        case let (.chain(children), _):
            learningRate = children.reduce(base) { $0 * $1.learningRate / base }
            momentum = children.last { $0.momentum != nil }?.momentum
        default:
            let value = Self.closedForm(spec.kind, base: base, t: t)
            learningRate = value.learningRate
            momentum = value.momentum
        }
    }

    /// The rate at step `t` of the schedules that have a closed form.
    static func closedForm(_ kind: ScheduleKind, base: Double, t: Double) -> ScheduleValue {
        switch kind {
        case let .step(size, gamma):
            return ScheduleValue(learningRate: base * Foundation.pow(gamma, (t / Double(size)).rounded(.down)))
        case let .multiStep(milestones, gamma):
            return ScheduleValue(learningRate: base * Foundation.pow(gamma, Double(milestones.filter { Double($0) <= t }.count)))
        case let .exponential(gamma):
            return ScheduleValue(learningRate: base * Foundation.pow(gamma, t))
        case let .lambda(formula):
            return ScheduleValue(learningRate: base * formula.evaluate(epoch: t))
        case let .cosine(tMax, etaMin):
            return ScheduleValue(learningRate: etaMin + (base - etaMin) * (1 + Foundation.cos(Double.pi * t / Double(tMax))) / 2)
        case let .cyclic(settings):
            return cyclic(settings, t: t)
        case let .oneCycle(settings):
            return oneCycle(settings, t: t)
        case let .polynomial(total, power):
            let progress = Swift.min(t, Double(total)) / Double(total)
            return ScheduleValue(learningRate: base * Foundation.pow(1 - progress, power))
        case let .linear(start, end, total):
            return ScheduleValue(learningRate: base * (start + (end - start) * Swift.min(t, Double(total)) / Double(total)))
        case let .constant(factor, total):
            return ScheduleValue(learningRate: t < Double(total) ? base * factor : base)
        case let .kerasDecay(decay):
            return ScheduleValue(learningRate: base / (1 + decay * t))
        case let .kerasInverseTime(steps, rate, staircase):
            let p = staircase ? (t / steps).rounded(.down) : t / steps
            return ScheduleValue(learningRate: base / (1 + rate * p))
        case let .kerasExponential(steps, rate, staircase):
            let p = staircase ? (t / steps).rounded(.down) : t / steps
            return ScheduleValue(learningRate: base * Foundation.pow(rate, p))
        case let .kerasPolynomial(steps, end, power, cycle):
            var length = steps, s = t
            if cycle {
                // Keras: decay_steps * ceil(step / decay_steps), with multiplier 1 at step 0.
                let multiplier = t == 0 ? 1 : (t / steps).rounded(.up)
                length = steps * multiplier
            } else {
                s = Swift.min(t, steps)
            }
            return ScheduleValue(learningRate: (base - end) * Foundation.pow(1 - s / length, power) + end)
        case let .kerasCosine(steps, alpha, warmupTarget, warmupSteps):
            func decay(_ step: Double, from peak: Double) -> Double {
                let cosine = 0.5 * (1 + Foundation.cos(Double.pi * step / steps))
                return peak * ((1 - alpha) * cosine + alpha)
            }
            guard let target = warmupTarget else { return ScheduleValue(learningRate: decay(Swift.min(t, steps), from: base)) }
            let s = Swift.min(t, steps + warmupSteps)
            if s < warmupSteps { return ScheduleValue(learningRate: (target - base) * (s / warmupSteps) + base) }
            return ScheduleValue(learningRate: decay(s - warmupSteps, from: target))
        case .multiplicative, .warmRestarts, .plateau, .sequential, .chain:
            return ScheduleValue(learningRate: base)
        }
    }

    /// PyTorch's `CyclicLR.get_lr`: position `x` in the current cycle, a triangle wave between
    /// base and max, its height scaled per cycle or per iteration; momentum mirrors it.
    static func cyclic(_ s: CyclicSettings, t: Double) -> ScheduleValue {
        let down = s.stepSizeDown ?? s.stepSizeUp
        let total = s.stepSizeUp + down, ratio = s.stepSizeUp / total
        let cycle = (1 + t / total).rounded(.down)
        let x = 1 + t / total - cycle
        let scale = x <= ratio ? x / ratio : (x - 1) / (ratio - 1)
        let byCycle = s.scalesByCycle ?? (s.mode != .expRange)
        let argument = byCycle ? cycle : t
        let amplitude: Double
        switch s.mode {
        case .triangular: amplitude = 1
        case .triangular2: amplitude = 1 / Foundation.pow(2, argument - 1)
        case .expRange: amplitude = Foundation.pow(s.gamma, argument)
        }
        let rate = s.baseLearningRate + (s.maxLearningRate - s.baseLearningRate) * scale * amplitude
        let momentum = s.cyclesMomentum == true ? s.maxMomentum - (s.maxMomentum - s.baseMomentum) * scale * amplitude : nil
        return ScheduleValue(learningRate: rate, momentum: momentum)
    }

    /// PyTorch's `OneCycleLR.get_lr`: phases ending at `pct_start * total - 1` (and, with three
    /// phases, `2 pct_start * total - 2`) and `total - 1`; past the end the final rate holds.
    static func oneCycle(_ s: OneCycleSettings, t: Double) -> ScheduleValue {
        let total = Double(s.totalSteps ?? 2)
        let initial = s.maxLearningRate / s.divFactor, final = initial / s.finalDivFactor
        typealias Phase = (end: Double, rate: (Double, Double), momentum: (Double, Double))
        let phases: [Phase] = s.threePhase
            ? [(s.percentStart * total - 1, (initial, s.maxLearningRate), (s.maxMomentum, s.baseMomentum)),
               (2 * s.percentStart * total - 2, (s.maxLearningRate, initial), (s.baseMomentum, s.maxMomentum)),
               (total - 1, (initial, final), (s.maxMomentum, s.maxMomentum))]
            : [(s.percentStart * total - 1, (initial, s.maxLearningRate), (s.maxMomentum, s.baseMomentum)),
               (total - 1, (s.maxLearningRate, final), (s.baseMomentum, s.maxMomentum))]
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

    /// PyTorch's `ReduceLROnPlateau.step`: count bad epochs (not during cooldown); more than
    /// `patience` of them multiply the rate by `factor` (not below `minLearningRate`, and only
    /// when the change exceeds `epsilon`) and start a cooldown.
    private static func plateauStep(settings s: PlateauSettings, metric: Double, best: Double, badEpochs: Int,
                                    cooldown: Int, learningRate: inout Double) -> State {
        let improves: Bool
        switch (s.mode, s.thresholdIsRelative) {
        case (.min, true): improves = metric < best * (1 - s.threshold)
        case (.min, false): improves = metric < best - s.threshold
        case (.max, true): improves = metric > best * (1 + s.threshold)
        case (.max, false): improves = metric > best + s.threshold
        }
        var best = best, bad = improves ? 0 : badEpochs + 1, cooldown = cooldown
        if improves { best = metric }
        if cooldown > 0 { cooldown -= 1; bad = 0 }
        if bad > s.patience {
            let reduced = Swift.max(learningRate * s.factor, s.minLearningRate)
            if learningRate - reduced > s.epsilon { learningRate = reduced }
            cooldown = s.cooldown
            bad = 0
        }
        return .plateau(best: best, badEpochs: bad, cooldown: cooldown)
    }

    /// A fresh scheduler for `spec` that keeps `previous`'s resolved settings (sequential restarts).
    private init(spec: ScheduleSpec, initialLearningRate: Double, initialMomentum: Double?, runLength: Int?, keeping previous: Scheduler) throws {
        self = previous
        self.stepCount = 0
        self.learningRate = initialLearningRate
        switch spec.kind {
        case let .warmRestarts(t0, _, _): state = .warmRestarts(current: 0, length: Double(t0))
        case let .plateau(settings): state = .plateau(best: settings.mode == .min ? .infinity : -.infinity, badEpochs: 0, cooldown: 0)
        default: break
        }
        refresh()
    }
}

extension ScheduleKind {
    /// Whether the schedule (or one inside it) is ReduceLROnPlateau, which watches a metric.
    public var needsMetric: Bool { plateauMode != nil }

    /// The mode of the ReduceLROnPlateau in (or inside) this schedule, if there is one.
    public var plateauMode: PlateauMode? {
        switch self {
        case let .plateau(settings): return settings.mode
        case let .sequential(children, _), let .chain(children): return children.lazy.compactMap(\.kind.plateauMode).first
        default: return nil
        }
    }
}

/// The rate and (when cycled) momentum of one step.
public struct ScheduleValue: Equatable, Sendable, Codable {
    /// The learning rate.
    public var learningRate: Double
    /// Momentum or Adam's beta1, when the schedule cycles it.
    public var momentum: Double?

    /// A rate and an optional momentum.
    public init(learningRate: Double, momentum: Double? = nil) {
        self.learningRate = learningRate
        self.momentum = momentum
    }
}

/// A schedule that cannot be built or run: a one-line reason.
public struct ScheduleError: Error, Equatable, CustomStringConvertible {
    /// The reason, naming the schedule and key.
    public var description: String

    /// An error with `description`.
    public init(_ description: String) { self.description = description }
}
