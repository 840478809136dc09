import ArgumentParser
import Foundation
import LRFinder

/// `lrfind model`: a model's layers, shapes, parameters, multiply-adds and training memory, as
/// torchinfo's `summary` prints them (the library's `NetworkSummary`).
struct Model: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Summarise a model: each layer's output shape and parameters, multiply-adds, and a training step's memory.",
        discussion: """
            Compiles the spec for one input shape and prints, as torchinfo's summary does, every layer with its output \
            shape, parameters and forward multiply-adds per sample, the totals, the multiply-adds of a whole training \
            step (forward, weight and input gradients) and the bytes that step holds at the batch size (parameters, \
            gradients, optimizer state, batch-norm state, activations, scratch). Example: lrfind model cnn --batch-size 256
            """)

    @Argument(help: ArgumentHelp("The hidden stack, as --model takes it: a preset (mlp, mlp:H1,H2,..., logreg, cnn, dnn) or items (docs/models.md).", valueName: "spec"))
    var spec: String

    @Option(name: .long, help: ArgumentHelp("Shape of one input sample, CxHxW or N (default: mnist5k's 1x28x28; a model without convolution or pooling sees its values as a vector).", valueName: "shape"),
            transform: TensorShape.init(validating:))
    var shape: TensorShape?

    @Option(name: .long, parsing: .unconditional, help: "Batch size of the training step.")
    var batchSize: Int = 64

    @Option(name: .long, parsing: .unconditional, help: "Outputs of the last layer (classes).")
    var classes: Int = 10

    @Option(name: .long, help: "Optimizer whose state the memory counts: sgd (no momentum), adam, adamw, rmsprop.")
    var optimizer: OptimizerKind = .adamw

    @OptionGroup(title: "Output") var output: JSONOutput

    func validate() throws {
        guard batchSize >= 1 else { throw ValidationError("--batch-size must be >= 1, got \(batchSize)") }
        guard classes >= 1 else { throw ValidationError("--classes must be >= 1, got \(classes)") }
    }

    func run() throws {
        let model: ModelSpec
        do { model = try ModelSpec(parsing: spec) } catch { throw ValidationError("\(error)") }
        let inputShape = model.inputShape(for: shape ?? TensorShape(channels: 1, height: 28, width: 28))
        let layout: NetworkLayout
        do { layout = try NetworkLayout(layers: model.layers(outputs: classes), inputShape: inputShape) } catch let error as NetworkError {
            throw ValidationError("model \(spec): \(error)")
        }
        guard let summary = NetworkSummary(layout: layout, batchSize: batchSize, optimizer: OptimizerSettings(kind: optimizer)) else {
            throw ValidationError("model \(spec): its sizes at batch \(batchSize) overflow a 64-bit count")
        }
        if output.json {
            print(try jsonText(ModelReport(spec: model.name, optimizer: optimizer.rawValue, summary: summary)))
            return
        }
        for line in Self.lines(summary, spec: model.displayName(given: spec, weightsFromFile: false), optimizer: optimizer.rawValue) { print(line) }
    }

    /// The table and the totals.
    static func lines(_ summary: NetworkSummary, spec: String, optimizer: String) -> [String] {
        let width = Swift.max(24, (summary.rows.map(\.layer.count).max() ?? 0) + 2)
        var lines = ["model \(spec) on input \(summary.inputShape)", "",
                     TableColumn.cell("layer", width: width) + TableColumn.cell("module", width: 13) + TableColumn.cell("output", width: 12)
                        + TableColumn.cell("parameters", width: 12) + "mult-adds"]
        for row in summary.rows {
            lines.append(TableColumn.cell(row.layer, width: width) + TableColumn.cell(row.module, width: 13)
                         + TableColumn.cell(row.outputShape.description, width: 12) + TableColumn.cell(grouped(row.parameters), width: 12)
                         + grouped(row.multiplyAdds))
        }
        let memory = summary.memory
        lines += ["",
                  "parameters: \(grouped(summary.parameters))",
                  "forward mult-adds per sample: \(grouped(summary.multiplyAdds))",
                  "training step at batch \(summary.batchSize): \(grouped(summary.trainingStepMultiplyAdds)) mult-adds (forward, weight and input gradients)",
                  "memory of a training step at batch \(summary.batchSize) (\(optimizer)): \(bytes(memory.total))"]
        for (name, value) in [("parameters", memory.parameters), ("gradients", memory.gradients), ("optimizer state", memory.optimizerState),
                              ("batch-norm state", memory.batchNormState), ("activations", memory.activations), ("scratch", memory.scratch)] {
            lines.append("  " + TableColumn.cell(name, width: 18) + bytes(value))
        }
        return lines
    }

    /// `225,034`.
    static func grouped(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var result = ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { result.append(",") }
            result.append(digit)
        }
        return (value < 0 ? "-" : "") + result
    }

    /// `3.6 MB (3,601,232 bytes)`.
    static func bytes(_ value: Int) -> String {
        value > 0 ? "\(NumberText.bytes(value)) (\(grouped(value)) bytes)" : NumberText.bytes(value)
    }
}

/// The `--json` document of `lrfind model`.
struct ModelReport: Encodable {
    let spec: String
    let optimizer: String
    let summary: NetworkSummary
}
