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
/// | `maxpool:K`, `maxpool(K, stride=S, padding=P)` | kernel > 0; stride > 0 (default K); 0 <= P <= K/2 | `MaxPool2d` |
/// | `flatten` | none | `Flatten` |
///
/// Presets: `mlp` (`dense:256,relu,dense:128,relu`), `mlp:H1,H2,...` (ReLU after each hidden size)
/// and `logreg` (no hidden layer). The grammar leaves room for the layers still to come with
/// several arguments (`conv(32, 3, stride=2, padding=1, bias=false)`, `avgpool(3, stride=2, padding=1)`).
public struct ModelSpec: Hashable, Codable, Sendable, CustomStringConvertible {
    /// The hidden stack, input side first.
    public var hidden: [LayerSpec]

    /// The items a spec accepts, for messages and help.
    public static let itemNames = ["dense:N", "relu", "leakyrelu[:slope]", "sigmoid", "tanh", "gelu", "dropout:p",
                                   "batchnorm", "maxpool:K", "maxpool(K,stride=S,padding=P)", "flatten"]

    /// A spec from its items.
    public init(hidden: [LayerSpec]) { self.hidden = hidden }

    /// The whole stack for targets needing `outputs` values: the hidden stack, then `dense:outputs`.
    public func layers(outputs: Int) -> [LayerSpec] { hidden + [.dense(units: outputs, bias: true)] }

    /// Whether a layer needs an image input (pooling; convolutions later).
    public var needsImage: Bool { hidden.contains { $0.isSpatial } }

    /// The input shape the network sees for samples of `dataShape`: the image when a layer needs
    /// one, otherwise the flat vector (a dense-only model never gets an implicit flatten).
    public func inputShape(for dataShape: TensorShape) -> TensorShape {
        needsImage ? dataShape : .vector(dataShape.count)
    }

    /// Parses a preset or an item list; throws a one-line ``ModelSpecError`` naming the bad item.
    public init(parsing text: String) throws {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let lower = trimmed.lowercased()
        if lower == "logreg" { self.init(hidden: []); return }
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
            throw ModelSpecError(spec: text, item: "", reason: "empty model spec; use a preset (mlp, mlp:H1,H2, logreg) or items \(Self.itemNames.joined(separator: ", "))")
        }
        self.init(hidden: try Self.splitItems(trimmed, spec: text).map { try Self.parseItem($0, spec: text) })
    }

    /// The spec as items, e.g. `dense:256,relu,maxpool(3,stride=2,padding=1)` (empty for logistic
    /// regression); it parses back to the same spec.
    public var description: String { hidden.map(Self.describe).joined(separator: ",") }

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
        case let .maxPool(kernel, stride, padding):
            if stride == kernel && padding == 0 { return "maxpool:\(kernel)" }
            return "maxpool(\(kernel)" + (stride == kernel ? "" : ",stride=\(stride)") + (padding == 0 ? "" : ",padding=\(padding)") + ")"
        case .flatten: return "flatten"
        }
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
        case "maxpool", "maxpool2d":
            let kernel = try arguments.integer(0, "kernel", default: nil, where: "a positive integer, e.g. maxpool:2") { $0 > 0 }
            let stride = try arguments.integer(1, "stride", default: kernel, where: "a positive integer") { $0 > 0 }
            let padding = try arguments.integer(2, "padding", default: 0, where: "between 0 and half the kernel (\(kernel / 2))") { $0 >= 0 && $0 <= kernel / 2 }
            layer = .maxPool(kernel: kernel, stride: stride, padding: padding)
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
        try container.encode(hidden.isEmpty ? "logreg" : description)
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
