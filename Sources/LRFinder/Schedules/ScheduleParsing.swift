import Foundation

/// The command line's compact schedule syntax, `name:key=value,key=value` (spaces around items
/// are ignored; commas inside parentheses do not split), e.g.
/// `cyclic:base=1e-5,max=1.6e-3,step-up=5,mode=triangular2` or `onecycle:max=0.01,pct-start=0.3`.
/// Every schedule also takes `unit=batch|epoch`; step counts are in that unit. `docs/schedules.md`
/// has the same table with examples.
///
/// Each family of schedules lists its kinds' ``ScheduleGrammar``s beside their formulas
/// (`DecaySchedules.grammars`, `CosineSchedules`, `CyclicSchedules`, `PlateauSchedule`,
/// `KerasSchedules`): a kind's name, its keys, their defaults and allowed values are read there.
///
/// Flags take `true`/`false` (also `yes`/`no`, `1`/`0`). Inside `sequential` and `chain`, a
/// schedule without keys may drop its parentheses (`constant|exponential(gamma=0.9)`); they
/// cannot nest. A composite steps in its first schedule's unit unless it gives its own after
/// a comma: `chain:constant(factor=0.5)|exponential(gamma=0.9),unit=batch`.
/// `ScheduleSpec.description` prints any spec back in this syntax.
extension ScheduleSpec {
    /// The keys each schedule accepts (besides `unit`), in the order the documentation gives them.
    public static let keys: [(name: String, keys: [String])] = ScheduleGrammar.all.map { ($0.name, $0.keys) }
        + [("sequential", []), ("chain", [])]

    /// Parses the compact syntax.
    /// - Throws: `ScheduleError` naming the schedule, the key and what is allowed.
    public init(parsing text: String) throws {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let name: String, rest: String
        if let colon = trimmed.firstIndex(of: ":") {
            name = String(trimmed[..<colon]).lowercased()
            rest = String(trimmed[trimmed.index(after: colon)...])
        } else {
            name = trimmed.lowercased()
            rest = ""
        }
        if name == "sequential" || name == "chain" {
            self = try Self.parseComposite(name: name, text: rest)
            return
        }
        guard let grammar = ScheduleGrammar.all.first(where: { $0.name == name }) else {
            throw ScheduleError("unknown schedule '\(name)'; known: \(Self.keys.map(\.name).joined(separator: ", "))")
        }
        var values = try KeyValues(schedule: name, text: rest, allowed: grammar.keys + ["unit"])
        let unit: ScheduleUnit? = try values.choice("unit", ScheduleUnit.allCases.map(\.rawValue)).flatMap(ScheduleUnit.init(rawValue:))
        self.init(try grammar.parse(&values), unit: unit)
    }

