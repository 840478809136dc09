/// Whether a schedule advances once per batch (optimizer update) or once per epoch.
public enum ScheduleUnit: String, Sendable, Codable, CaseIterable {
    /// One step per optimizer update (CyclicLR, OneCycleLR and the Keras schedules by default).
    case batch
    /// One step per epoch (every other PyTorch schedule by default).
    case epoch
}

/// A learning-rate schedule and its parameters, as `torch.optim.lr_scheduler` and Keras name
/// them; step counts are in the schedule's own unit (`unit`).
///
/// Built in code or parsed from the command line's compact form (`ScheduleSpec(parsing:)`,
/// documented in `docs/schedules.md`). `Scheduler` runs it.
public struct ScheduleSpec: Equatable, Sendable {
    /// The schedule.
    public var kind: ScheduleKind
    /// Its stepping unit; nil takes the kind's default (`kind.defaultUnit`).
    public var unitOverride: ScheduleUnit?

    /// A schedule of `kind`, stepping in `unit` (the kind's default when nil).
    public init(_ kind: ScheduleKind, unit: ScheduleUnit? = nil) {
        self.kind = kind
        self.unitOverride = unit
    }

    /// The unit the schedule steps in.
    public var unit: ScheduleUnit { unitOverride ?? kind.defaultUnit }
}

/// The schedules, each with PyTorch's (or Keras') parameters and defaults.
public indirect enum ScheduleKind: Equatable, Sendable {
    /// `StepLR`: `base * gamma^floor(t / size)`.
    case step(size: Int, gamma: Double)
    /// `MultiStepLR`: `base * gamma^(number of milestones <= t)`.
    case multiStep(milestones: [Int], gamma: Double)
    /// `ExponentialLR`: `base * gamma^t`.
    case exponential(gamma: Double)
    /// `MultiplicativeLR`: the rate of step t is the rate of step t-1 times `factor(t)`.
    case multiplicative(Formula)
    /// `LambdaLR`: `base * factor(t)`.
    case lambda(Formula)
    /// `CosineAnnealingLR`: `etaMin + (base - etaMin)(1 + cos(pi t / tMax)) / 2`; past `tMax` it
    /// rises again with period `2 tMax`, as PyTorch's recursive form does.
    case cosine(tMax: Int, etaMin: Double)
    /// `CosineAnnealingWarmRestarts` (SGDR, Loshchilov & Hutter 2017): cosine over cycles of
    /// `t0`, `t0 * tMult`, ... steps, restarting at `base`.
    case warmRestarts(t0: Int, tMult: Int, etaMin: Double)
    /// `CyclicLR` (Smith 2017, arXiv:1506.01186).
    case cyclic(CyclicSettings)
    /// `OneCycleLR` (Smith & Topin 2018, arXiv:1708.07120; Smith 2018, arXiv:1803.09820).
    case oneCycle(OneCycleSettings)
    /// `PolynomialLR`: `base * (1 - min(t, total) / total)^power`.
    case polynomial(total: Int, power: Double)
    /// `LinearLR`: the factor moves linearly from `startFactor` to `endFactor` over `total` steps.
    case linear(startFactor: Double, endFactor: Double, total: Int)
    /// `ConstantLR`: `base * factor` for the first `total` steps, then `base`.
    case constant(factor: Double, total: Int)
    /// `ReduceLROnPlateau`: divides the rate when a watched metric stops improving.
    case plateau(PlateauSettings)
    /// `SequentialLR`: `schedules[k]` from `milestones[k-1]` on, each restarted at its milestone.
    case sequential([ScheduleSpec], milestones: [Int])
    /// `ChainedScheduler`: at every step each schedule acts in turn on the rate the previous one
    /// left (the chainable ones multiply it; `lambda`, `cyclic`, `onecycle`, `warm-restarts` and
    /// the Keras decays set it outright).
    case chain([ScheduleSpec])
    /// Keras 2's optimizer `decay` argument: `base / (1 + decay * iterations)`.
    case kerasDecay(decay: Double)
    /// Keras `InverseTimeDecay`: `base / (1 + rate * p)`, `p = t / steps` (floored with `staircase`).
    case kerasInverseTime(steps: Double, rate: Double, staircase: Bool)
    /// Keras `PolynomialDecay` from `base` to `end` over `steps`, optionally cycling.
    case kerasPolynomial(steps: Double, end: Double, power: Double, cycle: Bool)
    /// Keras `ExponentialDecay`: `base * rate^p`, `p = t / steps` (floored with `staircase`).
    case kerasExponential(steps: Double, rate: Double, staircase: Bool)
    /// Keras `CosineDecay`: optional linear warm-up from `base` to `warmupTarget` over
    /// `warmupSteps`, then cosine decay over `steps` to `alpha` times the peak.
    case kerasCosine(steps: Double, alpha: Double, warmupTarget: Double?, warmupSteps: Double)

    /// CyclicLR and OneCycleLR step per batch, as do Keras' schedules and the legacy decay
    /// (they count optimizer iterations); the rest per epoch, as PyTorch users use them.
    public var defaultUnit: ScheduleUnit {
        switch self {
        case .cyclic, .oneCycle, .kerasDecay, .kerasInverseTime, .kerasPolynomial, .kerasExponential, .kerasCosine: return .batch
        case let .sequential(children, _): return children.first?.unit ?? .epoch
        case let .chain(children): return children.first?.unit ?? .epoch
        default: return .epoch
        }
    }
}

