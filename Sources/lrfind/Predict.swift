import ArgumentParser
import Foundation
import LRFinder

/// `lrfind predict MODEL --data FILE`: a model saved by `train --save` applied to new data.
struct Predict: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Predict with a model saved by `lrfind train --save` on new CSV data.",
        discussion: """
            The data is read and encoded as the training data was: columns by header name, in any order and with \
            any of the delimiters (by position when the training file had no header; then rows hold every training \
            column, or the feature columns alone), other columns left out with a note; the saved scaling, fills and \
            one-hot levels (a level the model was not trained on gives all zeros, with a note). The label column \
            (found by its training name) may be absent; when present, the loss, \
            accuracy and classification report follow. Writes one row per sample: the class and the probability \
            of each class (the value for regression). \
            Example: lrfind predict model.safetensors --data new.csv --output predictions.csv
            """)

    @Argument(help: ArgumentHelp("A model file written by lrfind train --save (or find --then --save).", valueName: "model"))
    var model: String

    @Option(name: .long, help: ArgumentHelp("CSV or CSV.gz file to predict on (- for standard input).", valueName: "file"))
    var data: String

    @Option(name: .long, help: ArgumentHelp("Write the predictions as CSV to this file (default: standard output; the metrics then go to standard error).", valueName: "file"))
    var output: String?

    @OptionGroup(title: "Output") var results: JSONOutput

    func validate() throws {
        var paths = OutputPaths(inputs: [("the model", model), ("--data", data)], json: results.json)
        try paths.output(output, option: "--output")
    }

    func run() throws {
        let predictor = try Predictor(contentsOf: model)
        let input = try predictor.read(data)
        // Columns left out, levels encoded as all zeros: on stderr, before the predictions.
        for note in input.notes { Terminal.note("lrfind: note: " + DisplayText.escaped(note)) }
        let predictions = predictor.predict(input)
        if let output { try OutputPaths.write(predictions.csv, to: output) }
        if results.json {
            print(try jsonText(predictions))
            return
        }
        if output == nil {
            print(predictions.csv, terminator: "")
            // The notes below say the predictions were written: only once they were.
            try StandardOutput.finish()
        }
        // A model saved from a run cut short says so in the first line.
        let cutShort = predictor.model.description.training.flatMap { run in
            run.stopReason == .interrupted ? " (the weights of an interrupted run: \(run.epochsText) epochs)" : nil
        } ?? ""
        var lines = [DisplayText.escaped("predicted \(input.features.rows) rows of \(input.source) with \(predictor.name)\(cutShort)" + (output.map { " into \($0)" } ?? ""))]
        if let evaluation = predictions.evaluation {
            lines += ReportTable.summary(evaluation, label: evaluation.regression == nil ? "labels" : "targets",
                                         classNames: predictor.model.description.classNames)
        }
        // With the CSV on stdout the summary and metrics are notes.
        for line in lines { if output == nil { Terminal.note(line) } else { print(line) } }
    }
}
