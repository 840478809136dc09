import Foundation
import Testing
@testable import LRFinder

/// Models in safetensors files under PyTorch's names: the logits PyTorch computes with the file
/// it wrote (`fixtures/golden/models/`), the names and shapes of every layer kind, a save and
/// read back that predicts identically, and the mismatches `load_state_dict(strict=True)` refuses.
@Suite struct SavedModelTests {
    /// The 16 test rows of the golden JSON, pixels / 255, as `peers/common.py` prepares them.
    static func goldenRows() throws -> (Matrix, [Int]) {
        let text = try String(contentsOf: Fixtures.goldenModels.appendingPathComponent("mnist5k_test_first16.csv"), encoding: .utf8)
        let rows = text.split(separator: "\n").map { $0.split(separator: ",").map { Float($0)! } }
        var matrix = Matrix(rows: rows.count, columns: 784)
        for (r, row) in rows.enumerated() { for c in 0..<784 { matrix[r, c] = row[c] / 255 } }
        return (matrix, rows.map { Int($0[784]) })
    }

    @Test func thePyTorchFileGivesPyTorchsLogits() throws {
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: Fixtures.goldenModels.appendingPathComponent("mlp_784_256_128_10.json"))) as! [String: Any]
        let want = (json["logits"] as! [Any]).map { Float(($0 as! NSNumber).doubleValue) }
        let (rows, labels) = try Self.goldenRows()
        #expect(labels == json["labels"] as! [Int])
        let file = try SafeTensorsFile(contentsOf: Fixtures.goldenModel)
        let network = try SavedModel.network(try ModelSpec(parsing: "mlp"), inputShape: .vector(784), outputs: 10, loading: file, name: "golden")
        let got = network.outputs(for: rows)
        #expect(got.rows == 16 && got.columns == 10)
        let worst = zip(got.storage, want).map { abs($0 - $1) }.max()!
        #expect(worst <= 1e-5, "worst |lrfind - PyTorch| \(worst)")
        #expect(network.layout.stateTensors.map(\.name) == json["state_dict_keys"] as! [String])
    }

    @Test func everyLayerKindIsNamedAsInAFlatSequential() throws {
        let layers: [LayerSpec] = [.batchNorm(momentum: 0.1, epsilon: 1e-5), .maxPool(kernel: 2, stride: 2, padding: 0), .flatten,
                                   .dense(units: 5, bias: false), .gelu, .dropout(probability: 0.5), .batchNorm(momentum: 0.1, epsilon: 1e-5),
                                   .leakyReLU(slope: 0.1), .dense(units: 3, bias: true)]
        let layout = try NetworkLayout(layers: layers, inputShape: TensorShape(channels: 2, height: 4, width: 4))
        let tensors = layout.stateTensors
        #expect(tensors.map(\.name) == ["0.weight", "0.bias", "0.running_mean", "0.running_var", "0.num_batches_tracked",
                                        "3.weight", "6.weight", "6.bias", "6.running_mean", "6.running_var", "6.num_batches_tracked",
                                        "8.weight", "8.bias"])
        #expect(tensors.map(\.shape) == [[2], [2], [2], [2], [], [5, 8], [5], [5], [5], [5], [], [3, 5], [3]])
        #expect(tensors.filter { $0.elementType == .int64 }.map(\.name) == ["0.num_batches_tracked", "6.num_batches_tracked"])
        // The tensors cover both vectors exactly, in order.
        var parameters: [Int] = [], state: [Int] = []
        for tensor in tensors {
            switch tensor.storage {
            case let .parameters(range): parameters += range
            case let .state(range): state += range
            case let .count(index): state.append(index)
            }
        }
        #expect(parameters == Array(0..<layout.parameterCount))
        #expect(state == Array(0..<layout.stateCount))
    }

    static func trainedBatchNormModel() throws -> (Network, Matrix) {
        var network = try Network(spec: try ModelSpec(parsing: "dense:6,batchnorm,relu,dropout:0.2"), inputShape: .vector(4), outputs: 3, seed: 7)
        var random = RandomSource(seed: 1)
        var features = Matrix(rows: 10, columns: 4)
        for i in 0..<features.storage.count { features.storage[i] = random.nextFloat(in: -1, 1) }
        let targets = Targets.classes((0..<10).map { Int32($0 % 3) }, count: 3)
        var workspace = network.makeWorkspace(batchSize: 10)
        for _ in 0..<3 { network.computeGradient(features: features, targets: targets, indices: 0..<10, loss: .crossEntropy, workspace: &workspace, random: &random) }
        return (network, features)
    }

    @Test func aSavedModelReadsBackWithIdenticalPredictions() throws {
        let (network, features) = try Self.trainedBatchNormModel()
        #expect(network.state[12] == 3, "three training batches counted")
        let description = SavedModel.Description(spec: try ModelSpec(parsing: "dense:6,batchnorm,relu,dropout:0.2"), outputs: 3,
                                                 inputShape: .vector(4), task: .classification, classNames: ["a", "b \"c\"", "d"])
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("saved-\(UUID().uuidString).safetensors").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try SavedModel(network: network, description: description).write(to: path)
        let read = try SavedModel(contentsOf: path)
        #expect(read.description == description)
        #expect(read.network == network)
        #expect(read.network.outputs(for: features).storage == network.outputs(for: features).storage)
        let file = try SafeTensorsFile(contentsOf: path)
        #expect(file.tensors["1.num_batches_tracked"] == .init(int64s: [3], shape: []))
        #expect(file.orderedNames.first == "1.num_batches_tracked")
        #expect(file.metadata["model"] == "dense:6,batchnorm,relu,dropout:0.2")
        #expect(file.metadata["input_shape"] == "[4,1,1]")
        #expect(file.metadata["class_names"] == "[\"a\",\"b \\\"c\\\"\",\"d\"]")
    }

    static func loadMessage(_ tensors: [String: SafeTensorsFile.Tensor], spec: String = "mlp:8") -> String {
        do {
            var network = try Network(spec: try ModelSpec(parsing: spec), inputShape: .vector(4), outputs: 3, seed: 0)
            try network.load(stateDictionary: tensors, file: "m.safetensors")
            return "no error"
        } catch { return "\(error)" }
    }

    @Test func mismatchedTensorsAreOneLineErrorsSayingWhatWasExpected() throws {
        let good = try Network(spec: try ModelSpec(parsing: "mlp:8"), inputShape: .vector(4), outputs: 3, seed: 0).stateDictionary
        #expect(Self.loadMessage(good) == "no error")
        var nested = good
        nested["features.0.weight"] = nested.removeValue(forKey: "0.weight")
        #expect(Self.loadMessage(nested) == "m.safetensors: tensor 'features.0.weight' is not a name of one flat nn.Sequential (expected 0.weight, 0.bias, 2.weight, 2.bias)")
        var extra = good
        extra["4.weight"] = good["2.weight"]
        #expect(Self.loadMessage(extra) == "m.safetensors: its tensors are not the model's: unexpected 4.weight (the model has 0.weight, 0.bias, 2.weight, 2.bias)")
        var missing = good
        missing["2.bias"] = nil
        #expect(Self.loadMessage(missing) == "m.safetensors: its tensors are not the model's: missing 2.bias (the model has 0.weight, 0.bias, 2.weight, 2.bias)")
        #expect(Self.loadMessage(good, spec: "mlp:9") == "m.safetensors: tensor '0.weight' has shape [8, 4], expected [9, 4] for layer 1 (dense:9 on input 4)")
        var double = good
        double["0.bias"] = .init(elementType: .float64, shape: [8], bytes: [UInt8](repeating: 0, count: 64))
        #expect(Self.loadMessage(double) == "m.safetensors: tensor '0.bias' is F64, expected F32")
        // Non-finite weights would predict NaN for every row: refused, naming the tensor and the place.
        var poisoned = good
        var values = good["2.weight"]!.floats!
        values[5] = .nan
        poisoned["2.weight"] = .init(floats: values, shape: good["2.weight"]!.shape)
        #expect(Self.loadMessage(poisoned) == "m.safetensors: tensor '2.weight' holds nan at index 5: weights must be finite numbers")
        values[5] = -.infinity
        poisoned["2.weight"] = .init(floats: values, shape: good["2.weight"]!.shape)
        #expect(Self.loadMessage(poisoned) == "m.safetensors: tensor '2.weight' holds -inf at index 5: weights must be finite numbers")
    }

    @Test func aFileWithoutLRFindMetadataNeedsAModel() throws {
        #expect(throws: DataError(file: Fixtures.goldenModel,
                                  message: "no lrfind metadata (written by another tool?); it needs a model saved by lrfind train --save")) {
            try SavedModel(contentsOf: Fixtures.goldenModel)
        }
        #expect(try SavedModel.Description(metadata: ["format": "pt"], file: "m") == nil)
        #expect(throws: DataError(file: "m", message: "metadata 'input_shape' cannot be read", text: "[784]")) {
            try SavedModel.Description(metadata: ["lrfind_version": "0.9.0", "model": "mlp", "outputs": "10", "input_shape": "[784]",
                                                  "task": "classification", "class_names": "[]"], file: "m")
        }
    }
}

