import Foundation

/// The command line's compact schedule syntax, `name:key=value,key=value` (spaces around items
/// are ignored; commas inside parentheses do not split), e.g.
/// `cyclic:base=1e-5,max=1.6e-3,step-up=5,mode=triangular2` or `onecycle:max=0.01,pct-start=0.3`.
/// Every schedule also takes `unit=batch|epoch`; step counts are in that unit. `docs/schedules.md`
/// has the same table with examples.
///
/// | name | PyTorch / Keras | keys: default, allowed |
/// |---|---|---|
/// | `step` | StepLR | `size` required, >= 1; `gamma` 0.1, > 0 |
/// | `multistep` | MultiStepLR | `milestones` required, increasing whole numbers >= 0 joined by `/`; `gamma` 0.1, > 0 |
/// | `exponential` | ExponentialLR | `gamma` required, > 0 |
/// | `multiplicative` | MultiplicativeLR | `f` required, a `Formula` in `epoch` |
/// | `lambda` | LambdaLR | `f` required, a `Formula` in `epoch` |
/// | `cosine` | CosineAnnealingLR | `t-max` required, >= 1; `eta-min` 0, >= 0 |
/// | `warm-restarts` | CosineAnnealingWarmRestarts | `t0` required, >= 1; `t-mult` 1, whole >= 1; `eta-min` 0, >= 0 |
/// | `cyclic` | CyclicLR | `base`, `max` required, 0 < base < max; `step-up` 2000, > 0; `step-down` = step-up, > 0; `mode` triangular, triangular2 or exp_range; `gamma` 1, > 0; `scale-mode` the mode's (cycle or iterations); `momentum` true; `base-momentum` 0.8, `max-momentum` 0.9, in [0, 1), base <= max |
/// | `onecycle` | OneCycleLR | `max` required, > 0; `total` (>= 2) or `epochs` and `steps-per-epoch` (>= 1), else the run's length; `pct-start` 0.3, in (0, 1); `anneal` cos or linear; `div` 25, > 0; `final-div` 1e4, > 0; `three-phase` false; `momentum` true; `base-momentum` 0.85, `max-momentum` 0.95, in [0, 1) |
/// | `polynomial` | PolynomialLR | `total` 5, >= 1; `power` 1, > 0 |
/// | `linear` | LinearLR | `start-factor` 1/3, in (0, 1]; `end-factor` 1, in [0, 1]; `total` 5, >= 1 |
/// | `constant` | ConstantLR | `factor` 1/3, in (0, 1]; `total` 5, >= 0 |
/// | `plateau` | ReduceLROnPlateau | `mode` min or max; `factor` 0.1, in (0, 1); `patience` 10, >= 0; `threshold` 1e-4, >= 0; `threshold-mode` rel or abs; `cooldown` 0, >= 0; `min-lr` 0, >= 0; `eps` 1e-8, >= 0 |
/// | `sequential` | SequentialLR | `sequential:A(k=v,...)|B(...)@m1/m2`: n schedules, n - 1 increasing milestones; `,unit=...` after them |
/// | `chain` | ChainedScheduler | `chain:A(k=v,...)|B(...)`: one or more schedules; `,unit=...` after them |
/// | `keras-decay` | Keras 2 optimizer `decay` | `decay` required, >= 0 |
/// | `keras-inverse-time` | InverseTimeDecay | `steps` required, > 0; `rate` required, >= 0; `staircase` false |
/// | `keras-polynomial` | PolynomialDecay | `steps` required, > 0; `end` 1e-4, >= 0; `power` 1, > 0; `cycle` false |
/// | `keras-exponential` | ExponentialDecay | `steps` required, > 0; `rate` required, > 0; `staircase` false |
/// | `keras-cosine` | CosineDecay | `steps` required, > 0; `alpha` 0, in [0, 1]; `warmup-target` none, > 0; `warmup-steps` 0, >= 0 |
///
/// Flags take `true`/`false` (also `yes`/`no`, `1`/`0`). Inside `sequential` and `chain`, a
/// schedule without keys may drop its parentheses (`constant|exponential(gamma=0.9)`); they
/// cannot nest. A composite steps in its first schedule's unit unless it gives its own after
/// a comma: `chain:constant(factor=0.5)|exponential(gamma=0.9),unit=batch`.
/// `ScheduleSpec.description` prints any spec back in this syntax.
extension ScheduleSpec {
    /// The keys each schedule accepts (besides `unit`), in the order the documentation gives them.
    public static let keys: [(name: String, keys: [String])] = [
        ("step", ["size", "gamma"]),
        ("multistep", ["milestones", "gamma"]),
        ("exponential", ["gamma"]),
        ("multiplicative", ["f"]),
        ("lambda", ["f"]),
        ("cosine", ["t-max", "eta-min"]),
        ("warm-restarts", ["t0", "t-mult", "eta-min"]),
        ("cyclic", ["base", "max", "step-up", "step-down", "mode", "gamma", "scale-mode", "momentum", "base-momentum", "max-momentum"]),
        ("onecycle", ["max", "total", "epochs", "steps-per-epoch", "pct-start", "anneal", "div", "final-div", "three-phase",
                      "momentum", "base-momentum", "max-momentum"]),
        ("polynomial", ["total", "power"]),
        ("linear", ["start-factor", "end-factor", "total"]),
        ("constant", ["factor", "total"]),
        ("plateau", ["mode", "factor", "patience", "threshold", "threshold-mode", "cooldown", "min-lr", "eps"]),
        ("sequential", []),
        ("chain", []),
        ("keras-decay", ["decay"]),
        ("keras-inverse-time", ["steps", "rate", "staircase"]),
        ("keras-polynomial", ["steps", "end", "power", "cycle"]),
        ("keras-exponential", ["steps", "rate", "staircase"]),
        ("keras-cosine", ["steps", "alpha", "warmup-target", "warmup-steps"]),
    ]

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
        guard let entry = Self.keys.first(where: { $0.name == name }) else {
            throw ScheduleError("unknown schedule '\(name)'; known: \(Self.keys.map(\.name).joined(separator: ", "))")
        }
        if name == "sequential" || name == "chain" {
            self = try Self.parseComposite(name: name, text: rest)
            return
        }
        var values = try KeyValues(schedule: name, text: rest, allowed: entry.keys + ["unit"])
        let unit: ScheduleUnit? = try values.choice("unit", ScheduleUnit.allCases.map(\.rawValue)).flatMap(ScheduleUnit.init(rawValue:))
        self.init(try Self.kind(name: name, values: &values), unit: unit)
    }

    private static func kind(name: String, values v: inout KeyValues) throws -> ScheduleKind {
        switch name {
        case "step":
            return .step(size: try v.integer("size", minimum: 1, required: true)!, gamma: try v.number("gamma", above: 0) ?? 0.1)
        case "multistep":
            let milestones = try v.milestones("milestones", required: true)
            return .multiStep(milestones: milestones, gamma: try v.number("gamma", above: 0) ?? 0.1)
        case "exponential":
            return .exponential(gamma: try v.number("gamma", above: 0, required: true)!)
        case "multiplicative":
            return .multiplicative(try v.formula("f"))
        case "lambda":
            return .lambda(try v.formula("f"))
        case "cosine":
            return .cosine(tMax: try v.integer("t-max", minimum: 1, required: true)!, etaMin: try v.number("eta-min", atLeast: 0) ?? 0)
        case "warm-restarts":
            return .warmRestarts(t0: try v.integer("t0", minimum: 1, required: true)!, tMult: try v.integer("t-mult", minimum: 1) ?? 1,
                                 etaMin: try v.number("eta-min", atLeast: 0) ?? 0)
        case "cyclic":
            var s = CyclicSettings(base: try v.number("base", above: 0, required: true)!, max: try v.number("max", above: 0, required: true)!)
            guard s.baseLearningRate < s.maximumLearningRate else {
                throw ScheduleError("cyclic: base must be below max, got base=\(s.baseLearningRate), max=\(s.maximumLearningRate)")
            }
            s.stepSizeUp = try v.number("step-up", above: 0) ?? 2000
            s.stepSizeDown = try v.number("step-down", above: 0)
            if let mode = try v.choice("mode", CyclicMode.allCases.map(\.rawValue)) { s.mode = CyclicMode(rawValue: mode)! }
            s.gamma = try v.number("gamma", above: 0) ?? 1
            if let scale = try v.choice("scale-mode", ["cycle", "iterations"]) { s.scalesByCycle = scale == "cycle" }
            s.cyclesMomentum = try v.flag("momentum")
            s.baseMomentum = try v.number("base-momentum", atLeast: 0, below: 1) ?? 0.8
            s.maxMomentum = try v.number("max-momentum", atLeast: 0, below: 1) ?? 0.9
            guard s.baseMomentum <= s.maxMomentum else {
                throw ScheduleError("cyclic: base-momentum must not exceed max-momentum, got \(s.baseMomentum) > \(s.maxMomentum)")
            }
            return .cyclic(s)
        case "onecycle":
            var s = OneCycleSettings(max: try v.number("max", above: 0, required: true)!)
            s.totalSteps = try v.integer("total", minimum: 2)
            s.epochs = try v.integer("epochs", minimum: 1)
            s.batchesPerEpoch = try v.integer("steps-per-epoch", minimum: 1)
            if (s.epochs == nil) != (s.batchesPerEpoch == nil) {
                throw ScheduleError("onecycle: epochs and steps-per-epoch go together")
            }
            if s.totalSteps != nil, s.epochs != nil { throw ScheduleError("onecycle: give total or epochs with steps-per-epoch, not both") }
            s.percentStart = try v.number("pct-start", above: 0, below: 1) ?? 0.3
            if let anneal = try v.choice("anneal", AnnealStrategy.allCases.map(\.rawValue)) { s.anneal = AnnealStrategy(rawValue: anneal)! }
            s.divFactor = try v.number("div", above: 0) ?? 25
            s.finalDivFactor = try v.number("final-div", above: 0) ?? 1e4
            s.threePhase = try v.flag("three-phase") ?? false
            s.cyclesMomentum = try v.flag("momentum")
            s.baseMomentum = try v.number("base-momentum", atLeast: 0, below: 1) ?? 0.85
            s.maxMomentum = try v.number("max-momentum", atLeast: 0, below: 1) ?? 0.95
            return .oneCycle(s)
        case "polynomial":
            return .polynomial(total: try v.integer("total", minimum: 1) ?? 5, power: try v.number("power", above: 0) ?? 1)
        case "linear":
            let start = try v.number("start-factor", above: 0, atMost: 1) ?? 1.0 / 3
            let end = try v.number("end-factor", atLeast: 0, atMost: 1) ?? 1
            return .linear(startFactor: start, endFactor: end, total: try v.integer("total", minimum: 1) ?? 5)
        case "constant":
            return .constant(factor: try v.number("factor", above: 0, atMost: 1) ?? 1.0 / 3, total: try v.integer("total", minimum: 0) ?? 5)
        case "plateau":
            var s = PlateauSettings()
            if let mode = try v.choice("mode", PlateauMode.allCases.map(\.rawValue)) { s.mode = PlateauMode(rawValue: mode)! }
            s.factor = try v.number("factor", above: 0, below: 1) ?? 0.1
            s.patience = try v.integer("patience", minimum: 0) ?? 10
            s.threshold = try v.number("threshold", atLeast: 0) ?? 1e-4
            if let mode = try v.choice("threshold-mode", ["rel", "abs"]) { s.thresholdIsRelative = mode == "rel" }
            s.cooldown = try v.integer("cooldown", minimum: 0) ?? 0
            s.minLearningRate = try v.number("min-lr", atLeast: 0) ?? 0
            s.epsilon = try v.number("eps", atLeast: 0) ?? 1e-8
            return .plateau(s)
        case "keras-decay":
            return .kerasDecay(decay: try v.number("decay", atLeast: 0, required: true)!)
        case "keras-inverse-time":
            return .kerasInverseTime(steps: try v.number("steps", above: 0, required: true)!, rate: try v.number("rate", atLeast: 0, required: true)!,
                                     staircase: try v.flag("staircase") ?? false)
        case "keras-polynomial":
            return .kerasPolynomial(steps: try v.number("steps", above: 0, required: true)!, end: try v.number("end", atLeast: 0) ?? 1e-4,
                                    power: try v.number("power", above: 0) ?? 1, cycle: try v.flag("cycle") ?? false)
        case "keras-exponential":
            return .kerasExponential(steps: try v.number("steps", above: 0, required: true)!, rate: try v.number("rate", above: 0, required: true)!,
                                     staircase: try v.flag("staircase") ?? false)
        default: // keras-cosine
            return .kerasCosine(steps: try v.number("steps", above: 0, required: true)!, alpha: try v.number("alpha", atLeast: 0, atMost: 1) ?? 0,
                                warmupTarget: try v.number("warmup-target", above: 0), warmupSteps: try v.number("warmup-steps", atLeast: 0) ?? 0)
        }
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
