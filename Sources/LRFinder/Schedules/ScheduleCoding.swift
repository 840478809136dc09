import Foundation

// Schedules encode as their canonical compact text (`ScheduleSpec.description`), one JSON
// string such as "onecycle:max=0.01,total=100", rather than as nested objects of Swift's case
// and property names: a run recipe then reads as the command line is written, keeps working
// when the Swift types are reorganised, and is checked on decoding by the same parser (with its
// one-line errors) as a `--schedule` argument. This is exact because printing and parsing
// round-trip (`ScheduleDescriptionTests`): numbers print as their shortest round-trip digits
// and every field that differs from its default is printed. A spec the parser would refuse (a
// sequence inside a chain, a value out of range, built in code) cannot be encoded: `encode`
// throws rather than write a text that would not decode.

extension ScheduleSpec: Codable {
    /// Decodes the compact text, e.g. `"cyclic:base=1e-5,max=0.0016,step-up=5"`.
    /// - Throws: `DecodingError.dataCorrupted` with the parser's one-line reason.
    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do { self = try ScheduleSpec(parsing: text) } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "schedule '\(text)': \(error)")
        }
    }

    /// Encodes the canonical compact text (`description`).
    /// - Throws: `EncodingError.invalidValue` for a spec whose text does not parse back to it.
    public func encode(to encoder: Encoder) throws {
        let text = try canonicalText(codingPath: encoder.codingPath)
        var container = encoder.singleValueContainer()
        try container.encode(text)
    }

    /// `description`, checked to parse back to this spec.
    fileprivate func canonicalText(codingPath: [CodingKey]) throws -> String {
        let text = description
        let reason: String
        do {
            if try ScheduleSpec(parsing: text) == self { return text }
            reason = "it parses to a different schedule"
        } catch {
            reason = "\(error)"
        }
        throw EncodingError.invalidValue(self, EncodingError.Context(
            codingPath: codingPath, debugDescription: "schedule '\(text)' cannot be encoded: \(reason)"))
    }
}

extension ScheduleKind: Codable {
    /// Decodes the compact text of a schedule without a `unit` (`"step:size=10"`).
    /// - Throws: `DecodingError.dataCorrupted` if it does not parse or gives a unit.
    public init(from decoder: Decoder) throws {
        self = try decodeSchedule(from: decoder, as: "a schedule") { $0 }
    }

    /// Encodes the canonical compact text (`description`).
    /// - Throws: `EncodingError.invalidValue` for a schedule whose text does not parse back to it.
    public func encode(to encoder: Encoder) throws {
        try ScheduleSpec(self).encode(to: encoder)
    }
}

extension CyclicSettings: Codable {
    /// Decodes the compact text of a `cyclic` schedule (`"cyclic:base=1e-5,max=0.0016"`).
    /// - Throws: `DecodingError.dataCorrupted` if it does not parse or is another schedule.
    public init(from decoder: Decoder) throws {
        self = try decodeSchedule(from: decoder, as: "a cyclic schedule") { if case let .cyclic(s) = $0 { s } else { nil } }
    }

    /// Encodes the compact text of `cyclic` with these settings.
    /// - Throws: `EncodingError.invalidValue` for settings the parser would refuse.
    public func encode(to encoder: Encoder) throws {
        try ScheduleSpec(.cyclic(self)).encode(to: encoder)
    }
}

extension OneCycleSettings: Codable {
    /// Decodes the compact text of a `onecycle` schedule (`"onecycle:max=0.01"`).
    /// - Throws: `DecodingError.dataCorrupted` if it does not parse or is another schedule.
    public init(from decoder: Decoder) throws {
        self = try decodeSchedule(from: decoder, as: "a onecycle schedule") { if case let .oneCycle(s) = $0 { s } else { nil } }
    }

    /// Encodes the compact text of `onecycle` with these settings.
    /// - Throws: `EncodingError.invalidValue` for settings the parser would refuse.
    public func encode(to encoder: Encoder) throws {
        try ScheduleSpec(.oneCycle(self)).encode(to: encoder)
    }
}

extension PlateauSettings: Codable {
    /// Decodes the compact text of a `plateau` schedule (`"plateau:mode=max,patience=3"`).
    /// - Throws: `DecodingError.dataCorrupted` if it does not parse or is another schedule.
    public init(from decoder: Decoder) throws {
        self = try decodeSchedule(from: decoder, as: "a plateau schedule") { if case let .plateau(s) = $0 { s } else { nil } }
    }

    /// Encodes the compact text of `plateau` with these settings.
    /// - Throws: `EncodingError.invalidValue` for settings the parser would refuse.
    public func encode(to encoder: Encoder) throws {
        try ScheduleSpec(.plateau(self)).encode(to: encoder)
    }
}

extension Formula: Codable {
    /// Decodes a formula's text (`"0.95^epoch"`).
    /// - Throws: `DecodingError.dataCorrupted` with the parser's one-line reason.
    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do { self = try Formula(text) } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "\(error)")
        }
    }

    /// Encodes the formula's text.
    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(text)
    }
}

extension CyclicMode: Codable {}
extension AnnealStrategy: Codable {}
extension PlateauMode: Codable {}

/// Decodes a schedule's compact text and picks out the part `extract` wants (nil: the wrong
/// schedule); a `unit` in the text is refused, since the part has no place for it.
private func decodeSchedule<Part>(from decoder: Decoder, as wanted: String, _ extract: (ScheduleKind) -> Part?) throws -> Part {
    let container = try decoder.singleValueContainer()
    let spec = try container.decode(ScheduleSpec.self)
    guard spec.unitOverride == nil, let part = extract(spec.kind) else {
        throw DecodingError.dataCorruptedError(in: container, debugDescription: "'\(spec)' is not \(wanted) without a unit")
    }
    return part
}