extension SavedModelTests {
    /// dense:99999999 on 2 inputs then dense:1: 3 x 99999999 + 99999999 + 1 = 399999997 values.
    @Test func aModelLargerThanTheFileIsRefusedBeforeItIsBuilt() throws {
        let file = SafeTensorsFile(tensors: ["0.weight": .init(floats: [1, 2] as [Float], shape: [1, 2])])
        #expect(throws: DataError(file: "m", message: "model dense:99999999 on input 2 has 399999997 values, but the file's tensors hold 2")) {
            try SavedModel.network(try ModelSpec(parsing: "dense:99999999"), inputShape: .vector(2), outputs: 1, loading: file, name: "m")
        }
    }
}

extension SavedModelTests {
    @Test func convolutionsAreNamedAsPyTorchsConv2d() throws {
        let layers: [LayerSpec] = [.convolution(channels: 4, kernel: 3, stride: 1, padding: 1, bias: false), .relu,
                                   .averagePool(kernel: 2, stride: 2, padding: 0), .convolution(channels: 2, kernel: 2, stride: 1, padding: 0, bias: true),
                                   .flatten, .dense(units: 3, bias: true)]
        let layout = try NetworkLayout(layers: layers, inputShape: TensorShape(channels: 2, height: 6, width: 6))
        #expect(layout.stateTensors.map(\.name) == ["0.weight", "3.weight", "3.bias", "5.weight", "5.bias"])
        #expect(layout.stateTensors.map(\.shape) == [[4, 2, 3, 3], [2, 4, 2, 2], [2], [3, 8], [3]])
        #expect(layout.stateTensors.map(\.storage) == [.parameters(0..<72), .parameters(72..<104), .parameters(104..<106),
                                                       .parameters(106..<130), .parameters(130..<133)])
        #expect(layout.parameterCount == 133)
    }
}