    /// `a(...)|b(...)@m1/m2` for sequential, `a(...)|b(...)` for chain, each optionally followed
    /// by `,unit=batch|epoch`, the composite's own unit.
    private static func parseComposite(name: String, text: String) throws -> ScheduleSpec {
        let depth = text.reduce(0) { $0 + ($1 == "(" ? 1 : $1 == ")" ? -1 : 0) }
        guard depth == 0 else { throw ScheduleError("\(name): unbalanced parentheses in '\(text)'") }
        let items = KeyValues.split(text, on: ",")
        var body = items[0], milestones: [Int] = []
        let options = try KeyValues(schedule: name, text: items.dropFirst().joined(separator: ","), allowed: ["unit"])
        let unit = try options.choice("unit", ScheduleUnit.allCases.map(\.rawValue)).flatMap(ScheduleUnit.init(rawValue:))
        if name == "sequential" {
            guard let at = KeyValues.split(body, on: "@").count == 2 ? body.lastIndex(of: "@") : nil else {
                throw ScheduleError("sequential: write schedules separated by '|' then '@' and the milestones, e.g. sequential:linear(start-factor=0.1,total=5)|cosine(t-max=45)@5")
            }
            milestones = try KeyValues.milestoneList(String(body[body.index(after: at)...]), schedule: name, key: "@")
            body = String(body[..<at])
        }
        let parts = KeyValues.split(body, on: "|")
        guard parts.count >= (name == "sequential" ? 2 : 1), parts.allSatisfy({ !$0.isEmpty }) else {
            throw ScheduleError("\(name): write schedules as name(key=value,...) separated by '|'")
        }
        let children = try parts.map { part -> ScheduleSpec in
            let trimmed = part.trimmingCharacters(in: .whitespaces)
            let open = trimmed.firstIndex(of: "(")
            // Refused before parsing it: `chain:chain:chain:...` would otherwise recurse once per
            // level, without bound.
            let childName = String(trimmed[..<(open ?? trimmed.firstIndex(of: ":") ?? trimmed.endIndex)])
            guard !["sequential", "chain"].contains(childName.trimmingCharacters(in: .whitespaces).lowercased()) else {
                throw ScheduleError("\(name): schedules inside it cannot nest \(childName)")
            }
            guard let open else { return try ScheduleSpec(parsing: trimmed) }
            guard trimmed.hasSuffix(")") else { throw ScheduleError("\(name): '\(trimmed)' must end with ')'") }
            let inner = trimmed[trimmed.index(after: open)..<trimmed.index(before: trimmed.endIndex)]
            return try ScheduleSpec(parsing: childName + ":" + inner)
        }
        if name == "sequential", milestones.count != children.count - 1 {
            throw ScheduleError("sequential: \(children.count) schedules need \(children.count - 1) milestone(s), got \(milestones.count)")
        }
        if name == "sequential" { return ScheduleSpec(.sequential(children, milestones: milestones), unit: unit) }
        return ScheduleSpec(.chain(children), unit: unit)
    }
}

/// How one schedule kind reads and prints: its name, its keys (besides `unit`) in the documented
/// order, the parser of its values and the printer of its items. Each family of schedules lists
/// its kinds' grammars beside their formulas, so that a new kind is its ``ScheduleKind`` case,
/// its grammar and its formula in its family's file (and its line in docs/schedules.md).
struct ScheduleGrammar: Sendable {
    /// The name in the text (`step`).
    let name: String
    /// Its keys besides `unit`, in the documented order.
    let keys: [String]
    /// The kind from the values of its keys.
    let parse: @Sendable (inout KeyValues) throws -> ScheduleKind
    /// Adds `kind`'s items to the list when `kind` is this grammar's kind; false otherwise.
    let print: @Sendable (ScheduleKind, inout ScheduleKeyList) -> Bool

    /// Every schedule's grammar but `sequential` and `chain`, family by family.
    static let all: [ScheduleGrammar] = DecaySchedules.grammars + CosineSchedules.grammars + CyclicSchedules.grammars
        + PlateauSchedule.grammars + KerasSchedules.grammars
}

/// `key=value` pairs of one schedule, read with range checks; unknown keys are refused up front.
struct KeyValues {
    let schedule: String
    private var values: [String: String] = [:]

