import Foundation

/// A trained model in a safetensors file: the network's ``Network/stateDictionary`` under
/// PyTorch's names (so `nn.Sequential(...).load_state_dict(load_file(path))` takes it, strictly),
/// and metadata with what lrfind needs to rebuild and use it: string values only, as the format
/// allows, structured ones JSON-encoded.
///
/// | key | value |
/// |---|---|
/// | `format` | `pt` (what Hugging Face tools look for) |
/// | `lrfind_version` | the version that wrote it |
/// | `model` | the hidden stack in the `--model` grammar (`logreg` for none) |
/// | `outputs` | the output layer's width (classes, or target columns) |
/// | `input_shape` | the network's input, JSON `[channels, height, width]` (`[784,1,1]` for a vector) |
/// | `task` | `classification` or `regression` |
/// | `class_names` | JSON array, the label of each class |
/// | `preprocessing` | JSON, how raw columns become features (when known) |
/// | `stopped` | how the run that trained the weights ended: `completed`, `interrupted`, `early-stopped`, ... |
/// | `epochs` | that run's complete epochs of those planned, `3 of 10` (with `stopped`) |
///
/// A model saved from a run cut short (Ctrl-C) says so: `stopped` is `interrupted`.
public struct SavedModel: Equatable, Sendable {
    /// What lrfind records beside the weights.
    public struct Description: Equatable, Sendable {
        /// The hidden stack.
        public var spec: ModelSpec
        /// Width of the output layer.
        public var outputs: Int
        /// The shape of the network's input sample.
        public var inputShape: TensorShape
        /// Classification or regression.
        public var task: Task
        /// The label of each class (empty for regression).
        public var classNames: [String]
        /// How raw data becomes features, JSON (nil when not recorded).
        public var preprocessing: String?
        /// The lrfind version that wrote the file.
        public var lrfindVersion: String
        /// How the run that trained the weights ended and how far it got (nil when not recorded:
        /// a file of an earlier version).
        public var training: Training?

        /// How a training run ended and how many of its epochs it completed.
        public struct Training: Equatable, Sendable {
            /// Why the run ended.
            public var stopReason: StopReason
            /// The epochs it ran to their end.
            public var completedEpochs: Int
            /// The epochs it was to run.
            public var plannedEpochs: Int

            /// A run that ended for `stopReason` after `completedEpochs` of `plannedEpochs` epochs.
            public init(stopReason: StopReason, completedEpochs: Int, plannedEpochs: Int) {
                self.stopReason = stopReason
                self.completedEpochs = completedEpochs
                self.plannedEpochs = plannedEpochs
            }

            /// The run of `result`, which was to run `plannedEpochs` epochs.
            public init(_ result: TrainingResult, plannedEpochs: Int) {
                self.init(stopReason: result.stopReason, completedEpochs: result.epochs.filter(\.complete).count, plannedEpochs: plannedEpochs)
            }

            /// The `epochs` entry: `3 of 10`.
            public var epochsText: String { "\(completedEpochs) of \(plannedEpochs)" }

            /// Reads an `epochs` entry (`3 of 10`); nil when it is not `N of M` with two counts.
            static func epochs(parsing text: String) -> (completed: Int, planned: Int)? {
                let parts = text.split(separator: " ", omittingEmptySubsequences: false)
                guard parts.count == 3, parts[1] == "of", let completed = Int(parts[0]), let planned = Int(parts[2]),
                      completed >= 0, planned >= 0 else { return nil }
                return (completed, planned)
            }
        }

        /// A description from its parts.
        public init(spec: ModelSpec, outputs: Int, inputShape: TensorShape, task: Task, classNames: [String],
                    preprocessing: String? = nil, lrfindVersion: String = RecipeIdentity.lrfindVersion) {
            self.spec = spec
            self.outputs = outputs
            self.inputShape = inputShape
            self.task = task
            self.classNames = classNames
            self.preprocessing = preprocessing
            self.lrfindVersion = lrfindVersion
        }

        /// The metadata entries (see ``SavedModel``).
        public var metadata: [String: String] {
            var result = ["format": "pt", "lrfind_version": lrfindVersion,
                          "model": spec.name, "outputs": String(outputs),
                          "input_shape": "[\(inputShape.channels),\(inputShape.height),\(inputShape.width)]",
                          "task": task.rawValue, "class_names": Self.jsonArray(classNames)]
            if let preprocessing { result["preprocessing"] = preprocessing }
            if let training {
                result["stopped"] = training.stopReason.rawValue
                result["epochs"] = training.epochsText
            }
            return result
        }

