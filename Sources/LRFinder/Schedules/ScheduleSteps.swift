/// The rates (and momenta) of a schedule's first `count` steps, computed one at a time as they
/// are read: a run of a billion steps takes the memory of one scheduler, not of a billion
/// values. `metrics[i]` is what the schedule sees at the end of step i (ReduceLROnPlateau).
public struct ScheduleSteps: Sequence, IteratorProtocol, Sendable {
    /// Steps in all.
    public let count: Int
    /// The schedule's unit.
    public var unit: ScheduleUnit { scheduler.unit }
    private var scheduler: Scheduler
    private let metrics: [Double]?
    private var index = 0

    /// The first `count` steps of `scheduler` from where it is, stepped with `metrics`.
    public init(_ scheduler: Scheduler, count: Int, metrics: [Double]? = nil) {
        self.scheduler = scheduler
        self.count = Swift.max(count, 0)
        self.metrics = metrics
    }

    /// The steps not read yet.
    public var underestimatedCount: Int { count - index }

    /// The next step's rate and momentum, or nil after the last.
    public mutating func next() -> ScheduleValue? {
        guard index < count else { return nil }
        let value = ScheduleValue(learningRate: scheduler.learningRate, momentum: scheduler.momentum)
        if index + 1 < count { scheduler.step(metric: metrics.flatMap { index < $0.count ? $0[index] : nil }) }
        index += 1
        return value
    }

    /// Goes through the remaining steps and throws at the first rate training cannot use
    /// (``LearningRateLimits/problem(withScheduledRate:)``); the sequence is left at its end.
    /// ReduceLROnPlateau steps without a metric change nothing, so a plateau's own reductions
    /// (which only lower the rate) are not seen here: ``TrainingLoop`` checks every rate as it
    /// comes too.
    /// - Throws: ``UnusableLearningRate`` naming the step and the rate.
    public mutating func checkRates() throws {
        var step = index
        while let value = next() {
            try UnusableLearningRate.check(value.learningRate, step: step, unit: unit)
            step += 1
        }
    }
}

extension ScheduleSpec {
    /// The steps a run of `epochs` epochs and `updates` updates gives the schedule: the updates
    /// for one stepped per batch, the epochs for one stepped per epoch.
    public func runLength(epochs: Int, updates: Int) -> Int { unit == .batch ? updates : epochs }
}

extension Scheduler {
    /// The rates (and momenta) of steps `0..<steps` of `spec` from `initialLearningRate`,
    /// computed as they are read; `metrics[i]` is what the schedule sees at the end of step i
    /// (ReduceLROnPlateau, which needs at least `steps - 1` of them).
    /// - Throws: ``ScheduleError`` for settings that cannot run or missing metrics.
    public static func steps(_ spec: ScheduleSpec, initialLearningRate: Double, initialMomentum: Double? = nil,
                             steps: Int, metrics: [Double]? = nil) throws -> ScheduleSteps {
        let scheduler = try Scheduler(spec: spec, initialLearningRate: initialLearningRate,
                                      initialMomentum: initialMomentum, runLength: steps)
        if scheduler.needsMetric, (metrics?.count ?? 0) < steps - 1 {
            throw ScheduleError("plateau: needs one metric value per epoch (\(steps - 1) at least), got \(metrics?.count ?? 0)")
        }
        return ScheduleSteps(scheduler, count: steps, metrics: metrics)
    }

    /// The scheduler of a training run of `epochs` epochs and `updates` updates: its run length
    /// is ``ScheduleSpec/runLength(epochs:updates:)``, and every rate of the run is checked
    /// before training (a plateau's, which depend on the run's metrics, as they come).
    /// - Throws: ``ScheduleError`` for settings that cannot run, ``UnusableLearningRate`` for a
    ///   rate training cannot use.
    public init(run spec: ScheduleSpec, initialLearningRate: Double, initialMomentum: Double?, epochs: Int, updates: Int) throws {
        let length = spec.runLength(epochs: epochs, updates: updates)
        try self.init(spec: spec, initialLearningRate: initialLearningRate, initialMomentum: initialMomentum, runLength: length)
        try checkRates(steps: length)
    }

    /// Steps a copy of this scheduler through `steps` steps (a whole run, in the schedule's
    /// unit) and throws at the first rate training cannot use; cheap next to training.
    /// - Throws: ``UnusableLearningRate`` naming the step and the rate.
    public func checkRates(steps: Int) throws {
        var run = ScheduleSteps(self, count: steps)
        try run.checkRates()
    }
}

/// A rate a schedule gives that training cannot use: negative, not a number, infinite, or
/// beyond Float (``LearningRateLimits/problem(withScheduledRate:)``).
public struct UnusableLearningRate: Error, Equatable, Sendable, CustomStringConvertible {
    /// The step that gives it, from 0, in the schedule's unit.
    public var step: Int
    /// The schedule's unit.
    public var unit: ScheduleUnit
    /// The rate.
    public var learningRate: Double
    /// Why it cannot be used (`is negative`).
    public var reason: String

    /// `learning rate -0.001 at step 0 (per epoch) is negative` (6 significant digits; `NaN`,
    /// never C's `-nan`).
    public var description: String {
        "learning rate \(LearningRateLimits.text(learningRate)) at step \(step) (per \(unit.rawValue)) \(reason)"
    }

    /// Throws when `rate`, the rate of `step`, cannot be trained with.
    public static func check(_ rate: Double, step: Int, unit: ScheduleUnit) throws {
        if let reason = LearningRateLimits.problem(withScheduledRate: rate) {
            throw UnusableLearningRate(step: step, unit: unit, learningRate: rate, reason: reason)
        }
    }
}
