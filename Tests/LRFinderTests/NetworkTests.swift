import Foundation
import Testing
@testable import LRFinder

@Suite struct NetworkTests {
    @Test func pytorchInitializationBounds() {
        var random = RandomSource(seed: 0)
        let network = Network(inputWidth: 784, layers: try! ModelSpec(parsing: "mlp").layers(inputWidth: 784, classCount: 10), random: &random)
        #expect(network.parameterCount == 235_146)  // PyTorch's count for 784-256-128-10
        let firstWeights = network.parameters[0..<(256 * 784)]
        let bound = 1 / Float(784).squareRoot()
        #expect(firstWeights.allSatisfy { abs($0) <= bound })
        // Uniform on [-b, b]: variance b^2 / 3.
        let variance = firstWeights.reduce(0.0) { $0 + Double($1) * Double($1) } / Double(firstWeights.count)
        #expect(abs(variance - Double(bound * bound) / 3) < 0.02 * Double(bound * bound) / 3)
        let biases = network.parameters[(256 * 784)..<(256 * 784 + 256)]
        #expect(biases.allSatisfy { abs($0) <= bound } && biases.contains { $0 != 0 })
    }

    @Test(arguments: [WeightInitialization.he, .xavier, .heNormal, .xavierNormal])
    func otherInitializationsHaveTheirVariance(_ initialization: WeightInitialization) {
        var random = RandomSource(seed: 1)
        let network = Network(inputWidth: 400, layers: [.dense(inputs: 400, outputs: 200)], initialization: initialization, random: &random)
        let weights = network.parameters[0..<80_000]
        let variance = weights.reduce(0.0) { $0 + Double($1) * Double($1) } / 80_000
        let expected = initialization == .he || initialization == .heNormal ? 2.0 / 400 : 2.0 / 600
        #expect(abs(variance - expected) < 0.03 * expected)
        #expect(network.parameters[80_000...].allSatisfy { $0 == 0 })
    }

    @Test func specParsing() throws {
        #expect(try ModelSpec(parsing: "dense:256,relu,dropout:0.1,dense:128,leakyrelu:0.1").hidden
                == [.dense(256), .relu, .dropout(0.1), .dense(128), .leakyReLU(0.1)])
        #expect(try ModelSpec(parsing: "mlp:64,32").description == "dense:64,relu,dense:32,relu")
        #expect(try ModelSpec(parsing: "logreg").layers(inputWidth: 64, classCount: 10) == [.dense(inputs: 64, outputs: 10)])
        #expect(try ModelSpec(parsing: "mlp").layers(inputWidth: 784, classCount: 10)
                == [.dense(inputs: 784, outputs: 256), .relu, .dense(inputs: 256, outputs: 128), .relu, .dense(inputs: 128, outputs: 10)])
        #expect(try ModelSpec(parsing: "leakyrelu").hidden == [.leakyReLU(0.01)])
    }

    @Test(arguments: [
        ("dense:abc", "item 'dense:abc': unit count must be a positive integer"),
        ("dense", "dense needs a unit count"),
        ("relu,conv9", "unknown layer 'conv9'"),
        ("dropout:1.5", "dropout probability must be in [0, 1)"),
        ("relu:2", "'relu' takes no argument"),
        ("dense:10,,relu", "empty item"),
        ("mlp:0", "positive integers"),
        ("", "empty model spec"),
    ])
    func specErrors(spec: String, fragment: String) {
        do {
            _ = try ModelSpec(parsing: spec)
            Issue.record("'\(spec)' parsed")
        } catch let error as ModelSpecError {
            #expect(error.description.contains(fragment), "\(error)")
            #expect(!error.description.contains("\n"))
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func evaluationIsIndependentOfBatching() {
        var random = RandomSource(seed: 3)
        let network = Network(inputWidth: 5, layers: [.dense(inputs: 5, outputs: 7), .relu, .dense(inputs: 7, outputs: 3)], random: &random)
        let features = Matrix(rows: 23, columns: 5, storage: (0..<115).map { _ in random.nextFloat(in: -1, 1) })
        let dataset = Dataset(features: features, labels: (0..<23).map { Int32($0 % 3) }, classCount: 3)
        let whole = network.evaluate(dataset, batchSize: 1000)
        let pieces = network.evaluate(dataset, batchSize: 4)
        #expect(abs(whole.loss - pieces.loss) < 1e-6)
        #expect(whole.accuracy == pieces.accuracy)
        // Accuracy agrees with an argmax of the logits.
        let logits = network.logits(for: features)
        let correct = (0..<23).filter { r in
            let row = logits.row(r)
            return row.firstIndex(of: row.max()!)! == Int(dataset.labels[r])
        }.count
        #expect(whole.accuracy == Double(correct) / 23)
    }

    @Test func dropoutIsIdentityAtEvaluation() {
        var random = RandomSource(seed: 4)
        let plain = Network(inputWidth: 3, layers: [.dense(inputs: 3, outputs: 2)], random: &random)
        var again = RandomSource(seed: 4)
        let withDropout = Network(inputWidth: 3, layers: [.dropout(probability: 0.5), .dense(inputs: 3, outputs: 2)], random: &again)
        let x = Matrix([[0.5, -1, 2]])
        #expect(plain.logits(for: x) == withDropout.logits(for: x))
    }
}
