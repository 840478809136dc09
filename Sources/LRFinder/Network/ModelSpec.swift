import Foundation

/// A network's hidden stack in the `--model` grammar; an output layer sized by the data's
/// targets is appended when the network is built.
///
/// Grammar (docs/models.md): items separated by commas, each `name`, `name:value` or
/// `name(arguments)` where arguments are positional values then `key=value` pairs (commas inside
/// parentheses separate arguments, not items):
///
/// | item | arguments | PyTorch |
/// |---|---|---|
/// | `dense:N`, `dense(N, bias=false)` (`linear`) | units > 0; bias (default true) | `Linear` |
/// | `relu`, `sigmoid`, `tanh`, `gelu` | none | `ReLU`, `Sigmoid`, `Tanh`, `GELU` |
/// | `leakyrelu[:slope]` | slope >= 0 (default 0.01) | `LeakyReLU` |
/// | `dropout:p` | 0 <= p < 1 | `Dropout` |
/// | `batchnorm`, `batchnorm(momentum=0.1, eps=1e-5)` (`bn`) | momentum in [0, 1], eps > 0 | `BatchNorm1d`/`2d` |
/// | `conv(C, K)`, `conv(C, kernel=K, stride=S, padding=P, bias=false)` (`conv2d`) | channels, kernel > 0; stride > 0 (1); padding >= 0 (0); bias (true) | `Conv2d` |
/// | `maxpool:K`, `maxpool(K, stride=S, padding=P)` | kernel > 0; stride > 0 (default K); 0 <= P <= K/2 | `MaxPool2d` |
/// | `avgpool:K`, `avgpool(K, stride=S, padding=P)` (`avgpool2d`) | as max pooling | `AvgPool2d` |
/// | `flatten` | none | `Flatten` |
///
/// Presets: `mlp` (`dense:256,relu,dense:128,relu`), `mlp:H1,H2,...` (ReLU after each hidden size),
/// `logreg` (no hidden layer), `cnn` (the study notes' network, ``convolutionalPreset``) and `dnn`
/// (the Keras experiment's, ``leakyDropoutPreset``).
public struct ModelSpec: Hashable, Codable, Sendable, CustomStringConvertible {
    /// The hidden stack, input side first.
    public var hidden: [LayerSpec]

    /// The items a spec accepts, for messages and help.
    public static let itemNames = ["dense:N", "relu", "leakyrelu[:slope]", "sigmoid", "tanh", "gelu", "dropout:p",
                                   "batchnorm", "conv(C,K,stride=S,padding=P,bias=B)", "maxpool:K", "maxpool(K,stride=S,padding=P)",
                                   "avgpool:K", "avgpool(K,stride=S,padding=P)", "flatten"]

    /// The presets, for messages and help.
    public static let presetNames = ["mlp", "mlp:H1,H2,...", "logreg", "cnn", "dnn"]

    /// The study notes' CNN (`cnn`): Conv 1->32 3x3, ReLU, MaxPool 2, Conv 32->64 3x3, ReLU,
    /// MaxPool 2, Flatten, Dense 128, Sigmoid (then the output layer): 225,034 parameters on
    /// 1x28x28 images with 10 classes, as `seed_cnn` in the golden data.
    public static let convolutionalPreset: [LayerSpec] = [
        .convolution(channels: 32, kernel: 3, stride: 1, padding: 0, bias: true), .relu, .maxPool(kernel: 2, stride: 2, padding: 0),
        .convolution(channels: 64, kernel: 3, stride: 1, padding: 0, bias: true), .relu, .maxPool(kernel: 2, stride: 2, padding: 0),
        .flatten, .dense(units: 128, bias: true), .sigmoid,
    ]

    /// The Keras experiment's network (`dnn`): Dense 64, 128, 256, 128, 128, each followed by
    /// LeakyReLU(0.1) and Dropout 0.1, 0.1, 0.1, 0.1, 0.4 (then the output layer): 142,282
    /// parameters for 784 inputs and 10 classes.
    public static let leakyDropoutPreset: [LayerSpec] = zip([64, 128, 256, 128, 128], [0.1, 0.1, 0.1, 0.1, 0.4] as [Float]).flatMap {
        [LayerSpec.dense(units: $0, bias: true), .leakyReLU(slope: 0.1), .dropout(probability: $1)]
    }

