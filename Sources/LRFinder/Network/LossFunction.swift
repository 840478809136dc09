import Foundation

/// The loss a network's output is scored with, fused with its gradient. Written as text (`cross-entropy`,
/// `mse`, `huber:1`): ``init(parsing:)`` reads it, ``description`` writes it, `Codable` uses it.
public enum LossFunction: Hashable, Sendable {
    /// Softmax then cross-entropy, PyTorch's `nn.CrossEntropyLoss` (mean reduction): for logits
    /// `z` (batch x classes) and labels `y`, `mean_b(logsumexp(z_b) - z_b[y_b])` computed with the
    /// row maximum subtracted so large logits cannot overflow; `dLoss/dz_b = (softmax(z_b) - onehot(y_b)) / batch`.
    case crossEntropy
    /// PyTorch's `nn.MSELoss` (mean reduction): `mean over batch and outputs of (z - t)²`;
    /// `dLoss/dz = 2 (z - t) / (batch x outputs)`.
    case meanSquaredError
    /// PyTorch's `nn.HuberLoss(delta=δ)` (mean reduction): per value `d = z - t`,
    /// `0.5 d²` where `|d| < δ`, else `δ (|d| - 0.5 δ)`, averaged over batch and outputs;
    /// `dLoss/dz = d` or `δ sign(d)`, over (batch x outputs) (Huber 1964, "Robust Estimation of a
    /// Location Parameter").
    case huber(delta: Float)

    /// Huber's default threshold in PyTorch.
    public static let defaultHuberDelta: Float = 1

    /// Whether the loss scores real-valued targets (squared error, Huber) rather than classes.
    public var isRegression: Bool { self != .crossEntropy }

    /// Whether the loss scores `task`'s targets: cross-entropy classes, the others values.
    public func fits(_ task: Task) -> Bool { isRegression == (task == .regression) }

    /// Mean loss (and correct count, for cross-entropy) of a batch; the gradient (batch x width)
    /// is written into `gradient` when given, and each sample is counted in `confusion` (a
    /// row-major width x width ``ConfusionMatrix``, cross-entropy only) when given.
    /// - Parameters:
    ///   - output: the network's output, batch x width.
    ///   - labels: class indices (cross-entropy).
    ///   - values: targets, batch x width (squared error).
    func evaluate(output: UnsafePointer<Float>, batch: Int, width: Int, labels: UnsafePointer<Int32>,
                  values: UnsafePointer<Float>, gradient: UnsafeMutablePointer<Float>?,
                  confusion: UnsafeMutablePointer<Int>? = nil) -> BatchOutcome {
        switch self {
        case .crossEntropy:
            var lossSum = 0.0
            var correct = 0
            let scale = 1 / Float(batch)
            for b in 0..<batch {
                let row = output + b * width
                let label = Int(labels[b])
                var largest = row[0], argmax = 0
                for c in 1..<width where row[c] > largest { largest = row[c]; argmax = c }
                if argmax == label { correct += 1 }
                confusion?[label * width + argmax] += 1
                var sum: Float = 0
                for c in 0..<width { sum += Foundation.exp(row[c] - largest) }
                lossSum += Double(Foundation.log(sum) + largest - row[label])
                if let gradient {
                    let out = gradient + b * width
                    let inverse = scale / sum
                    for c in 0..<width { out[c] = Foundation.exp(row[c] - largest) * inverse }
                    out[label] -= scale
                }
            }
            return BatchOutcome(loss: Float(lossSum / Double(batch)), correct: correct, count: batch)
        case .meanSquaredError:
            let count = batch * width
            var sum = 0.0
            let scale = 2 / Float(count)
            for i in 0..<count {
                let difference = output[i] - values[i]
                sum += Double(difference) * Double(difference)
                gradient?[i] = scale * difference
            }
            return BatchOutcome(loss: Float(sum / Double(count)), correct: nil, count: batch)
        case .huber(let delta):
            let count = batch * width
            var sum = 0.0
            let scale = 1 / Float(count)
            for i in 0..<count {
                let difference = output[i] - values[i]
                if abs(difference) < delta {
                    sum += 0.5 * Double(difference) * Double(difference)
                    gradient?[i] = scale * difference
                } else {
                    sum += Double(delta) * (Double(abs(difference)) - 0.5 * Double(delta))
                    gradient?[i] = scale * (difference < 0 ? -delta : delta)
                }
            }
            return BatchOutcome(loss: Float(sum / Double(count)), correct: nil, count: batch)
        }
    }

