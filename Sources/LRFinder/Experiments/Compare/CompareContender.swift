import Foundation

/// A contender of the study notes' tuned schedule comparison
/// (`background/lr-schedulers-and-mnist-experiment.md`, section 3; the PyTorch + Optuna version
/// is `peers/seed_experiments.py compare`): one of the notes' 11 schedules with the notes'
/// parameters (sections 2-1 to 2-9), one-cycle with its peak tuned, or the range test (not tuned).
///
/// The tuned rate is the schedule's initial rate, and the cyclic schedules' max_lr (base 1e-5,
/// a half cycle of 5 epochs, gamma 0.92 for exp_range); every schedule steps once per epoch, as
/// in the notes, and CyclicLR cycles AdamW's beta1 from 0.9 to 0.8 (PyTorch's
/// `cycle_momentum=True` default). ReduceLROnPlateau watches the validation accuracy, mode max.
public enum CompareContender: String, CaseIterable, Codable, Sendable {
    /// No schedule: the rate stays.
    case none
    /// `MultiplicativeLR(lr_lambda=0.98 ** epoch)`: each epoch's rate is the last one times 0.98^epoch.
    case multiplicative
    /// `ExponentialLR(gamma=0.95)`.
    case exponential
    /// `StepLR(step_size=10, gamma=0.5)`.
    case step
    /// `MultiStepLR(milestones=[15, 25, 30, 35, 45], gamma=0.5)`.
    case multistep
    /// `ReduceLROnPlateau(mode="max", factor=0.25, patience=5)` on the validation accuracy.
    case plateau
    /// `CosineAnnealingLR(T_max=10, eta_min=0)`.
    case cosine
    /// `CosineAnnealingWarmRestarts(T_0=5, T_mult=2, eta_min=1e-5)`.
    case cosineWarmRestarts = "cosine-warm-restarts"
    /// `CyclicLR(base_lr=1e-5, max_lr=rate, step_size_up=5, mode="triangular")`.
    case cyclicTriangular = "cyclic-triangular"
    /// The same in `triangular2` mode (the amplitude halves every cycle).
    case cyclicTriangular2 = "cyclic-triangular2"
    /// The same in `exp_range` mode with gamma 0.92.
    case cyclicExpRange = "cyclic-exp-range"
    /// `OneCycleLR` over the planned epochs, its peak tuned.
    case onecycle
    /// lrfind's range test, then one-cycle at its recommended peak: not tuned.
    case rangeTest = "range-test"

    /// The notes' 11 schedules, in the notes' order.
    public static let notes: [CompareContender] = [.none, .multiplicative, .exponential, .step, .multistep, .plateau, .cosine,
                                                   .cosineWarmRestarts, .cyclicTriangular, .cyclicTriangular2, .cyclicExpRange]

    /// Whether a sampler tunes its rate (all but the range test).
    public var isTuned: Bool { self != .rangeTest }

    /// Whether it is planned over a length and so runs its planned epochs without early stopping,
    /// keeping its best validation epoch (early stopping would cut it before it anneals).
    public var isPlanned: Bool { self == .onecycle || self == .rangeTest }

    /// The name `seed_experiments.py` gives it as Optuna's `scheduler_name` (the same
    /// categories, so that a study opens beside the notes' own).
    public var optunaName: String {
        switch self {
        case .cosineWarmRestarts: "cosine_warm_restarts"
        case .cyclicTriangular: "cyclic_triangular"
        case .cyclicTriangular2: "cyclic_triangular2"
        case .cyclicExpRange: "cyclic_exp_range"
        case .rangeTest: "range_test"
        default: rawValue
        }
    }

    /// The schedule at the tuned `rate` (the peak of one-cycle and the cyclic schedules); nil
    /// for `none`, and for the range test, whose schedule comes from its own bounds.
    /// - Throws: what ``ScheduleSpec/init(parsing:)`` throws for a rate the schedule refuses
    ///   (a cyclic max at or below its base 1e-5).
    public func schedule(rate: Double) throws -> ScheduleSpec? {
        let text: String
        switch self {
        case .none, .rangeTest: return nil
        case .multiplicative: text = "multiplicative:f=0.98^epoch,unit=epoch"
        case .exponential: text = "exponential:gamma=0.95,unit=epoch"
        case .step: text = "step:size=10,gamma=0.5,unit=epoch"
        case .multistep: text = "multistep:milestones=15/25/30/35/45,gamma=0.5,unit=epoch"
        case .plateau: text = "plateau:mode=max,factor=0.25,patience=5"
        case .cosine: text = "cosine:t-max=10,unit=epoch"
        case .cosineWarmRestarts: text = "warm-restarts:t0=5,t-mult=2,eta-min=1e-5,unit=epoch"
        case .cyclicTriangular: text = "cyclic:base=1e-5,max=\(rate),step-up=5,unit=epoch"
        case .cyclicTriangular2: text = "cyclic:base=1e-5,max=\(rate),step-up=5,mode=triangular2,unit=epoch"
        case .cyclicExpRange: text = "cyclic:base=1e-5,max=\(rate),step-up=5,mode=exp_range,gamma=0.92,unit=epoch"
        case .onecycle: text = "onecycle:max=\(rate)"
        }
        return try ScheduleSpec(parsing: text)
    }
}
