/// Saved weights to start from (`--init-from`): a file lrfind wrote, which names its model, or
/// one PyTorch wrote (`safetensors.torch.save_file` of one flat `nn.Sequential`'s `state_dict()`),
/// whose architecture the caller gives. Read and checked before the data is loaded; loaded into
/// the network the caller builds for the data once it is.
public struct Checkpoint: Sendable {
    /// The file's name in messages.
    public let name: String
    /// The file as read.
    public let file: SafeTensorsFile
    /// What lrfind recorded; nil for a file another tool wrote.
    public let description: SavedModel.Description?
    /// The hidden stack the weights belong to: the file's own for an lrfind file, else the caller's.
    public let spec: ModelSpec
    /// The hex SHA-256 of the file's bytes (``ModelRecipe/initialWeights``).
    public let digest: String

    /// Reads the file at `path`.
    /// - Parameters:
    ///   - spec: the caller's model: the architecture of a file without lrfind metadata.
    ///   - specIsExplicit: whether the caller chose `spec` (rather than a default): an lrfind
    ///     file's own model is used, and an explicit different one is an error.
    /// - Throws: ``DataError`` naming the file: a format error, or a model that differs.
    public init(contentsOf path: String, spec: ModelSpec, specIsExplicit: Bool) throws {
        name = FileBytes.displayName(path)
        let bytes = try FileBytes.readRaw(path, name: name)
        file = try SafeTensorsFile(bytes: bytes, file: name)
        digest = SHA256.hash(bytes).hex
        description = try SavedModel.Description(metadata: file.metadata, file: name)
        if let saved = description?.spec {
            if specIsExplicit && saved != spec {
                throw DataError(file: name, message: "saved with --model \(DisplayText.shown(saved.name)), not \(DisplayText.shown(spec.name)); drop --model to use the file's")
            }
            self.spec = saved
        } else {
            self.spec = spec
        }
    }

    /// The preprocessing an lrfind file was trained with; nil for a file another tool wrote.
    /// - Throws: ``DataError`` naming the file when its record does not decode.
    public func savedPreprocessing() throws -> SavedPreprocessing? {
        try description?.preprocessing.map { try SavedPreprocessing(json: $0, file: name) }
    }

    /// `network` (built for ``spec`` on `data` as a fresh run would build it) with the file's
    /// weights and statistics: for an lrfind file the network's input shape, output width and the
    /// data's class names must be those it was saved with; every tensor must match
    /// (``Network/load(stateDictionary:file:)``).
    /// - Throws: ``DataError`` naming the file, what differs and what was expected.
    public func loaded(into network: Network, for data: PreparedData) throws -> Network {
        if let description {
            guard description.inputShape == network.inputShape else {
                func text(_ shape: TensorShape) -> String { shape.isVector ? "\(shape.count) values" : "\(shape) (\(shape.count) values)" }
                throw DataError(file: name, message: "saved for inputs of \(text(description.inputShape)), but the network for \(data.name) takes \(text(network.inputShape))")
            }
            guard description.outputs == data.outputWidth else {
                throw DataError(file: name, message: "saved with \(description.outputs) outputs, but \(data.name) needs \(data.outputWidth)")
            }
            guard description.task != .classification || description.classNames == data.classNames else {
                throw DataError(file: name, message: "saved for the classes \(DisplayText.listed(description.classNames)), but \(data.name) has \(DisplayText.listed(data.classNames))")
            }
        }
        var network = network
        try network.load(stateDictionary: file.tensors, file: name)
        return network
    }
}

extension SavedModel.Description {
    /// The description of `network`, built for `spec` and trained on `data` prepared by `recipe`
    /// (its ``SavedPreprocessing``, when the data has an encoding).
    public init(spec: ModelSpec, network: Network, data: PreparedData, recipe: DataRecipe) {
        self.init(spec: spec, outputs: network.outputWidth, inputShape: network.inputShape, task: data.task, classNames: data.classNames,
                  preprocessing: SavedPreprocessing(recipe: recipe, data: data)?.json)
    }
}
