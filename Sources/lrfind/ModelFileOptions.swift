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

    /// Writes `network`, trained for `spec` on `data` prepared by `recipe`, to `--save` (nothing without it).
    func save(_ network: Network, spec: ModelSpec, data: PreparedData, recipe: DataRecipe) throws {
        try Self.save(network, spec: spec, data: data, recipe: recipe, to: save)
    }

    /// Writes `network`, trained for `spec` on `data` prepared by `recipe`, to `path`, when given.
    static func save(_ network: Network, spec: ModelSpec, data: PreparedData, recipe: DataRecipe, to path: String?) throws {
        guard let save = path else { return }
        try SavedModel(network: network, description: SavedModel.Description(spec: spec, network: network, data: data, recipe: recipe)).write(to: save)
    }
}
