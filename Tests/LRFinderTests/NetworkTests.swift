import Foundation
import Testing
@testable import LRFinder

@Suite struct NetworkTests {
    @Test func pytorchInitializationBounds() throws {
        var random = RandomSource(seed: 0)
        let network = try Network(layers: try ModelSpec(parsing: "mlp").layers(outputs: 10), inputShape: .vector(784), random: &random)
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
    func otherInitializationsHaveTheirVariance(_ initialization: WeightInitialization) throws {
        var random = RandomSource(seed: 1)
        let network = try Network(layers: [.dense(units: 200, bias: true)], inputShape: .vector(400), initialization: initialization,
                                  random: &random)
        let weights = network.parameters[0..<80_000]
        let variance = weights.reduce(0.0) { $0 + Double($1) * Double($1) } / 80_000
        let expected = initialization == .he || initialization == .heNormal ? 2.0 / 400 : 2.0 / 600
        #expect(abs(variance - expected) < 0.03 * expected)
        #expect(network.parameters[80_000...].allSatisfy { $0 == 0 })
    }

    @Test func specParsing() throws {
        #expect(try ModelSpec(parsing: "dense:256,relu,dropout:0.1,dense:128,leakyrelu:0.1").hidden
                == [.dense(units: 256, bias: true), .relu, .dropout(probability: 0.1), .dense(units: 128, bias: true), .leakyReLU(slope: 0.1)])
        #expect(try ModelSpec(parsing: "mlp:64,32").description == "dense:64,relu,dense:32,relu")
        #expect(try ModelSpec(parsing: "logreg").layers(outputs: 10) == [.dense(units: 10, bias: true)])
        let mlp = try ModelSpec(parsing: "mlp").layers(outputs: 10)
        #expect(mlp == [.dense(units: 256, bias: true), .relu, .dense(units: 128, bias: true), .relu, .dense(units: 10, bias: true)])
        // The input sizes follow from the input: 784 -> 256 -> 128 -> 10.
        let layout = try NetworkLayout(layers: mlp, inputShape: .vector(784))
        #expect(layout.entries.map(\.input.count) == [784, 256, 256, 128, 128])
        #expect(layout.entries.map(\.output.count) == [256, 256, 128, 128, 10])
        #expect(try ModelSpec(parsing: "leakyrelu").hidden == [.leakyReLU(slope: 0.01)])
    }

    @Test(arguments: [
        ("dense:abc", "item 'dense:abc': units must be a positive integer, e.g. dense:128, got 'abc'"),
        ("dense", "dense needs units: a positive integer, e.g. dense:128"),
        ("relu,conv9", "unknown layer 'conv9'"),
        ("dropout:1.5", "p must be a probability in [0, 1), e.g. dropout:0.1, got '1.5'"),
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

    @Test func evaluationIsIndependentOfBatching() throws {
        var random = RandomSource(seed: 3)
        let network = try Network(layers: [.dense(units: 7, bias: true), .relu, .dense(units: 3, bias: true)], inputShape: .vector(5),
                                  random: &random)
        let features = Matrix(rows: 23, columns: 5, storage: (0..<115).map { _ in random.nextFloat(in: -1, 1) })
        let dataset = Dataset(features: features, labels: (0..<23).map { Int32($0 % 3) }, classCount: 3)
        let whole = network.evaluate(dataset, loss: .crossEntropy, batchSize: 1000)
        let pieces = network.evaluate(dataset, loss: .crossEntropy, batchSize: 4)
        #expect(abs(whole.loss - pieces.loss) < 1e-6)
        #expect(whole.accuracy == pieces.accuracy)
        // Accuracy agrees with an argmax of the logits.
        let logits = network.outputs(for: features)
        let correct = (0..<23).filter { r in
            let row = logits.row(r)
            return row.firstIndex(of: row.max()!)! == Int(dataset.labels[r])
        }.count
        #expect(whole.accuracy == Double(correct) / 23)
    }

    @Test func dropoutIsIdentityAtEvaluation() throws {
        var random = RandomSource(seed: 4)
        let plain = try Network(layers: [.dense(units: 2, bias: true)], inputShape: .vector(3), random: &random)
        var again = RandomSource(seed: 4)
        let withDropout = try Network(layers: [.dropout(probability: 0.5), .dense(units: 2, bias: true)], inputShape: .vector(3),
                                      random: &again)
        let x = Matrix([[0.5, -1, 2]])
        #expect(plain.outputs(for: x) == withDropout.outputs(for: x))
    }
}
