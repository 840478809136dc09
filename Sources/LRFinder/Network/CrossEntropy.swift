import Foundation

/// Softmax followed by cross-entropy, fused: PyTorch's `nn.CrossEntropyLoss` with mean reduction.
///
/// For logits `z` (batch x classes) and labels `y`: `loss = mean_b(logsumexp(z_b) - z_b[y_b])`,
/// computed with the row maximum subtracted so large logits cannot overflow, and
/// `dLoss/dz_b = (softmax(z_b) - onehot(y_b)) / batch`.
public enum CrossEntropy {
    /// Mean loss and correct count of a batch.
    public static func evaluate(logits: Matrix, labels: [Int32]) -> BatchOutcome {
        evaluate(logits: logits, labels: labels, gradient: nil)
    }

    /// Mean loss and correct count; the gradient (batch x classes) is written into `gradient`.
    public static func evaluate(logits: Matrix, labels: [Int32], gradient: inout Matrix) -> BatchOutcome {
        gradient.resize(rows: logits.rows)
        return gradient.storage.withUnsafeMutableBufferPointer {
            evaluate(logits: logits, labels: labels, gradient: $0.baseAddress!)
        }
    }

    /// Loss, correct count and (when `gradient` is given) dLoss/dLogits, row-major batch x classes.
    private static func evaluate(logits: Matrix, labels: [Int32], gradient: UnsafeMutablePointer<Float>?) -> BatchOutcome {
        let batch = logits.rows, classes = logits.columns
        precondition(labels.count == batch, "\(labels.count) labels for \(batch) rows")
        var lossSum = 0.0
        var correct = 0
        let scale = 1 / Float(batch)
        logits.storage.withUnsafeBufferPointer { z in
            for b in 0..<batch {
                let row = z.baseAddress! + b * classes
                let label = Int(labels[b])
                var largest = row[0], argmax = 0
                for c in 1..<classes where row[c] > largest { largest = row[c]; argmax = c }
                if argmax == label { correct += 1 }
                var sum: Float = 0
                for c in 0..<classes { sum += Foundation.exp(row[c] - largest) }
                lossSum += Double(Foundation.log(sum) + largest - row[label])
                if let gradient {
                    let out = gradient + b * classes
                    let inverse = scale / sum
                    for c in 0..<classes { out[c] = Foundation.exp(row[c] - largest) * inverse }
                    out[label] -= scale
                }
            }
        }
        return BatchOutcome(loss: Float(lossSum / Double(batch)), correct: correct)
    }
}