        /// The description in a file's `metadata`; nil when the file was not written by lrfind
        /// (no `lrfind_version`: a PyTorch file, whose architecture comes from `--model`).
        /// - Throws: ``DataError`` naming `file` and the entry that cannot be read.
        public init?(metadata: [String: String], file: String) throws {
            guard let version = metadata["lrfind_version"] else { return nil }
            func entry(_ key: String) throws -> String {
                guard let value = metadata[key] else { throw DataError(file: file, message: "metadata has lrfind_version but no '\(key)'") }
                return value
            }
            func bad(_ key: String, _ value: String) -> DataError {
                DataError(file: file, message: "metadata '\(key)' cannot be read", text: DataError.cut(value))
            }
            let specText = try entry("model")
            do { spec = try ModelSpec(parsing: specText) } catch let error as ModelSpecError {
                // The spec's text is the error's, cut; the item and the reason quote it, cut too.
                throw DataError(file: file, message: "metadata 'model': item '\(DisplayText.shown(error.item))': \(DisplayText.shown(error.reason, limit: Self.reasonLimit))",
                                text: DataError.cut(specText))
            }
            let outputsText = try entry("outputs")
            guard let outputs = Int(outputsText), outputs > 0 else { throw bad("outputs", outputsText) }
            self.outputs = outputs
            let shapeText = try entry("input_shape")
            guard let dims = try? JSONDecoder().decode([Int].self, from: Data(shapeText.utf8)), dims.count == 3, dims.allSatisfy({ $0 > 0 }) else {
                throw bad("input_shape", shapeText)
            }
            inputShape = TensorShape(channels: dims[0], height: dims[1], width: dims[2])
            guard !inputShape.countOverflows else {
                throw DataError(file: file, message: "metadata 'input_shape' is too large: its sizes overflow a 64-bit count", text: shapeText)
            }
            let taskText = try entry("task")
            guard let task = Task(rawValue: taskText) else { throw bad("task", taskText) }
            self.task = task
            let namesText = try entry("class_names")
            guard let names = try? JSONDecoder().decode([String].self, from: Data(namesText.utf8)) else { throw bad("class_names", namesText) }
            classNames = names
            preprocessing = metadata["preprocessing"]
            lrfindVersion = version
            // The training run: both entries or neither (files of earlier versions have neither).
            if let stoppedText = metadata["stopped"] {
                guard let stopReason = StopReason(rawValue: stoppedText) else { throw bad("stopped", stoppedText) }
                let epochsText = try entry("epochs")
                guard let epochs = Training.epochs(parsing: epochsText) else { throw bad("epochs", epochsText) }
                training = Training(stopReason: stopReason, completedEpochs: epochs.completed, plannedEpochs: epochs.planned)
            }
        }

        /// The most characters of a reason quoted from another error (which quotes the file).
        static let reasonLimit = 4 * DisplayText.shownCharacterCount

        /// `values` as a compact JSON array of strings.
        private static func jsonArray(_ values: [String]) -> String {
            "[" + values.map(SafeTensorsFile.jsonString).joined(separator: ",") + "]"
        }
    }

    /// The network, weights and statistics.
    public var network: Network
    /// What lrfind records about it.
    public var description: Description

    /// A model to save.
    public init(network: Network, description: Description) {
        self.network = network
        self.description = description
    }

    /// The safetensors file: the state dictionary and the metadata.
    public var file: SafeTensorsFile {
        SafeTensorsFile(tensors: network.stateDictionary, metadata: description.metadata)
    }

    /// Writes the file to `path` atomically (``AtomicFile``).
    public func write(to path: String) throws { try file.write(to: path) }

    /// Reads a file lrfind wrote: its description rebuilds the network, the tensors fill it.
    /// - Throws: ``DataError`` naming the file: a format error, a file without lrfind's
    ///   metadata, or tensors that do not fit the recorded model.
    public init(contentsOf path: String) throws {
        let name = FileBytes.displayName(path)
        let file = try SafeTensorsFile(contentsOf: path)
        guard let description = try Description(metadata: file.metadata, file: name) else {
            throw DataError(file: name, message: "no lrfind metadata (written by another tool?); it needs a model saved by lrfind train --save")
        }
        let network = try Self.network(description.spec, inputShape: description.inputShape, outputs: description.outputs,
                                       loading: file, name: name)
        self.init(network: network, description: description)
    }

    /// A network for `spec` on `inputShape` with `outputs` outputs, its weights and statistics
    /// from `file` (named `name` in errors).
    /// - Throws: ``DataError`` when the spec does not fit the input or the tensors do not fit the spec.
    public static func network(_ spec: ModelSpec, inputShape: TensorShape, outputs: Int, loading file: SafeTensorsFile,
                               name: String) throws -> Network {
        // A spec of any length parses: its name is cut in messages.
        let modelName = DisplayText.shown(spec.name)
        let layout: NetworkLayout
        do { layout = try NetworkLayout(layers: spec.layers(outputs: outputs), inputShape: inputShape) } catch {
            throw DataError(file: name, message: "model \(modelName): \(DisplayText.shown(String(describing: error), limit: Description.reasonLimit))")
        }
        // The sizes come from the file: nothing is allocated for more values than its tensors hold.
        let held = file.tensors.values.reduce(0) { $0 + $1.bytes.count / $1.elementType.size }
        guard layout.parameterCount + layout.stateCount <= held else {
            throw DataError(file: name, message: "model \(modelName) on input \(inputShape) has \(layout.parameterCount + layout.stateCount) values, but the file's tensors hold \(held)")
        }
        var network = try Network(spec: spec, inputShape: inputShape, outputs: outputs, seed: 0)
        try network.load(stateDictionary: file.tensors, file: name)
        return network
    }
}
