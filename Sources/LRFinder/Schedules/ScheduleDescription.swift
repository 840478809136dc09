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
        switch self {
        case let .step(size, gamma):
            keys.add("size", size)
            keys.add("gamma", gamma, default: 0.1)
            return ("step", keys.items)
        case let .multiStep(milestones, gamma):
            keys.add("milestones", milestones.map(String.init).joined(separator: "/"))
            keys.add("gamma", gamma, default: 0.1)
            return ("multistep", keys.items)
        case let .exponential(gamma):
            keys.add("gamma", gamma)
            return ("exponential", keys.items)
        case let .multiplicative(formula), let .lambda(formula):
            keys.add("f", formula.description)
            if case .lambda = self { return ("lambda", keys.items) }
            return ("multiplicative", keys.items)
        case let .cosine(tMax, etaMin):
            keys.add("t-max", tMax)
            keys.add("eta-min", etaMin, default: 0)
            return ("cosine", keys.items)
        case let .warmRestarts(t0, tMult, etaMin):
            keys.add("t0", t0)
            keys.add("t-mult", tMult, default: 1)
            keys.add("eta-min", etaMin, default: 0)
            return ("warm-restarts", keys.items)
        case let .cyclic(s):
            keys.add("base", s.baseLearningRate)
            keys.add("max", s.maximumLearningRate)
            keys.add("step-up", s.stepSizeUp)
            keys.add("step-down", ifSet: s.stepSizeDown)
            keys.add("mode", s.mode.rawValue, default: CyclicMode.triangular.rawValue)
            keys.add("gamma", s.gamma, default: 1)
            keys.add("scale-mode", ifSet: s.scalesByCycle.map { $0 ? "cycle" : "iterations" })
            keys.add("momentum", ifSet: s.cyclesMomentum)
            keys.add("base-momentum", s.baseMomentum, default: 0.8)
            keys.add("max-momentum", s.maxMomentum, default: 0.9)
            return ("cyclic", keys.items)
        case let .oneCycle(s):
            keys.add("max", s.maximumLearningRate)
            keys.add("total", ifSet: s.totalSteps)
            keys.add("epochs", ifSet: s.epochs)
            keys.add("steps-per-epoch", ifSet: s.batchesPerEpoch)
            keys.add("pct-start", s.percentStart, default: 0.3)
            keys.add("anneal", s.anneal.rawValue, default: AnnealStrategy.cos.rawValue)
            keys.add("div", s.divFactor, default: 25)
            keys.add("final-div", s.finalDivFactor, default: 1e4)
            keys.add("three-phase", s.threePhase, default: false)
            keys.add("momentum", ifSet: s.cyclesMomentum)
            keys.add("base-momentum", s.baseMomentum, default: 0.85)
            keys.add("max-momentum", s.maxMomentum, default: 0.95)
            return ("onecycle", keys.items)
        case let .polynomial(total, power):
            keys.add("total", total, default: 5)
            keys.add("power", power, default: 1)
            return ("polynomial", keys.items)
        case let .linear(startFactor, endFactor, total):
            keys.add("start-factor", startFactor, default: 1.0 / 3)
            keys.add("end-factor", endFactor, default: 1)
            keys.add("total", total, default: 5)
            return ("linear", keys.items)
        case let .constant(factor, total):
            keys.add("factor", factor, default: 1.0 / 3)
            keys.add("total", total, default: 5)
            return ("constant", keys.items)
        case let .plateau(s):
            let defaults = PlateauSettings()
            keys.add("mode", s.mode.rawValue, default: defaults.mode.rawValue)
            keys.add("factor", s.factor, default: defaults.factor)
            keys.add("patience", s.patience, default: defaults.patience)
            keys.add("threshold", s.threshold, default: defaults.threshold)
            keys.add("threshold-mode", s.thresholdIsRelative ? "rel" : "abs", default: "rel")
            keys.add("cooldown", s.cooldown, default: defaults.cooldown)
            keys.add("min-lr", s.minLearningRate, default: defaults.minLearningRate)
            keys.add("eps", s.epsilon, default: defaults.epsilon)
            return ("plateau", keys.items)
        case let .kerasDecay(decay):
            keys.add("decay", decay)
            return ("keras-decay", keys.items)
        case let .kerasInverseTime(steps, rate, staircase), let .kerasExponential(steps, rate, staircase):
            keys.add("steps", steps)
            keys.add("rate", rate)
            keys.add("staircase", staircase, default: false)
            if case .kerasInverseTime = self { return ("keras-inverse-time", keys.items) }
            return ("keras-exponential", keys.items)
        case let .kerasPolynomial(steps, end, power, cycle):
            keys.add("steps", steps)
            keys.add("end", end, default: 1e-4)
            keys.add("power", power, default: 1)
            keys.add("cycle", cycle, default: false)
            return ("keras-polynomial", keys.items)
        case let .kerasCosine(steps, alpha, warmupTarget, warmupSteps):
            keys.add("steps", steps)
            keys.add("alpha", alpha, default: 0)
            keys.add("warmup-target", ifSet: warmupTarget)
            keys.add("warmup-steps", warmupSteps, default: 0)
            return ("keras-cosine", keys.items)
        case .sequential, .chain:
            // Printed by ScheduleSpec.text, which never asks for their items.
            return (ScheduleSpec(self).description, [])
        }
    }
}

/// The `key=value` items of one schedule, in the order they are added; a value equal to its
/// default is left out.
private struct ScheduleKeyList {
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
