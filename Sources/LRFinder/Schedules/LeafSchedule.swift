/// The values of PyTorch's optimizer parameter group that its schedulers read and write:
/// `lr`, `initial_lr` (set by the first scheduler built on the optimizer, overwritten by
/// OneCycleLR) and `momentum` / `betas[0]`.
struct ParameterGroup: Sendable {
    /// `group["lr"]`: the rate of the current step.
    var learningRate: Double
    /// `group["initial_lr"]`, nil until a scheduler sets it.
    var initialLearningRate: Double?
    /// `group["momentum"]` (SGD, RMSprop) or `group["betas"][0]` (Adam, AdamW); nil when the
    /// optimizer has none configured and no schedule wrote one.
    var momentum: Double?
}

/// One scheduler (not a sequence or chain) acting on a shared `ParameterGroup` the way its
/// `torch.optim.lr_scheduler` class does (PyTorch 2.15, torch/optim/lr_scheduler.py):
/// construction writes what the class's `__init__` writes and takes the initial step; `step`
/// applies the class's `get_lr` (the chainable, recursive form where the class has one, so a
/// chain of schedules multiplies exactly as `ChainedScheduler` does); `restart` is
/// `SequentialLR`'s `_update_lr(0)` at a milestone (the closed form where the class has one).
struct LeafSchedule: Sendable {
    /// The schedule, with its settings resolved (OneCycle's total, cycled momentum).
    let kind: ScheduleKind
    /// PyTorch's `base_lrs[0]` (Keras' `initial_learning_rate`).
    private(set) var base: Double
    /// PyTorch's `last_epoch`: steps since construction or the last restart.
    private(set) var lastEpoch = 0
    /// CosineAnnealingWarmRestarts' position `T_cur` in its current cycle of `T_i` steps.
    private(set) var warmRestarts = (current: 0.0, length: 1.0)
    /// ReduceLROnPlateau's counters.
    private(set) var plateau = PlateauState(mode: .min)

    /// Builds the scheduler on `group`, as its PyTorch constructor does.
    init(_ kind: ScheduleKind, group: inout ParameterGroup) {
        self.kind = kind
        switch kind {
        case let .cyclic(settings):
            // CyclicLR writes lr = base_lr before LRScheduler.__init__ (which keeps an existing
            // initial_lr), takes its initial step with base_lrs = initial_lr, then sets base_lrs.
            group.learningRate = settings.baseLearningRate
            if settings.cyclesMomentum == true { group.momentum = settings.maxMomentum }
        case let .oneCycle(settings):
            group.initialLearningRate = settings.maximumLearningRate / settings.divFactor
            if settings.cyclesMomentum == true { group.momentum = settings.maxMomentum }
        case let .warmRestarts(t0, _, _):
            warmRestarts = (0, Double(t0))
        case let .plateau(settings):
            plateau = PlateauState(mode: settings.mode)
        default:
            break
        }
        if group.initialLearningRate == nil { group.initialLearningRate = group.learningRate }
        base = group.initialLearningRate!
        if case .plateau = kind { return }  // ReduceLROnPlateau takes no initial step.
        apply(to: &group, initial: true)
        if case let .cyclic(settings) = kind { base = settings.baseLearningRate }
    }

    /// `LRScheduler._initial_step` again (SequentialLR re-runs it on its first schedule).
    mutating func initialStep(_ group: inout ParameterGroup) {
        lastEpoch = 0
        if case let .warmRestarts(t0, _, _) = kind { warmRestarts = (0, Double(t0)) }
        if case .plateau = kind { return }
        apply(to: &group, initial: true)
    }

    /// One `scheduler.step()`; `metric` is what ReduceLROnPlateau watches (without one it does nothing).
    mutating func step(_ group: inout ParameterGroup, metric: Double?) {
        switch kind {
        case let .plateau(settings):
            guard let metric else { return }
            lastEpoch += 1
            plateau.observe(metric, settings: settings, learningRate: &group.learningRate)
            return
        case let .warmRestarts(_, tMult, _):
            // CosineAnnealingWarmRestarts.step(): T_cur += 1, a restart when it reaches T_i.
            warmRestarts.current += 1
            if warmRestarts.current >= warmRestarts.length {
                warmRestarts.current = warmRestarts.current.truncatingRemainder(dividingBy: warmRestarts.length)
                warmRestarts.length *= Double(tMult)
            }
        default:
            break
        }
        lastEpoch += 1
        apply(to: &group, initial: false)
    }

    /// `SequentialLR` at a milestone: `_update_lr(0)`, the closed form at step 0 where the class
    /// has one, else its `get_lr` at step 0 (MultiplicativeLR then multiplies the current rate
    /// by f(0)). A plateau (which PyTorch refuses in a sequence) starts counting afresh.
    mutating func restart(_ group: inout ParameterGroup) {
        lastEpoch = 0
        if case let .plateau(settings) = kind {
            plateau = PlateauState(mode: settings.mode)
            return
        }
        if let rate = DecaySchedules.closedForm(kind, base: base, step: 0) {
            group.learningRate = rate
        } else {
            apply(to: &group, initial: false)
        }
    }

    /// CosineAnnealingWarmRestarts' `step(epoch)` at a fractional epoch.
    mutating func move(toEpoch epoch: Double, _ group: inout ParameterGroup) {
        guard case let .warmRestarts(t0, tMult, _) = kind else { return }
        warmRestarts = CosineSchedules.warmRestartsPosition(epoch: epoch, t0: t0, tMult: tMult)
        lastEpoch = Int(epoch.rounded(.down))
        apply(to: &group, initial: false)
    }

    /// Writes the class's `get_lr` at `lastEpoch` into `group` (and the cycled momentum).
    private func apply(to group: inout ParameterGroup, initial: Bool) {
        let t = lastEpoch
        switch kind {
        case let .cyclic(settings):
            let value = CyclicSchedules.cyclic(settings, base: base, step: Double(t))
            group.learningRate = value.learningRate
            if let momentum = value.momentum { group.momentum = momentum }
        case let .oneCycle(settings):
            let value = CyclicSchedules.oneCycle(settings, step: Double(t))
            group.learningRate = value.learningRate
            if let momentum = value.momentum { group.momentum = momentum }
        case let .warmRestarts(_, _, etaMin):
            group.learningRate = CosineSchedules.warmRestarts(base: base, etaMin: etaMin, position: warmRestarts)
        case let .cosine(tMax, etaMin):
            group.learningRate = CosineSchedules.chained(current: group.learningRate, base: base, tMax: tMax, etaMin: etaMin,
                                                         step: t, initial: initial)
        case .kerasDecay, .kerasInverseTime, .kerasPolynomial, .kerasExponential, .kerasCosine:
            group.learningRate = KerasSchedules.rate(kind, initial: base, step: Double(t)) ?? group.learningRate
        case .sequential, .chain, .plateau:
            break
        default:
            group.learningRate = DecaySchedules.chained(kind, current: group.learningRate, base: base, step: t, initial: initial)
        }
    }
}