    init(schedule: String, text: String, allowed: [String]) throws {
        self.schedule = schedule
        for item in Self.split(text, on: ",") where !item.trimmingCharacters(in: .whitespaces).isEmpty {
            guard let equals = item.firstIndex(of: "=") else {
                throw ScheduleError("\(schedule): '\(item)' is not key=value; keys: \(allowed.joined(separator: ", "))")
            }
            let key = item[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
            let value = item[item.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            guard allowed.contains(key) else {
                throw ScheduleError("\(schedule): unknown key '\(key)'; keys: \(allowed.joined(separator: ", "))")
            }
            guard values[key] == nil else { throw ScheduleError("\(schedule): key '\(key)' given twice") }
            values[key] = value
        }
    }

    /// Splits on `separator` outside parentheses.
    static func split(_ text: String, on separator: Character) -> [String] {
        var parts: [String] = [], current = "", depth = 0
        for character in text {
            if character == "(" { depth += 1 } else if character == ")" { depth -= 1 }
            if character == separator && depth == 0 { parts.append(current); current = "" } else { current.append(character) }
        }
        parts.append(current)
        return parts
    }

    private func raw(_ key: String, required: Bool) throws -> String? {
        guard let value = values[key] else {
            if required { throw ScheduleError("\(schedule): missing key '\(key)'") }
            return nil
        }
        return value
    }

    /// A number, checked against the bounds given (`above`/`below` strict, `atLeast`/`atMost` inclusive).
    func number(_ key: String, above: Double? = nil, atLeast: Double? = nil, below: Double? = nil, atMost: Double? = nil,
                required: Bool = false) throws -> Double? {
        guard let text = try raw(key, required: required) else { return nil }
        guard let value = Double(text), value.isFinite else { throw ScheduleError("\(schedule): \(key) must be a number, got '\(text)'") }
        var allowed: [String] = []
        if let above { allowed.append("> \(above)") }
        if let atLeast { allowed.append(">= \(atLeast)") }
        if let below { allowed.append("< \(below)") }
        if let atMost { allowed.append("<= \(atMost)") }
        let inside = (above.map { value > $0 } ?? true) && (atLeast.map { value >= $0 } ?? true)
            && (below.map { value < $0 } ?? true) && (atMost.map { value <= $0 } ?? true)
        guard inside else { throw ScheduleError("\(schedule): \(key) must be \(allowed.joined(separator: " and ")), got \(text)") }
        return value
    }

    /// A whole number of at least `minimum`.
    func integer(_ key: String, minimum: Int, required: Bool = false) throws -> Int? {
        guard let text = try raw(key, required: required) else { return nil }
        guard let value = Int(text) else { throw ScheduleError("\(schedule): \(key) must be a whole number, got '\(text)'") }
        guard value >= minimum else { throw ScheduleError("\(schedule): \(key) must be >= \(minimum), got \(value)") }
        return value
    }

    /// `true`/`false` (also `yes`/`no`, `1`/`0`).
    func flag(_ key: String) throws -> Bool? {
        guard let text = try raw(key, required: false) else { return nil }
        switch text.lowercased() {
        case "true", "yes", "1": return true
        case "false", "no", "0": return false
        default: throw ScheduleError("\(schedule): \(key) must be true or false, got '\(text)'")
        }
    }

    /// One of `choices`.
    func choice(_ key: String, _ choices: [String]) throws -> String? {
        guard let text = try raw(key, required: false) else { return nil }
        guard choices.contains(text.lowercased()) else {
            throw ScheduleError("\(schedule): \(key) must be one of \(choices.joined(separator: ", ")), got '\(text)'")
        }
        return text.lowercased()
    }

    /// A formula in `epoch`.
    func formula(_ key: String) throws -> Formula {
        let text = try raw(key, required: true)!
        do { return try Formula(text) } catch { throw ScheduleError("\(schedule): \(key): \(error)") }
    }

    /// Increasing step numbers separated by `/`.
    func milestones(_ key: String, required: Bool) throws -> [Int] {
        guard let text = try raw(key, required: required) else { return [] }
        return try Self.milestoneList(text, schedule: schedule, key: key)
    }

    static func milestoneList(_ text: String, schedule: String, key: String) throws -> [Int] {
        let items = text.split(separator: "/", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        let numbers = items.compactMap { Int($0) }
        guard numbers.count == items.count, numbers.allSatisfy({ $0 >= 0 }), zip(numbers, numbers.dropFirst()).allSatisfy({ $0 < $1 }) else {
            throw ScheduleError("\(schedule): \(key) must be increasing whole numbers >= 0 separated by '/', got '\(text)'")
        }
        return numbers
    }
}
