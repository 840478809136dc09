/// What the range test and the epoch loop drive: something that trains on its next batch at a
/// given rate and momentum, evaluates its splits, can keep and restore its best weights, and can
/// take a snapshot of its whole state and go back to it.
///
/// ``EmbeddedTrainer`` trains an lrfind ``Network`` in this process; ``ScriptedTrainer`` replays
/// given losses, so the loops can be tested without training anything. A trainer backed by
/// another process cannot be copied, so the range test takes one fresh trainer per run, and a
/// range test's hand-off goes back to the initial ``snapshot()`` before each training run.
public protocol Trainer {
    /// Everything a run depends on (weights, statistics, optimizer state, batch order and random
    /// streams), to go back to.
    associatedtype Snapshot

    /// Batches in one pass over the training split.
    var batchesPerEpoch: Int { get }
    /// The momentum (or Adam's beta1) in use when none is passed; nil if the optimizer has none.
    var defaultMomentum: Double? { get }
    /// Trains on the next batch of the training split (a fresh shuffled epoch after the last),
    /// at `learningRate`, with `momentum` replacing the optimizer's for this update when given.
    /// - Returns: the batch's loss before the update.
    mutating func trainNextBatch(learningRate: Double, momentum: Double?) throws -> BatchOutcome
    /// The loss (and accuracy) of `split` with the current weights; nil when the split is empty.
    mutating func evaluate(_ split: DataPart) throws -> Evaluation?
    /// Remembers the current weights as the best so far.
    mutating func keepBestWeights() throws
    /// Puts back the weights last kept by ``keepBestWeights()``.
    mutating func restoreBestWeights() throws
    /// The trainer's whole state now.
    func snapshot() throws -> Snapshot
    /// Goes back to `snapshot`: the next batches, rates and updates are those that followed it.
    mutating func restore(_ snapshot: Snapshot) throws
}

/// The three parts of a prepared data set.
public enum DataPart: String, Codable, CaseIterable, Sendable {
    /// The split the model trains on.
    case training
    /// The split watched during training (early stopping, plateaus, validation metrics).
    case validation
    /// The split scored once at the end.
    case test
}