    /// A spec from its items.
    public init(hidden: [LayerSpec]) { self.hidden = hidden }

    /// The whole stack for targets needing `outputs` values: the hidden stack, then `dense:outputs`.
    public func layers(outputs: Int) -> [LayerSpec] { hidden + [.dense(units: outputs, bias: true)] }

    /// Whether a layer needs an image input (a convolution or pooling).
    public var needsImage: Bool { hidden.contains { $0.isSpatial } }

    /// The input shape the network sees for samples of `dataShape` with no declared shape
    /// (``inputShape(for:declared:)``); the data's own shape when it forms no image.
    public func inputShape(for dataShape: TensorShape) -> TensorShape {
        (try? inputShape(for: dataShape, declared: nil)) ?? dataShape
    }

    /// Parses a preset or an item list; throws a one-line ``ModelSpecError`` naming the bad item.
    public init(parsing text: String) throws {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let lower = trimmed.lowercased()
        if lower == "logreg" { self.init(hidden: []); return }
        if lower == "cnn" { self.init(hidden: Self.convolutionalPreset); return }
        if lower == "dnn" { self.init(hidden: Self.leakyDropoutPreset); return }
        if lower == "mlp" { self.init(hidden: [.dense(units: 256, bias: true), .relu, .dense(units: 128, bias: true), .relu]); return }
        if lower.hasPrefix("mlp:") {
            var items: [LayerSpec] = []
            for part in lower.dropFirst(4).split(separator: ",", omittingEmptySubsequences: false) {
                guard let units = Int(part.trimmingCharacters(in: .whitespaces)), units > 0 else {
                    throw ModelSpecError(spec: text, item: String(part), reason: "hidden sizes of the mlp preset must be positive integers")
                }
                items += [.dense(units: units, bias: true), .relu]
            }
            self.init(hidden: items)
            return
        }
        guard !trimmed.isEmpty else {
            throw ModelSpecError(spec: text, item: "", reason: "empty model spec; use a preset (\(Self.presetNames.joined(separator: ", "))) or items \(Self.itemNames.joined(separator: ", "))")
        }
        self.init(hidden: try Self.splitItems(trimmed, spec: text).map { try Self.parseItem($0, spec: text) })
    }

    /// The spec as items, e.g. `dense:256,relu,maxpool(3,stride=2,padding=1)` (empty for logistic
    /// regression); it parses back to the same spec.
    public var description: String { hidden.map(Self.describe).joined(separator: ",") }

    /// The spec's name in messages and files: its ``description``, `logreg` for no hidden layer.
    public var name: String { hidden.isEmpty ? "logreg" : description }

    /// The model's name in titles and tables: the text it was `given` as (a preset stays its
    /// name, `mlp`), or ``name`` when nothing was given, when the weights come from a file (whose
    /// model the text may not name), or for no hidden layer (`logreg`).
    public func displayName(given: String?, weightsFromFile: Bool) -> String {
        guard let given, !weightsFromFile, !hidden.isEmpty else { return name }
        return given
    }

    /// One item in its shortest form: `name`, `name:value`, or `name(arguments)` when a setting
    /// differs from its default beyond the first.
    static func describe(_ layer: LayerSpec) -> String {
        switch layer {
        case let .dense(units, bias): return bias ? "dense:\(units)" : "dense(\(units),bias=false)"
        case .relu: return "relu"
        case let .leakyReLU(slope): return "leakyrelu:\(slope)"
        case .sigmoid: return "sigmoid"
        case .tanh: return "tanh"
        case .gelu: return "gelu"
        case let .dropout(probability): return "dropout:\(probability)"
        case let .batchNorm(momentum, epsilon):
            return momentum == 0.1 && epsilon == 1e-5 ? "batchnorm" : "batchnorm(momentum=\(momentum),eps=\(epsilon))"
        case let .convolution(channels, kernel, stride, padding, bias):
            return "conv(\(channels),\(kernel)" + (stride == 1 ? "" : ",stride=\(stride)") + (padding == 0 ? "" : ",padding=\(padding)")
                + (bias ? "" : ",bias=false") + ")"
        case let .maxPool(kernel, stride, padding): return describePool("maxpool", kernel, stride, padding)
        case let .averagePool(kernel, stride, padding): return describePool("avgpool", kernel, stride, padding)
        case .flatten: return "flatten"
        }
    }