extension SavedModelTests {
    /// A saved batch-norm model's bytes read by hand: the length, a header padded with spaces to
    /// 8 bytes, the I64 count first, offsets back to back in header order, every value the
    /// network's, little-endian.
    @Test func aSavedFileHasTheFormatsBytes() throws {
        let (network, _) = try Self.trainedBatchNormModel()
        let description = SavedModel.Description(spec: try ModelSpec(parsing: "dense:6,batchnorm,relu,dropout:0.2"), outputs: 3,
                                                 inputShape: .vector(4), task: .classification, classNames: ["a", "b", "c"])
        let bytes = SavedModel(network: network, description: description).file.serialized()
        let length = (0..<8).reduce(0) { $0 | Int(bytes[$1]) << (8 * $1) }
        #expect(length % 8 == 0)
        let headerText = String(decoding: bytes[8..<(8 + length)], as: UTF8.self)
        let json = headerText.trimmingCharacters(in: .init(charactersIn: " "))
        #expect(headerText.hasPrefix("{\"__metadata__\":{") && json.hasSuffix("}") && headerText.count - json.count < 8)
        // Names in the order they appear in the header text, with their entries.
        let header = try JSONSerialization.jsonObject(with: Data(json.utf8)) as! [String: Any]
        let order = header.keys.filter { $0 != "__metadata__" }.sorted {
            headerText.range(of: "\"\($0)\":{\"dtype\"")!.lowerBound < headerText.range(of: "\"\($1)\":{\"dtype\"")!.lowerBound
        }
        #expect(order == ["1.num_batches_tracked", "0.bias", "0.weight", "1.bias", "1.running_mean", "1.running_var", "1.weight", "4.bias", "4.weight"])
        var position = 0
        let data = Array(bytes[(8 + length)...])
        for name in order {
            let entry = header[name] as! [String: Any]
            let offsets = entry["data_offsets"] as! [Int], shape = entry["shape"] as! [Int]
            #expect(offsets[0] == position, "\(name)")
            position = offsets[1]
            let slice = Array(data[offsets[0]..<offsets[1]])
            if name == "1.num_batches_tracked" {
                #expect(entry["dtype"] as? String == "I64" && shape == [] && slice == [3, 0, 0, 0, 0, 0, 0, 0])
                continue
            }
            #expect(entry["dtype"] as? String == "F32")
            let floats = stride(from: 0, to: slice.count, by: 4).map {
                Float(bitPattern: UInt32(slice[$0]) | UInt32(slice[$0 + 1]) << 8 | UInt32(slice[$0 + 2]) << 16 | UInt32(slice[$0 + 3]) << 24)
            }
            #expect(floats.count == shape.reduce(1, *))
            let tensor = network.layout.stateTensors.first { $0.name == name }!
            switch tensor.storage {
            case let .parameters(range): #expect(floats == Array(network.parameters[range]), "\(name)")
            case let .state(range): #expect(floats == Array(network.state[range]), "\(name)")
            case .count: Issue.record("\(name) is a count")
            }
        }
        #expect(position == data.count)
    }
}
