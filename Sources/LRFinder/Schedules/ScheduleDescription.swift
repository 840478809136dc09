import Foundation

/// The canonical text of a schedule: the compact syntax `ScheduleSpec(parsing:)` reads
/// (`docs/schedules.md`), so that `ScheduleSpec(parsing: spec.description) == spec` for every
/// spec the parser accepts.
///
/// The form is fixed: the schedule's name, then its keys in the documented order, each given
/// only when required or when its value differs from the default (an optional field only when
/// set, even to the value its default would take: `momentum=true`, `step-down=…`), then
/// `unit` when the spec overrides it. `cyclic` always shows `step-up`: PyTorch's 2000 batches is
/// rarely the cycle meant, and the reader should see it. Inside `sequential` and `chain` a
/// schedule is `name(key=value,...)`, or `name` alone when it has no key; the composite's own
/// unit follows after a comma. Numbers are the shortest text that parses back to the same
/// `Double` (Swift's round-trip digits), written without `.0` and with a plain exponent
/// (`2000`, `0.0016`, `1e-5`).
///
/// What the parser refuses cannot print to a parseable text either: a `sequential` or `chain`
/// inside another (the `Scheduler` refuses those too), values out of their documented range.
extension ScheduleSpec: CustomStringConvertible {
    /// The canonical compact text, e.g. `cyclic:base=1e-5,max=0.0016,step-up=5,mode=triangular2`.
    public var description: String { text(ScheduleNumberText.exact) }

    /// The compact text with every real number rounded to `significantDigits` (C's `%g`), for
    /// display: `cyclic:base=0.0004729,max=0.004729,step-up=188`. It does not in general parse
    /// back to the same schedule; `description` does.
    public func description(significantDigits: Int) -> String {
        text { ScheduleNumberText.rounded($0, significantDigits: significantDigits) }
    }

    private func text(_ number: @escaping (Double) -> String) -> String {
        let unitItem = unitOverride.map { ["unit=\($0.rawValue)"] } ?? []
        switch kind {
        case let .sequential(children, milestones):
            let body = children.map { $0.nestedText(number) }.joined(separator: "|") + "@" + milestones.map(String.init).joined(separator: "/")
            return (["sequential:" + body] + unitItem).joined(separator: ",")
        case let .chain(children):
            return (["chain:" + children.map { $0.nestedText(number) }.joined(separator: "|")] + unitItem).joined(separator: ",")
        default:
            let (name, items) = kind.leafItems(number)
            let all = items + unitItem
            return all.isEmpty ? name : name + ":" + all.joined(separator: ",")
        }
    }

    /// `name(key=value,...)` or `name` as a schedule of a `sequential` or `chain`.
    private func nestedText(_ number: @escaping (Double) -> String) -> String {
        let whole = text(number)
        guard let colon = whole.firstIndex(of: ":") else { return whole }
        return whole[..<colon] + "(" + whole[whole.index(after: colon)...] + ")"
    }
}

extension ScheduleKind: CustomStringConvertible {
    /// The canonical compact text of the schedule in its default unit (`ScheduleSpec.description`).
    public var description: String { ScheduleSpec(self).description }

    /// The name and the `key=value` items of a schedule other than `sequential` and `chain`.
    fileprivate func leafItems(_ number: @escaping (Double) -> String) -> (name: String, items: [String]) {
        var keys = ScheduleKeyList(number: number)
        for grammar in ScheduleGrammar.all where grammar.print(self, &keys) { return (grammar.name, keys.items) }
        // sequential and chain are printed by ScheduleSpec.text, which never asks for their items.
        return (ScheduleSpec(self).description, [])
    }
}

/// The `key=value` items of one schedule, in the order they are added; a value equal to its
/// default is left out.
struct ScheduleKeyList {
    let number: (Double) -> String
    private(set) var items: [String] = []

    init(number: @escaping (Double) -> String) { self.number = number }

    /// A value always given (a required key, or one the form always shows).
    mutating func add(_ key: String, _ value: String) { items.append("\(key)=\(value)") }
    mutating func add(_ key: String, _ value: Double) { add(key, number(value)) }
    mutating func add(_ key: String, _ value: Int) { add(key, String(value)) }

    /// A value given only when it differs from the key's default.
    mutating func add<Value: Equatable>(_ key: String, _ value: Value, default defaultValue: Value) {
        guard value != defaultValue else { return }
        switch value {
        case let value as Double: add(key, value)
        case let value as Int: add(key, value)
        default: add(key, "\(value)")
        }
    }

    /// An optional value, given when set.
    mutating func add(_ key: String, ifSet value: Double?) { if let value { add(key, value) } }
    mutating func add(_ key: String, ifSet value: Int?) { if let value { add(key, value) } }
    mutating func add(_ key: String, ifSet value: Bool?) { if let value { add(key, "\(value)") } }
    mutating func add(_ key: String, ifSet value: String?) { if let value { add(key, value) } }
}

/// How the schedule texts write real numbers.
enum ScheduleNumberText {
    /// The shortest text that parses back to `value`: Swift's round-trip digits (`"\(value)"`),
    /// with whole numbers below 1e15 written without `.0` and exponents without `+` or leading
    /// zeros (`1e-05` -> `1e-5`), each rewrite kept only if it still parses to `value`.
    static func exact(_ value: Double) -> String {
        let swift = "\(value)"
        var text = swift
        if value == value.rounded(), abs(value) < 1e15 {
            text = String(Int64(value))
        } else if let e = text.firstIndex(of: "e") {
            var exponent = text[text.index(after: e)...]
            let negative = exponent.first == "-"
            if exponent.first == "-" || exponent.first == "+" { exponent = exponent.dropFirst() }
            let digits = exponent.drop { $0 == "0" }
            text = String(text[..<e]) + "e" + (negative ? "-" : "") + (digits.isEmpty ? "0" : String(digits))
        }
        return Double(text) == value ? text : swift
    }

    /// `value` with `significantDigits` significant digits, as C's `%g` writes it (`0.0004729`, `1e-05`).
    static func rounded(_ value: Double, significantDigits: Int) -> String {
        String(format: "%.\(max(1, significantDigits))g", value)
    }
}
