import Foundation

/// A running learning-rate schedule: the rate (and cycled momentum) for the current step, and
/// `step()` to advance, with `torch.optim.lr_scheduler`'s convention: right after construction
/// `learningRate` is the rate of step 0, and after the i-th `step()` the rate of step i.
///
/// It works as PyTorch's schedulers do on an optimizer: each schedule reads and writes the
/// current rate (and momentum), so a `chain` applies its schedules in turn, each on the rate the
/// previous one left (`ChainedScheduler`), and a `sequential` hands over at its milestones
/// (`SequentialLR`). A value: copying a scheduler copies its position and its plateau state.
public struct Scheduler: Sendable {
    /// What is being run, with its settings resolved (OneCycle's length, cycled momentum).
    public let spec: ScheduleSpec
    /// The optimizer's initial rate, PyTorch's `base_lr` / Keras' `initial_learning_rate`.
    public let baseLearningRate: Double
    /// `step()` calls so far (PyTorch's `last_epoch`).
    public private(set) var stepCount = 0

    private var group: ParameterGroup
    private var schedules: [LeafSchedule]
    /// `SequentialLR`'s milestones (empty for a single schedule or a chain).
    private let milestones: [Int]
    private let isSequential: Bool
    private let cyclesMomentum: Bool

    /// Starts `spec` from `initialLearningRate`.
    /// - Parameters:
    ///   - initialMomentum: the optimizer's momentum or beta1 (nil if none is configured). Like
    ///     PyTorch, `cyclic` and `onecycle` cycle momentum unless the spec says `momentum=false`,
    ///     replacing this value (PyTorch's SGD then runs with momentum even if configured without).
    ///   - runLength: steps in the whole run, in the schedule's unit: OneCycleLR's length when
    ///     the spec gives neither `total` nor `epochs` and `steps-per-epoch`.
    /// - Throws: `ScheduleError` for settings that cannot run.
    public init(spec: ScheduleSpec, initialLearningRate: Double, initialMomentum: Double? = nil, runLength: Int? = nil) throws {
        guard initialLearningRate > 0, initialLearningRate.isFinite else {
            throw ScheduleError("the initial learning rate must be positive, got \(initialLearningRate)")
        }
        var spec = spec
        let kinds: [ScheduleKind]
        switch spec.kind {
        case let .sequential(children, milestones):
            guard children.count == milestones.count + 1 else {
                throw ScheduleError("sequential: \(children.count) schedules need \(children.count - 1) milestone(s), got \(milestones.count)")
            }
            guard zip(milestones, milestones.dropFirst()).allSatisfy({ $0 < $1 }), milestones.allSatisfy({ $0 >= 0 }) else {
                throw ScheduleError("sequential: milestones must be increasing whole numbers >= 0, got \(milestones)")
            }
            kinds = try children.map { try Self.resolve($0.kind, runLength: runLength, inside: "sequential") }
            spec.kind = .sequential(zip(children, kinds).map { ScheduleSpec($1, unit: $0.unitOverride) }, milestones: milestones)
            self.milestones = milestones
            isSequential = true
        case let .chain(children):
            guard !children.isEmpty else { throw ScheduleError("chain: needs at least one schedule") }
            kinds = try children.map { try Self.resolve($0.kind, runLength: runLength, inside: "chain") }
            spec.kind = .chain(zip(children, kinds).map { ScheduleSpec($1, unit: $0.unitOverride) })
            milestones = []
            isSequential = false
        default:
            kinds = [try Self.resolve(spec.kind, runLength: runLength, inside: nil)]
            spec.kind = kinds[0]
            milestones = []
            isSequential = false
        }
        self.spec = spec
        self.baseLearningRate = initialLearningRate
        cyclesMomentum = kinds.contains { kind in
            switch kind {
            case let .cyclic(settings): return settings.cyclesMomentum == true
            case let .oneCycle(settings): return settings.cyclesMomentum == true
            default: return false
            }
        }
        // Every scheduler is built on the optimizer in turn, as a PyTorch user builds them.
        var group = ParameterGroup(learningRate: initialLearningRate, initialLearningRate: nil, momentum: initialMomentum)
        var schedules = kinds.map { LeafSchedule($0, group: &group) }
        if isSequential {
            // SequentialLR.__init__: back to initial_lr, then only the first schedule's initial step.
            group.learningRate = group.initialLearningRate ?? initialLearningRate
            schedules[0].initialStep(&group)
        }
        self.group = group
        self.schedules = schedules
    }

