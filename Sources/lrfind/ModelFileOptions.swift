import ArgumentParser
import Foundation
import LRFinder

/// `--save` and `--init-from`: model files in safetensors format (`SavedModel`, `Checkpoint`).
struct ModelFileOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Save the trained model to this safetensors file: the weights under the names PyTorch gives one flat nn.Sequential, and what `lrfind predict` needs.", valueName: "file"))
    var save: String?

    @Option(name: .customLong("init-from"), help: ArgumentHelp("Start from the weights in this safetensors file: one lrfind saved (it names its model), or one PyTorch saved from an nn.Sequential's state_dict (--model gives its architecture).", valueName: "file"))
    var initFrom: String?

    /// The option and path of `--init-from`, for ``OutputPaths``' inputs.
    var input: (label: String, path: String?) { ("--init-from", initFrom) }

    /// Reads `--init-from` (before the data): nil without it.
    func checkpoint(_ spec: ModelSpec, model: ModelOptions) throws -> Checkpoint? {
        guard let initFrom else { return nil }
        return try Checkpoint(contentsOf: initFrom, spec: spec, specIsExplicit: model.isModelExplicit)
    }

    /// Writes `network`, trained for `spec` on `data` prepared by `recipe` in the run `result`
    /// of `plannedEpochs` epochs, to `path` (nothing when nil), with how that run ended in the
    /// metadata (``SavedModel/Description/Training``). A run cut short by a signal is saved with
    /// a note saying so, `stopped` `interrupted` and its epochs in the file; one stopped before
    /// its first update trained nothing: the file is not written (an old one stays) and a note says so.
    static func save(_ network: Network, spec: ModelSpec, data: PreparedData, recipe: DataRecipe, run result: TrainingResult,
                     plannedEpochs: Int, to path: String?) throws {
        guard let save = path else { return }
        let training = SavedModel.Description.Training(result, plannedEpochs: plannedEpochs)
        if result.stopReason == .interrupted && result.epochs.isEmpty {
            Terminal.note("lrfind: note: --save \(save) not written: interrupted before the first update")
            return
        }
        var description = SavedModel.Description(spec: spec, network: network, data: data, recipe: recipe)
        description.training = training
        try SavedModel(network: network, description: description).write(to: save)
        if result.stopReason == .interrupted {
            Terminal.note("lrfind: note: saved the weights of an interrupted run (\(training.epochsText) epochs) to \(save)")
        }
    }

    /// The note for `--save` `path` when a range test was interrupted before its `--then`
    /// training run, which then trained nothing to save.
    static func notSavedBeforeTraining(_ path: String?) {
        guard let path else { return }
        Terminal.note("lrfind: note: --save \(path) not written: interrupted before the training run")
    }
}
