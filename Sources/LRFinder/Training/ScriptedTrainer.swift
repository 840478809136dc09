/// A trainer that trains nothing: it replays given losses and records the rates it was asked to
/// train at, so the range test and the epoch loop can be tested on exact, hand-made curves.
public struct ScriptedTrainer: Trainer, Sendable {
    /// The training losses returned by successive batches.
    public var losses: [Double]
    /// The validation evaluations returned one after the other (none: no validation split).
    public var validations: [Evaluation]
    /// The losses of ``validations``; setting them scripts evaluations of one sample with that
    /// loss and no accuracy.
    public var validationLosses: [Double] {
        get { validations.map(\.loss) }
        set { validations = newValue.map { Evaluation(loss: $0, accuracy: nil, count: 1) } }
    }
    /// Batches in one epoch.
    public var batchesPerEpoch: Int
    /// The momentum reported when none is passed.
    public var defaultMomentum: Double?
    /// Every rate asked for, in order.
    public private(set) var learningRates: [Double] = []
    /// Every momentum passed, in order.
    public private(set) var momenta: [Double?] = []
    /// How often the best weights were kept, and restored.
    public private(set) var keptCount = 0, restoredCount = 0
    private var validationIndex = 0

    /// A trainer replaying `losses` (and `validationLosses`) with `batchesPerEpoch` batches per epoch.
    public init(losses: [Double], validationLosses: [Double] = [], batchesPerEpoch: Int, defaultMomentum: Double? = nil) {
        self.losses = losses
        validations = validationLosses.map { Evaluation(loss: $0, accuracy: nil, count: 1) }
        self.batchesPerEpoch = batchesPerEpoch
        self.defaultMomentum = defaultMomentum
    }

    /// The next scripted loss (the batch "trained" at `learningRate`).
    /// - Throws: ``ScriptedTrainerError`` when the script is used up.
    public mutating func trainNextBatch(learningRate: Double, momentum: Double?) throws -> BatchOutcome {
        guard learningRates.count < losses.count else { throw ScriptedTrainerError(description: "scripted trainer: all \(losses.count) losses used") }
        learningRates.append(learningRate)
        momenta.append(momentum)
        return BatchOutcome(loss: Float(losses[learningRates.count - 1]), correct: nil, count: 1)
    }

    /// A trainer replaying `losses` and the whole validation `evaluations` (accuracy and report
    /// too), with `batchesPerEpoch` batches per epoch.
    public init(losses: [Double], validations: [Evaluation], batchesPerEpoch: Int, defaultMomentum: Double? = nil) {
        self.init(losses: losses, batchesPerEpoch: batchesPerEpoch, defaultMomentum: defaultMomentum)
        self.validations = validations
    }

    /// The next scripted validation evaluation; nil for other splits or without a script.
    public mutating func evaluate(_ split: DataPart) throws -> Evaluation? {
        guard split == .validation, !validations.isEmpty else { return nil }
        guard validationIndex < validations.count else {
            throw ScriptedTrainerError(description: "scripted trainer: all \(validations.count) validation losses used")
        }
        validationIndex += 1
        return validations[validationIndex - 1]
    }

    /// Counts the call.
    public mutating func keepBestWeights() { keptCount += 1 }

    /// Counts the call.
    public mutating func restoreBestWeights() { restoredCount += 1 }

    /// Where the script is: the batches and evaluations used so far (the counts of kept and
    /// restored weights go on).
    public struct Snapshot: Equatable, Sendable {
        fileprivate var batches: Int
        fileprivate var validationIndex: Int
    }

    /// The script's position.
    public func snapshot() -> Snapshot { Snapshot(batches: learningRates.count, validationIndex: validationIndex) }

    /// Goes back to `snapshot`'s position: the next batch replays the loss that followed it.
    public mutating func restore(_ snapshot: Snapshot) {
        learningRates.removeLast(learningRates.count - snapshot.batches)
        momenta.removeLast(momenta.count - snapshot.batches)
        validationIndex = snapshot.validationIndex
    }
}

/// A scripted trainer asked for more than its script holds.
public struct ScriptedTrainerError: Error, Equatable, Sendable, CustomStringConvertible {
    /// One line.
    public var description: String
}
