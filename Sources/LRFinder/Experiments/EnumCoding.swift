import Foundation

// The recipe's enums with associated values, as plain words or tagged objects with named fields
// (the rules are in Support/RecipeCoding.swift). Models saved before format version 1 hold the
// synthesized forms (`{"last": {}}`, `{"index": {"_0": 2}}`) in their preprocessing metadata;
// those still decode.

/// The value of a synthesized single-value case, `{"_0": value}`, or the value itself.
private func payload<T: Decodable>(_ type: T.Type, _ container: KeyedDecodingContainer<AnyCodingKey>, _ key: AnyCodingKey) throws -> T {
    if let value = try? container.decode(T.self, forKey: key) { return value }
    let nested = try container.nestedContainer(keyedBy: AnyCodingKey.self, forKey: key)
    return try nested.decode(T.self, forKey: AnyCodingKey("_0"))
}

extension LabelColumn {
    /// Decodes `"first"`, `"last"`, `{"index": 0-based}` or `{"name": header}`.
    public init(from decoder: any Decoder) throws {
        self = try decodeWordOrTagged(
            from: decoder, expected: "a label column (first, last, {\"index\": N} or {\"name\": TEXT})",
            word: { ["first": .first, "last": .last][$0] },
            tagged: { tag, container, key in
                switch tag {
                case "first": .first
                case "last": .last
                case "index": .index(try payload(Int.self, container, key))
                case "name": .name(try payload(String.self, container, key))
                default: nil
                }
            })
    }

    /// Encodes a plain word or a tagged object.
    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .first: try encoder.encodeWord("first")
        case .last: try encoder.encodeWord("last")
        case let .index(index): try encoder.encodeTagged("index", index)
        case let .name(name): try encoder.encodeTagged("name", name)
        }
    }
}

extension CSVColumn {
    /// Decodes `{"index": 0-based}` or `{"name": header}`.
    public init(from decoder: any Decoder) throws {
        self = try decodeWordOrTagged(
            from: decoder, expected: "a column ({\"index\": N} or {\"name\": TEXT})", word: { _ in nil },
            tagged: { tag, container, key in
                switch tag {
                case "index": .index(try payload(Int.self, container, key))
                case "name": .name(try payload(String.self, container, key))
                default: nil
                }
            })
    }

    /// Encodes a tagged object.
    public func encode(to encoder: any Encoder) throws {
        switch self {
        case let .index(index): try encoder.encodeTagged("index", index)
        case let .name(name): try encoder.encodeTagged("name", name)
        }
    }
}

extension CategoricalColumns {
    /// Decodes `"auto"`, `"none"` or `{"columns": [...]}`.
    public init(from decoder: any Decoder) throws {
        self = try decodeWordOrTagged(
            from: decoder, expected: "categorical columns (auto, none or {\"columns\": [...]})",
            word: { ["auto": .auto, "none": .none][$0] },
            tagged: { tag, container, key in
                switch tag {
                case "auto": .auto
                case "none": .none
                case "columns": .columns(try payload([CSVColumn].self, container, key))
                default: nil
                }
            })
    }

    /// Encodes a plain word or a tagged object.
    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .auto: try encoder.encodeWord("auto")
        case .none: try encoder.encodeWord("none")
        case let .columns(columns): try encoder.encodeTagged("columns", columns)
        }
    }
}

extension SplitSizes {
    /// The three sizes with their names.
    private struct Sizes<Value: Codable>: Codable {
        var train: Value
        var validation: Value
        var test: Value
    }

    /// Decodes `{"counts": {"train", "validation", "test"}}` or `{"fractions": {...}}`.
    public init(from decoder: any Decoder) throws {
        self = try decodeWordOrTagged(
            from: decoder, expected: "split sizes ({\"counts\": {...}} or {\"fractions\": {...}})", word: { _ in nil },
            tagged: { tag, container, key in
                switch tag {
                case "counts":
                    let sizes = try container.decode(Sizes<Int>.self, forKey: key)
                    return .counts(train: sizes.train, validation: sizes.validation, test: sizes.test)
                case "fractions":
                    let sizes = try container.decode(Sizes<Double>.self, forKey: key)
                    return .fractions(train: sizes.train, validation: sizes.validation, test: sizes.test)
                default: return nil
                }
            })
    }

    /// Encodes a tagged object with named sizes.
    public func encode(to encoder: any Encoder) throws {
        switch self {
        case let .counts(train, validation, test):
            try encoder.encodeTagged("counts", Sizes(train: train, validation: validation, test: test))
        case let .fractions(train, validation, test):
            try encoder.encodeTagged("fractions", Sizes(train: train, validation: validation, test: test))
        }
    }
}

extension GradientClipping {
    /// Decodes `"none"`, `{"value": C}` or `{"norm": C}`.
    public init(from decoder: any Decoder) throws {
        self = try decodeWordOrTagged(
            from: decoder, expected: "a clipping rule (none, {\"value\": C} or {\"norm\": C})",
            word: { $0 == "none" ? GradientClipping.none : nil },
            tagged: { tag, container, key in
                switch tag {
                case "value": .value(try payload(Double.self, container, key))
                case "norm": .norm(try payload(Double.self, container, key))
                default: nil
                }
            })
    }

    /// Encodes a plain word or a tagged object.
    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .none: try encoder.encodeWord("none")
        case let .value(limit): try encoder.encodeTagged("value", limit)
        case let .norm(limit): try encoder.encodeTagged("norm", limit)
        }
    }
}

extension RangeTestLength {
    /// Decodes `"automatic"`, `{"epochs": N}` or `{"steps": N}`.
    public init(from decoder: any Decoder) throws {
        self = try decodeWordOrTagged(
            from: decoder, expected: "a range-test length (automatic, {\"epochs\": N} or {\"steps\": N})",
            word: { $0 == "automatic" ? .automatic : nil },
            tagged: { tag, container, key in
                switch tag {
                case "epochs": .epochs(try payload(Int.self, container, key))
                case "steps": .steps(try payload(Int.self, container, key))
                default: nil
                }
            })
    }

    /// Encodes a plain word or a tagged object.
    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .automatic: try encoder.encodeWord("automatic")
        case let .epochs(epochs): try encoder.encodeTagged("epochs", epochs)
        case let .steps(steps): try encoder.encodeTagged("steps", steps)
        }
    }
}