    /// Fills in what the spec leaves to the run (OneCycle's length) and PyTorch's default of
    /// cycling momentum; refuses a sequence or chain inside another.
    private static func resolve(_ kind: ScheduleKind, runLength: Int?, inside composite: String?) throws -> ScheduleKind {
        switch kind {
        case var .cyclic(settings):
            settings.cyclesMomentum = settings.cyclesMomentum ?? true
            return .cyclic(settings)
        case var .oneCycle(settings):
            settings.cyclesMomentum = settings.cyclesMomentum ?? true
            if settings.totalSteps == nil {
                if let epochs = settings.epochs, let perEpoch = settings.batchesPerEpoch {
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
            return .oneCycle(settings)
        case .sequential, .chain:
            if let composite { throw ScheduleError("\(composite): schedules inside it cannot be sequences or chains") }
            return kind
        default:
            return kind
        }
    }

    /// The unit the schedule steps in.
    public var unit: ScheduleUnit { spec.unit }

    /// Whether `step` needs the watched metric (ReduceLROnPlateau, also inside a sequence or chain).
    public var needsMetric: Bool { spec.kind.needsMetric }

    /// The rate for the current step.
    public var learningRate: Double { group.learningRate }

    /// Momentum (or Adam's beta1) for the current step when the schedule cycles it, else nil.
    /// Once cycled it stays where the schedule left it, as in PyTorch's optimizer.
    public var momentum: Double? { cyclesMomentum ? group.momentum : nil }

    /// Advances one step; `metric` is the value ReduceLROnPlateau watches (ignored by the others;
    /// a plateau step without a metric changes nothing).
    public mutating func step(metric: Double? = nil) {
        stepCount += 1
        guard isSequential else {
            // A single schedule, or ChainedScheduler.step: every schedule in turn.
            for index in schedules.indices { schedules[index].step(&group, metric: metric) }
            return
        }
        // SequentialLR.step: the schedule whose milestone is reached starts over from its step 0.
        let active = milestones.filter { $0 <= stepCount }.count
        if active > 0, milestones[active - 1] == stepCount {
            schedules[active].restart(&group)
        } else {
            schedules[active].step(&group, metric: metric)
        }
    }

    /// Moves CosineAnnealingWarmRestarts to a fractional epoch, as PyTorch's `step(epoch)` does:
    /// the cycle containing `epoch` and the position inside it are computed in closed form.
    /// Other schedules ignore it.
    public mutating func moveTo(epoch: Double) {
        guard schedules.count == 1, case .warmRestarts = schedules[0].kind, epoch >= 0 else { return }
        schedules[0].move(toEpoch: epoch, &group)
        stepCount = Int(epoch.rounded(.down))
    }

    /// ReduceLROnPlateau's counters (the first plateau in the schedule), for tests.
    var plateauState: PlateauState? {
        schedules.first { if case .plateau = $0.kind { return true } else { return false } }?.plateau
    }

    /// The rates (and momenta) of steps `0..<steps` in an array; `metrics[i]` is what the
    /// schedule sees at the end of step i (ReduceLROnPlateau). ``steps(_:initialLearningRate:initialMomentum:steps:metrics:)``
    /// computes them as they are read instead.
    public static func sequence(_ spec: ScheduleSpec, initialLearningRate: Double, initialMomentum: Double? = nil,
                                steps: Int, metrics: [Double]? = nil) throws -> [ScheduleValue] {
        Array(try Self.steps(spec, initialLearningRate: initialLearningRate, initialMomentum: initialMomentum,
                             steps: steps, metrics: metrics))
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
