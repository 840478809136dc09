/// The schedules a range test's bounds are handed to for training.
public enum HandOffSchedule: String, Codable, CaseIterable, Sendable {
    /// CLR triangular between the base and max bounds (Smith 2017, arXiv:1506.01186).
    case cyclic
    /// One-cycle up to the max bound over the whole run (Smith 2018, arXiv:1803.09820).
    case onecycle

    /// The schedule with `bounds`. For a run of `totalIterations` batches the CLR step size is
    /// adjusted so that the run ends at the end of a cycle, at the base rate (Smith 2017, section
    /// 3.1): the number of cycles is the one nearest to the recommended step size (at least one),
    /// and the step size `totalIterations / (2 * cycles)`.
    public func schedule(_ bounds: LearningRateBounds, totalIterations: Int? = nil) -> ScheduleSpec {
        switch self {
        case .cyclic:
            var settings = CyclicSettings(base: bounds.baseLearningRate, max: bounds.maximumLearningRate)
            if let step = bounds.stepSize { settings.stepSizeUp = Double(step) }
            if let total = totalIterations, let step = bounds.stepSize {
                let cycles = Swift.max(1, (Double(total) / Double(2 * step)).rounded())
                settings.stepSizeUp = Double(total) / (2 * cycles)
            }
            return ScheduleSpec(.cyclic(settings))
        case .onecycle:
            return ScheduleSpec(.oneCycle(OneCycleSettings(max: bounds.oneCycleMaximumLearningRate)))
        }
    }
}

/// One training run after a range test: the schedule it used and what it reached.
public struct HandOffRun: Equatable, Codable, Sendable {
    /// `cyclic`, `onecycle`, or `constant` for the baseline.
    public var name: String
    /// The schedule in spec form; nil for the constant-rate baseline.
    public var schedule: ScheduleSpec?
    /// The rate the run starts from (the schedule's base rate; the baseline's constant rate).
    public var learningRate: Double
    /// The training run.
    public var result: TrainingResult
    /// The `lrfind train` command that runs it again bit for bit (same binary and threads); nil
    /// in records written before lrfind gave it.
    public var command: HandOffCommand?

    /// A run from its parts.
    public init(name: String, schedule: ScheduleSpec?, learningRate: Double, result: TrainingResult, command: HandOffCommand? = nil) {
        self.name = name
        self.schedule = schedule
        self.learningRate = learningRate
        self.result = result
        self.command = command
    }
}