/// `CyclicLR`'s amplitude policy.
public enum CyclicMode: String, Sendable, CaseIterable {
    /// Constant amplitude.
    case triangular
    /// Amplitude halved every cycle.
    case triangular2
    /// Amplitude scaled by `gamma^iterations`.
    case expRange = "exp_range"
}

/// The parameters of `CyclicLR`, with PyTorch's defaults.
public struct CyclicSettings: Equatable, Sendable {
    /// Lower bound of the rate (the rate at step 0).
    public var baseLearningRate: Double
    /// Upper bound of the rate.
    public var maximumLearningRate: Double
    /// Steps from base to max (default 2000).
    public var stepSizeUp: Double = 2000
    /// Steps from max back to base; nil means `stepSizeUp`.
    public var stepSizeDown: Double?
    /// Amplitude policy.
    public var mode: CyclicMode = .triangular
    /// `exp_range`'s decay per iteration.
    public var gamma: Double = 1
    /// Whether the amplitude scale is a function of the cycle number or of the iteration;
    /// nil takes the mode's own (cycle for the triangular modes, iterations for exp_range), the
    /// only one PyTorch uses for its built-in modes. Set, it gives what PyTorch gives with
    /// `scale_fn` = the mode's function and this `scale_mode`.
    public var scalesByCycle: Bool?
    /// Whether momentum (or Adam's beta1) cycles inversely to the rate; nil: yes, PyTorch's
    /// default `cycle_momentum=True`.
    public var cyclesMomentum: Bool?
    /// Momentum at the rate's peak.
    public var baseMomentum: Double = 0.8
    /// Momentum at the rate's trough.
    public var maxMomentum: Double = 0.9

    /// Cycles between `base` and `max` with PyTorch's other defaults.
    public init(base: Double, max: Double) {
        self.baseLearningRate = base
        self.maximumLearningRate = max
    }
}

/// How OneCycleLR interpolates within a phase.
public enum AnnealStrategy: String, Sendable, CaseIterable {
    /// Half a cosine wave.
    case cos
    /// A straight line.
    case linear
}

/// The parameters of `OneCycleLR`, with PyTorch's defaults.
public struct OneCycleSettings: Equatable, Sendable {
    /// The peak rate.
    public var maximumLearningRate: Double
    /// Steps in the whole cycle; nil: `epochs * batchesPerEpoch`, or the length of the run.
    public var totalSteps: Int?
    /// Epochs, with `batchesPerEpoch`, as an alternative to `totalSteps`.
    public var epochs: Int?
    /// Steps per epoch, with `epochs`.
    public var batchesPerEpoch: Int?
    /// Fraction of the cycle spent rising.
    public var percentStart: Double = 0.3
    /// Interpolation within a phase.
    public var anneal: AnnealStrategy = .cos
    /// The start rate is `max / divFactor`.
    public var divFactor: Double = 25
    /// The final rate is the start rate `/ finalDivFactor`.
    public var finalDivFactor: Double = 1e4
    /// Three phases (up, back down to the start rate, annihilation) instead of two.
    public var threePhase = false
    /// Whether momentum (or Adam's beta1) cycles inversely; nil: yes, PyTorch's default.
    public var cyclesMomentum: Bool?
    /// Momentum at the rate's peak.
    public var baseMomentum: Double = 0.85
    /// Momentum at the start and end.
    public var maxMomentum: Double = 0.95

    /// A one-cycle schedule peaking at `max`, PyTorch's defaults otherwise.
    public init(max: Double) {
        self.maximumLearningRate = max
    }
}

/// Whether a smaller or a larger metric is better.
public enum PlateauMode: String, Sendable, CaseIterable {
    /// Lower is better (a loss).
    case min
    /// Higher is better (an accuracy).
    case max
}

/// The parameters of `ReduceLROnPlateau`, with PyTorch's defaults.
public struct PlateauSettings: Equatable, Sendable {
    /// Which direction is better.
    public var mode: PlateauMode = .min
    /// Multiplier of the rate at each reduction (< 1).
    public var factor: Double = 0.1
    /// Bad epochs tolerated before a reduction.
    public var patience: Int = 10
    /// The smallest change that counts as an improvement.
    public var threshold: Double = 1e-4
    /// Whether `threshold` is relative to the best value or absolute.
    public var thresholdIsRelative = true
    /// Epochs to wait after a reduction before counting bad epochs again.
    public var cooldown: Int = 0
    /// The rate never goes below this.
    public var minLearningRate: Double = 0
    /// Reductions smaller than this are skipped.
    public var epsilon: Double = 1e-8

    /// PyTorch's defaults: min mode, factor 0.1, patience 10, relative threshold 1e-4.
    public init() {}
}
