/// One tensor of the `state_dict()` PyTorch gives the same network built as one flat
/// `nn.Sequential` of the layer list: its name, shape, type, and where its values live in a
/// ``Network``.
///
/// Every ``LayerSpec`` item is one module, numbered from 0 in order; layers without tensors
/// (activations, dropout, pooling, flatten) take a number too. So the `mlp` preset on vector
/// data (no flatten module: a dense-only model sees the flat vector) is `0.weight`, `0.bias`,
/// `2.weight`, `2.bias`, `4.weight`, `4.bias`. Per layer, in PyTorch's order:
///
/// | layer | tensors |
/// |---|---|
/// | dense | `weight` units x inputs (row-major), `bias` units |
/// | convolution | `weight` out x in x k x k, `bias` out |
/// | batch norm | `weight`, `bias`, `running_mean`, `running_var` (C each), `num_batches_tracked` (int64 scalar) |
public struct StateTensor: Equatable, Sendable {
    /// Where the values live.
    public enum Storage: Equatable, Sendable {
        /// A slice of `Network.parameters`.
        case parameters(Range<Int>)
        /// A slice of `Network.state`.
        case state(Range<Int>)
        /// One element of `Network.state` holding a count (batch norm's `num_batches_tracked`),
        /// stored as an int64 scalar.
        case count(Int)
    }

    /// The module number and the tensor's name: `0.weight`.
    public var name: String
    /// PyTorch's shape (`[]` for a scalar).
    public var shape: [Int]
    /// Where the values live.
    public var storage: Storage
    /// The 0-based module the tensor belongs to.
    public var module: Int

    /// `I64` for a count, `F32` otherwise.
    public var elementType: SafeTensorsFile.ElementType {
        if case .count = storage { return .int64 }
        return .float32
    }
}

extension NetworkLayout {
    /// The network's tensors under PyTorch's names, module by module, each module's in PyTorch's
    /// order (see ``StateTensor``); together they cover the parameter and state vectors exactly.
    public var stateTensors: [StateTensor] {
        var result: [StateTensor] = []
        for (module, entry) in entries.enumerated() {
            let p = entry.parameters.lowerBound, s = entry.state.lowerBound
            func add(_ suffix: String, _ shape: [Int], _ storage: StateTensor.Storage) {
                result.append(StateTensor(name: "\(module).\(suffix)", shape: shape, storage: storage, module: module))
            }
            switch entry.layer {
            case let .dense(units, bias):
                let inputs = entry.input.count
                add("weight", [units, inputs], .parameters(p..<(p + units * inputs)))
                if bias { add("bias", [units], .parameters((p + units * inputs)..<(p + units * inputs + units))) }
            case let .convolution(channels, kernel, _, _, bias):
                let count = channels * entry.input.channels * kernel * kernel
                add("weight", [channels, entry.input.channels, kernel, kernel], .parameters(p..<(p + count)))
                if bias { add("bias", [channels], .parameters((p + count)..<(p + count + channels))) }
            case .batchNorm:
                let c = entry.input.channels
                add("weight", [c], .parameters(p..<(p + c)))
                add("bias", [c], .parameters((p + c)..<(p + 2 * c)))
                add("running_mean", [c], .state(s..<(s + c)))
                add("running_var", [c], .state((s + c)..<(s + 2 * c)))
                add("num_batches_tracked", [], .count(s + 2 * c))
            case .relu, .leakyReLU, .sigmoid, .tanh, .gelu, .dropout, .maxPool, .averagePool, .flatten:
                break
            }
        }
        return result
    }
}

extension Network {
    /// The weights and batch-norm statistics as PyTorch's `state_dict()` of the same flat
    /// `nn.Sequential` has them (names, shapes, `F32` and an `I64` count).
    public var stateDictionary: [String: SafeTensorsFile.Tensor] {
        var result: [String: SafeTensorsFile.Tensor] = [:]
        for tensor in layout.stateTensors {
            switch tensor.storage {
            case let .parameters(range): result[tensor.name] = .init(floats: parameters[range], shape: tensor.shape)
            case let .state(range): result[tensor.name] = .init(floats: state[range], shape: tensor.shape)
            case let .count(index): result[tensor.name] = .init(int64s: [Int64(state[index].rounded())], shape: [])
            }
        }
        return result
    }

    /// Replaces the weights and statistics with `tensors`, which must be exactly this network's
    /// state dictionary: the same names (one flat `nn.Sequential`), shapes and types, as
    /// PyTorch's `load_state_dict(strict=True)` requires.
    /// - Throws: ``DataError`` naming `file`, the tensor, what it is and what was expected.
    public mutating func load(stateDictionary tensors: [String: SafeTensorsFile.Tensor], file: String) throws {
        func fail(_ message: String) -> DataError { DataError(file: file, message: message) }
        let expected = layout.stateTensors
        let expectedNames = Set(expected.map(\.name))
        let listed = expected.map(\.name).prefix(8).joined(separator: ", ") + (expected.count > 8 ? ", ..." : "")
        // Names first: a nested module (features.0.weight) is not a flat nn.Sequential's.
        if let nested = tensors.keys.sorted().first(where: { name in
            let parts = name.split(separator: ".", omittingEmptySubsequences: false)
            return parts.count != 2 || Int(parts[0]) == nil
        }) {
            throw fail("tensor '\(DisplayText.shown(nested))' is not a name of one flat nn.Sequential (expected \(listed))")
        }
        let unexpected = tensors.keys.filter { !expectedNames.contains($0) }.sorted()
        let missing = expected.map(\.name).filter { tensors[$0] == nil }
        if !unexpected.isEmpty || !missing.isEmpty {
            let parts = (unexpected.isEmpty ? [] : ["unexpected \(unexpected.prefix(8).map { DisplayText.shown($0) }.joined(separator: ", "))"])
                + (missing.isEmpty ? [] : ["missing \(missing.prefix(8).joined(separator: ", "))"])
            throw fail("its tensors are not the model's: \(parts.joined(separator: "; ")) (the model has \(listed))")
        }
        for tensor in expected {
            let entry = layout.entries[tensor.module]
            let what = "layer \(tensor.module + 1) (\(ModelSpec.describe(entry.layer)) on input \(entry.input))"
            let given = tensors[tensor.name]!
            guard given.shape == tensor.shape else {
                throw fail("tensor '\(tensor.name)' has shape \(given.shape), expected \(tensor.shape) for \(what)")
            }
            guard given.elementType == tensor.elementType else {
                throw fail("tensor '\(tensor.name)' is \(given.elementType.rawValue), expected \(tensor.elementType.rawValue)")
            }
        }
        for tensor in expected {
            let given = tensors[tensor.name]!
            // NaN or infinite weights predict NaN for every row: refused, naming the tensor.
            if let floats = given.floats, let index = floats.firstIndex(where: { !$0.isFinite }) {
                throw fail("tensor '\(tensor.name)' holds \(floats[index]) at index \(index): weights must be finite numbers")
            }
            switch tensor.storage {
            case let .parameters(range): parameters.replaceSubrange(range, with: given.floats!)
            case let .state(range): state.replaceSubrange(range, with: given.floats!)
            case let .count(index): state[index] = Float(given.int64s![0])
            }
        }
    }
}
