import Foundation

/// A textual description of a classifier's hidden stack, to which an output layer sized by the
/// data's class count is appended.
///
/// Grammar: comma-separated items, each `name` or `name:argument`:
/// `dense:N` (N > 0 units), `relu`, `leakyrelu[:slope]` (default 0.01), `sigmoid`, `tanh`,
/// `dropout:p` (0 <= p < 1). Presets: `mlp` (= `dense:256,relu,dense:128,relu`),
/// `mlp:H1,H2,...` (ReLU after each hidden size) and `logreg` (no hidden layer).
/// Example: `dense:256,relu,dropout:0.1,dense:128,leakyrelu:0.1`.
public struct ModelSpec: Equatable, Sendable, CustomStringConvertible {
    /// One hidden-stack item before input sizes are known.
    public enum Item: Equatable, Sendable {
        /// A dense layer with this many outputs.
        case dense(Int)
        /// ReLU.
        case relu
        /// Leaky ReLU with this negative slope.
        case leakyReLU(Float)
        /// Sigmoid.
        case sigmoid
        /// Hyperbolic tangent.
        case tanh
        /// Dropout with this drop probability.
        case dropout(Float)
    }

    /// The hidden stack, input side first.
    public var hidden: [Item]

    /// The item names a spec accepts, for messages and help.
    public static let itemNames = ["dense:N", "relu", "leakyrelu[:slope]", "sigmoid", "tanh", "dropout:p"]

    /// A spec from its items.
    public init(hidden: [Item]) { self.hidden = hidden }

    /// Parses a preset or an item list; throws a one-line `ModelSpecError` naming the bad item.
    public init(parsing text: String) throws {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let lower = trimmed.lowercased()
        if lower == "logreg" { self.init(hidden: []); return }
        if lower == "mlp" { self.init(hidden: [.dense(256), .relu, .dense(128), .relu]); return }
        if lower.hasPrefix("mlp:") {
            var items: [Item] = []
            for part in lower.dropFirst(4).split(separator: ",", omittingEmptySubsequences: false) {
                guard let units = Int(part.trimmingCharacters(in: .whitespaces)), units > 0 else {
                    throw ModelSpecError(spec: text, item: String(part), reason: "hidden sizes of the mlp preset must be positive integers")
                }
                items += [.dense(units), .relu]
            }
            self.init(hidden: items)
            return
        }
        guard !trimmed.isEmpty else {
            throw ModelSpecError(spec: text, item: "", reason: "empty model spec; use a preset (mlp, mlp:H1,H2, logreg) or items \(Self.itemNames.joined(separator: ", "))")
        }
        var items: [Item] = []
        for raw in trimmed.split(separator: ",", omittingEmptySubsequences: false) {
            let part = raw.trimmingCharacters(in: .whitespaces)
            let pieces = part.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            let name = pieces[0].lowercased()
            let argument = pieces.count > 1 ? pieces[1] : nil
            func fail(_ reason: String) -> ModelSpecError { ModelSpecError(spec: text, item: part, reason: reason) }
            func noArgument(_ item: Item) throws -> Item {
                guard argument == nil else { throw fail("'\(name)' takes no argument") }
                return item
            }
            switch name {
            case "dense", "linear":
                guard let argument else { throw fail("dense needs a unit count, e.g. dense:128") }
                guard let units = Int(argument), units > 0 else { throw fail("unit count must be a positive integer") }
                items.append(.dense(units))
            case "relu": items.append(try noArgument(.relu))
            case "sigmoid": items.append(try noArgument(.sigmoid))
            case "tanh": items.append(try noArgument(.tanh))
            case "leakyrelu":
                guard let argument else { items.append(.leakyReLU(0.01)); continue }
                guard let slope = Float(argument), slope.isFinite, slope >= 0 else { throw fail("slope must be a number >= 0") }
                items.append(.leakyReLU(slope))
            case "dropout":
                guard let argument else { throw fail("dropout needs a probability, e.g. dropout:0.1") }
                guard let probability = Float(argument), probability >= 0, probability < 1 else {
                    throw fail("dropout probability must be in [0, 1)")
                }
                items.append(.dropout(probability))
            case "":
                throw fail("empty item")
            default:
                throw fail("unknown layer '\(name)'; known: \(Self.itemNames.joined(separator: ", "))")
            }
        }
        self.init(hidden: items)
    }

    /// The layers for data with `inputWidth` features and `classCount` classes: the hidden stack
    /// followed by `dense:classCount`, whose logits feed the softmax cross-entropy.
    public func layers(inputWidth: Int, classCount: Int) -> [Layer] {
        var width = inputWidth
        var result: [Layer] = []
        for item in hidden {
            switch item {
            case let .dense(units):
                result.append(.dense(inputs: width, outputs: units))
                width = units
            case .relu: result.append(.relu)
            case let .leakyReLU(slope): result.append(.leakyReLU(slope: slope))
            case .sigmoid: result.append(.sigmoid)
            case .tanh: result.append(.tanh)
            case let .dropout(probability): result.append(.dropout(probability: probability))
            }
        }
        result.append(.dense(inputs: width, outputs: classCount))
        return result
    }

    /// The spec as items, e.g. `dense:256,relu,dense:128,relu` (empty for logistic regression).
    public var description: String {
        hidden.map { item -> String in
            switch item {
            case let .dense(units): return "dense:\(units)"
            case .relu: return "relu"
            case let .leakyReLU(slope): return "leakyrelu:\(slope)"
            case .sigmoid: return "sigmoid"
            case .tanh: return "tanh"
            case let .dropout(probability): return "dropout:\(probability)"
            }
        }.joined(separator: ",")
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