    /// A pooling item: `name:K` with the default stride and no padding, else `name(K,...)`.
    private static func describePool(_ name: String, _ kernel: Int, _ stride: Int, _ padding: Int) -> String {
        if stride == kernel && padding == 0 { return "\(name):\(kernel)" }
        return "\(name)(\(kernel)" + (stride == kernel ? "" : ",stride=\(stride)") + (padding == 0 ? "" : ",padding=\(padding)") + ")"
    }

    /// Items split at the commas outside parentheses.
    private static func splitItems(_ text: String, spec: String) throws -> [String] {
        var items: [String] = [], current = "", depth = 0
        for character in text {
            switch character {
            case "(": depth += 1; current.append(character)
            case ")":
                depth -= 1
                guard depth >= 0 else { throw ModelSpecError(spec: spec, item: current + ")", reason: "')' without '('") }
                current.append(character)
            case "," where depth == 0: items.append(current); current = ""
            default: current.append(character)
            }
        }
        guard depth == 0 else { throw ModelSpecError(spec: spec, item: current, reason: "'(' without ')'") }
        items.append(current)
        return items.map { $0.trimmingCharacters(in: .whitespaces) }
    }

    /// One item: its name and arguments, checked against the layer's settings.
    private static func parseItem(_ part: String, spec: String) throws -> LayerSpec {
        func fail(_ reason: String) -> ModelSpecError { ModelSpecError(spec: spec, item: part, reason: reason) }
        guard !part.isEmpty else { throw fail("empty item") }
        var name = part, positional: [String] = [], named: [String: String] = [:]
        if let open = part.firstIndex(of: "(") {
            guard part.hasSuffix(")") else { throw fail("text after ')'") }
            name = String(part[..<open])
            let inner = part[part.index(after: open)..<part.index(before: part.endIndex)]
            for raw in inner.split(separator: ",", omittingEmptySubsequences: false) {
                let argument = raw.trimmingCharacters(in: .whitespaces)
                guard !argument.isEmpty else { throw fail("empty argument") }
                if let equals = argument.firstIndex(of: "=") {
                    let key = argument[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
                    guard named[key] == nil else { throw fail("'\(key)' given twice") }
                    named[key] = argument[argument.index(after: equals)...].trimmingCharacters(in: .whitespaces)
                } else {
                    guard named.isEmpty else { throw fail("positional argument '\(argument)' after key=value arguments") }
                    positional.append(argument)
                }
            }
        } else if let colon = part.firstIndex(of: ":") {
            name = String(part[..<colon])
            positional = [part[part.index(after: colon)...].trimmingCharacters(in: .whitespaces)]
        }
        name = name.trimmingCharacters(in: .whitespaces).lowercased()
        var arguments = Arguments(name: name, positional: positional, named: named, fail: fail)
        let layer: LayerSpec
        switch name {
        case "dense", "linear":
            let units = try arguments.integer(0, "units", default: nil, where: "a positive integer, e.g. dense:128") { $0 > 0 }
            let bias = try arguments.boolean("bias", default: true)
            layer = .dense(units: units, bias: bias)
        case "relu": layer = .relu
        case "sigmoid": layer = .sigmoid
        case "tanh": layer = .tanh
        case "gelu": layer = .gelu
        case "flatten": layer = .flatten
        case "leakyrelu":
            layer = .leakyReLU(slope: try arguments.number(0, "slope", default: 0.01, where: "a number >= 0") { $0 >= 0 })
        case "dropout":
            layer = .dropout(probability: try arguments.number(0, "p", default: nil, where: "a probability in [0, 1), e.g. dropout:0.1") { $0 >= 0 && $0 < 1 })
        case "batchnorm", "bn":
            let momentum = try arguments.number(0, "momentum", default: 0.1, where: "in [0, 1]") { $0 >= 0 && $0 <= 1 }
            let epsilon = try arguments.number(1, "eps", default: 1e-5, where: "a number > 0") { $0 > 0 }
            layer = .batchNorm(momentum: momentum, epsilon: epsilon)
        case "conv", "conv2d":
            let channels = try arguments.integer(0, "channels", default: nil, where: "a positive integer, e.g. conv(32,3)") { $0 > 0 }
            let kernel = try arguments.integer(1, "kernel", default: nil, where: "a positive integer, e.g. conv(32,3)") { $0 > 0 }
            let stride = try arguments.integer(2, "stride", default: 1, where: "a positive integer") { $0 > 0 }
            let padding = try arguments.integer(3, "padding", default: 0, where: "an integer >= 0") { $0 >= 0 }
            let bias = try arguments.boolean("bias", default: true)
            layer = .convolution(channels: channels, kernel: kernel, stride: stride, padding: padding, bias: bias)
        case "maxpool", "maxpool2d", "avgpool", "avgpool2d":
            let example = name.hasPrefix("max") ? "maxpool:2" : "avgpool:2"
            let kernel = try arguments.integer(0, "kernel", default: nil, where: "a positive integer, e.g. \(example)") { $0 > 0 }
            let stride = try arguments.integer(1, "stride", default: kernel, where: "a positive integer") { $0 > 0 }
            let padding = try arguments.integer(2, "padding", default: 0, where: "between 0 and half the kernel (\(kernel / 2))") { $0 >= 0 && $0 <= kernel / 2 }
            layer = name.hasPrefix("max") ? .maxPool(kernel: kernel, stride: stride, padding: padding)
                : .averagePool(kernel: kernel, stride: stride, padding: padding)
        default:
            throw fail("unknown layer '\(name)'; known: \(itemNames.joined(separator: ", "))")
        }
        try arguments.checkAllUsed()
        return layer
    }
}

/// The arguments of one spec item, taken by position or by key; every one must be used.
private struct Arguments {
    let name: String
    var positional: [String]
    var named: [String: String]
    let fail: (String) -> ModelSpecError
    private var usedPositions = 0