    /// Mean loss and correct count of `output` (batch x width) against `labels` or `values`.
    public func evaluate(output: Matrix, targets: Targets) -> BatchOutcome {
        var labels: [Int32] = [0], values: [Float] = [0]
        switch targets {
        case .classes(let given, _): labels = given
        case .values(let given): values = given.storage
        }
        precondition(targets.count == output.rows, "\(targets.count) targets for \(output.rows) rows")
        return output.storage.withUnsafeBufferPointer { z in
            evaluate(output: z.baseAddress!, batch: output.rows, width: output.columns, labels: labels, values: values, gradient: nil)
        }
    }
}

extension LossFunction: CustomStringConvertible, Codable {
    /// Reads `cross-entropy`, `mse`, `huber` (δ = 1) or `huber:δ` with δ > 0 finite.
    public init(parsing text: String) throws {
        let parts = text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        switch parts[0] {
        case "cross-entropy" where parts.count == 1: self = .crossEntropy
        case "mse" where parts.count == 1: self = .meanSquaredError
        case "huber":
            guard parts.count == 1 else {
                guard let delta = Float(parts[1]), delta > 0, delta.isFinite else {
                    // A finite positive number beyond Float's range reads as infinity: say that, not "> 0".
                    if let wide = Double(parts[1]), wide.isFinite, wide > 0 {
                        throw LossFunctionError(description: "Huber's delta must be at most \(Float.greatestFiniteMagnitude) (a Float), got '\(parts[1])'")
                    }
                    throw LossFunctionError(description: "Huber's delta must be a number > 0, got '\(parts[1])'")
                }
                self = .huber(delta: delta)
                return
            }
            self = .huber(delta: Self.defaultHuberDelta)
        default:
            throw LossFunctionError(description: "expected cross-entropy, mse, huber or huber:DELTA, got '\(text)'")
        }
    }

    /// `cross-entropy`, `mse` or `huber:δ`.
    public var description: String {
        switch self {
        case .crossEntropy: "cross-entropy"
        case .meanSquaredError: "mse"
        case .huber(let delta): "huber:\(delta.shortText)"
        }
    }

    /// What a plot's loss axis calls it; regression losses are on the standardised target.
    public var axisTitle: String {
        switch self {
        case .crossEntropy: "cross-entropy loss"
        case .meanSquaredError: "MSE (standardised target)"
        case .huber(let delta): "Huber loss, delta \(delta.shortText) (standardised target)"
        }
    }

    /// Decodes the text of ``description``.
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do { try self.init(parsing: text) } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "\(error)"))
        }
    }

    /// Encodes ``description``.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// A loss that does not parse: one line.
public struct LossFunctionError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The message.
    public var description: String
}

private extension Float {
    /// The shortest text that reads back as the same Float (`1`, `0.5`).
    var shortText: String { self == rounded() && abs(self) < 1e7 ? String(Int(self)) : String(self) }
}

/// The loss of one batch.
public struct BatchOutcome: Equatable, Sendable {
    /// Mean loss over the batch.
    public var loss: Float
    /// Samples whose largest logit is at their label (classification only).
    public var correct: Int?
    /// Samples in the batch.
    public var count: Int

    /// An outcome from its parts.
    public init(loss: Float, correct: Int?, count: Int) {
        self.loss = loss
        self.correct = correct
        self.count = count
    }
}

/// Loss and (for classification) accuracy and classification report, (for regression) the
/// regression report, over a data set.
public struct Evaluation: Equatable, Sendable, Codable {
    /// Mean loss.
    public var loss: Double
    /// Fraction of samples classified correctly; nil for regression.
    public var accuracy: Double?
    /// Number of samples evaluated.
    public var count: Int
    /// The confusion matrix and per-class scores (scikit-learn's `classification_report`
    /// figures); nil for regression.
    public var report: ClassificationReport?
    /// RMSE, MAE and R-squared in the target's own units; nil for classification.
    public var regression: RegressionReport?

    /// An evaluation from its parts.
    public init(loss: Double, accuracy: Double?, count: Int, report: ClassificationReport? = nil,
                regression: RegressionReport? = nil) {
        self.loss = loss
        self.accuracy = accuracy
        self.count = count
        self.report = report
        self.regression = regression
    }
}