    init(name: String, positional: [String], named: [String: String], fail: @escaping (String) -> ModelSpecError) {
        self.name = name
        self.positional = positional
        self.named = named
        self.fail = fail
    }

    /// The argument at `position` or called `key`; nil when absent.
    private mutating func take(_ position: Int, _ key: String) throws -> String? {
        let byKey = named.removeValue(forKey: key)
        let byPosition = position < positional.count ? positional[position] : nil
        if byPosition != nil { usedPositions = Swift.max(usedPositions, position + 1) }
        if byKey != nil && byPosition != nil { throw fail("\(key) given by position and by name") }
        return byKey ?? byPosition
    }

    mutating func integer(_ position: Int, _ key: String, default value: Int?, where allowed: String,
                          _ isValid: (Int) -> Bool) throws -> Int {
        guard let text = try take(position, key) else {
            guard let value else { throw fail("\(name) needs \(key): \(allowed)") }
            return value
        }
        guard let number = Int(text), isValid(number) else { throw fail("\(key) must be \(allowed), got '\(text)'") }
        return number
    }

    mutating func number(_ position: Int, _ key: String, default value: Float?, where allowed: String,
                         _ isValid: (Float) -> Bool) throws -> Float {
        guard let text = try take(position, key) else {
            guard let value else { throw fail("\(name) needs \(key): \(allowed)") }
            return value
        }
        guard let number = Float(text), number.isFinite, isValid(number) else { throw fail("\(key) must be \(allowed), got '\(text)'") }
        return number
    }

    mutating func boolean(_ key: String, default value: Bool) throws -> Bool {
        guard let text = named.removeValue(forKey: key) else { return value }
        switch text.lowercased() {
        case "true", "yes", "1": return true
        case "false", "no", "0": return false
        default: throw fail("\(key) must be true or false, got '\(text)'")
        }
    }

    func checkAllUsed() throws {
        if let key = named.keys.sorted().first { throw fail("\(name) has no setting '\(key)'") }
        if positional.count > usedPositions {
            throw fail(usedPositions == 0 ? "'\(name)' takes no argument" : "\(name) takes at most \(usedPositions) positional argument(s)")
        }
    }
}

extension ModelSpec {
    /// Decodes the spec text (``description``), which parses back to the same spec.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do { self = try ModelSpec(parsing: text.isEmpty ? "logreg" : text) } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "\(error)")
        }
    }

    /// Encodes the spec as its text (``description``; `logreg` for no hidden layer).
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(name)
    }
}

/// A model spec that does not parse: names the spec, the item and what is allowed.
public struct ModelSpecError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The whole spec as given.
    public var spec: String
    /// The offending item.
    public var item: String
    /// What is wrong and what is allowed.
    public var reason: String

    /// One line: `model spec 'S': item 'I': reason`.
    public var description: String { "model spec '\(spec)': item '\(item)': \(reason)" }
}
