import Foundation

/// A study in Optuna's journal-file format, so that `optuna.load_study` (and optuna-dashboard)
/// opens lrfind's trials: one JSON object per line, as `JournalStorage(JournalFileBackend(path))`
/// writes them (`optuna/storages/journal/_storage.py`, `JournalOperation`): `op_code` 0
/// CREATE_STUDY, 2 SET_STUDY_USER_ATTR, 4 CREATE_TRIAL, each finished trial created whole
/// (state, value, parameters in Optuna's internal representation, distributions as
/// `distribution_to_json` strings, intermediate values by step, user attributes, times).
public enum OptunaJournal {
    /// A user attribute's value.
    public enum Attribute: Equatable, Sendable {
        case integer(Int)
        case number(Double)
        case text(String)
    }

    /// One finished trial and what Optuna keeps beside it.
    public struct Entry: Sendable {
        /// The trial (a RUNNING one is written as it stands).
        public var trial: TuningTrial
        /// Its user attributes, in order.
        public var attributes: [(String, Attribute)]
        /// When it started and ended.
        public var started: Date
        public var completed: Date?

        /// An entry from its parts.
        public init(trial: TuningTrial, attributes: [(String, Attribute)] = [], started: Date, completed: Date?) {
            (self.trial, self.attributes, self.started, self.completed) = (trial, attributes, started, completed)
        }
    }

    /// The journal's lines for a study named `name`: its creation with `direction`, its user
    /// attributes, then one CREATE_TRIAL per entry in order (trial numbers follow the order);
    /// `parameters` gives the distributions in the order the trials suggested them.
    public static func lines(name: String, direction: StudyDirection, attributes: [(String, String)],
                             parameters: [(String, ParameterDistribution)], entries: [Entry], workerID: String) -> [String] {
        var lines = [object([("op_code", "0"), ("worker_id", string(workerID)), ("study_name", string(name)),
                             ("directions", "[\(direction == .maximize ? 2 : 1)]")])]
        for (key, value) in attributes {
            lines.append(object([("op_code", "2"), ("worker_id", string(workerID)), ("study_id", "0"),
                                 ("user_attr", object([(key, string(value))]))]))
        }
        for entry in entries {
            let trial = entry.trial
            let state: Int
            switch trial.state {
            case .running: state = 0
            case .complete: state = 1
            case .pruned: state = 2
            case .fail: state = 3
            }
            let present = parameters.filter { trial.params[$0.0] != nil }
            lines.append(object([
                ("op_code", "4"), ("worker_id", string(workerID)), ("study_id", "0"),
                ("datetime_start", string(timestamp(entry.started))),
                ("state", "\(state)"),
                ("value", trial.state == .complete ? trial.value.map(number) ?? "null" : "null"),
                ("values", "null"),
                ("datetime_complete", entry.completed.map { string(timestamp($0)) } ?? "null"),
                ("distributions", object(present.map { ($0.0, string(distributionJSON($0.1))) })),
                ("params", object(present.map { name, distribution in (name, parameter(trial.params[name]!, distribution)) })),
                ("user_attrs", object(entry.attributes.map { ($0.0, attribute($0.1)) })),
                ("system_attrs", "{}"),
                ("intermediate_values", object(trial.intermediateValues.keys.sorted().map { ("\($0)", number(trial.intermediateValues[$0]!)) })),
            ]))
        }
        return lines
    }

    /// Optuna's `distribution_to_json`: `json.dumps({"name": class, "attributes": ...})` with
    /// Python's default separators, the attributes in the order Optuna's classes set them.
    public static func distributionJSON(_ distribution: ParameterDistribution) -> String {
        func dumps(_ name: String, _ attributes: [(String, String)]) -> String {
            "{\"name\": \(string(name)), \"attributes\": {" + attributes.map { "\(string($0.0)): \($0.1)" }.joined(separator: ", ") + "}}"
        }
        switch distribution {
        case let .float(low, high, log, step):
            return dumps("FloatDistribution", [("step", step.map(number) ?? "null"), ("low", number(low)), ("high", number(high)),
                                               ("log", log ? "true" : "false")])
        case let .int(low, high, log, step):
            return dumps("IntDistribution", [("log", log ? "true" : "false"), ("step", "\(step)"), ("low", "\(low)"), ("high", "\(high)")])
        case .categorical(let choices):
            return dumps("CategoricalDistribution", [("choices", "[" + choices.map(string).joined(separator: ", ") + "]")])
        }
    }

    /// A parameter in Optuna's internal representation: a category's index and an int as
    /// integers, a float as is.
    static func parameter(_ value: Double, _ distribution: ParameterDistribution) -> String {
        switch distribution {
        case .float: number(value)
        case .int, .categorical: "\(Int(value.rounded()))"
        }
    }

    static func attribute(_ value: Attribute) -> String {
        switch value {
        case .integer(let integer): "\(integer)"
        case .number(let double): number(double)
        case .text(let text): string(text)
        }
    }

    /// A JSON object of already-encoded values, in the given order, without spaces (as Optuna's
    /// journal lines are).
    static func object(_ members: [(String, String)]) -> String {
        "{" + members.map { "\(string($0.0)):\($0.1)" }.joined(separator: ",") + "}"
    }

    /// A number as Python's `repr(float)` writes it (the shortest text that reads back; `NaN`,
    /// `Infinity` and `-Infinity` as Python's `json` does).
    static func number(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "Infinity" : "-Infinity" }
        return "\(value)"
    }

    /// A JSON string as Python's `json.dumps` writes it (`ensure_ascii`: other than ASCII as `\uXXXX`).
    static func string(_ text: String) -> String {
        var out = "\""
        for unit in text.utf16 {
            switch unit {
            case 0x22: out += "\\\""
            case 0x5C: out += "\\\\"
            case 0x0A: out += "\\n"
            case 0x0D: out += "\\r"
            case 0x09: out += "\\t"
            case 0x08: out += "\\b"
            case 0x0C: out += "\\f"
            case 0x20..<0x7F: out.unicodeScalars.append(Unicode.Scalar(unit)!)
            default: out += String(format: "\\u%04x", unit)
            }
        }
        return out + "\""
    }

    /// `2026-12-07T15:54:09.903681+00:00`, as Python's `datetime.isoformat()` of a UTC time.
    static func timestamp(_ date: Date) -> String {
        let microseconds = Int64((date.timeIntervalSince1970 * 1e6).rounded())
        var seconds = time_t(microseconds / 1_000_000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02d.%06d+00:00", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1, Int(parts.tm_mday),
                      Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec), Int(microseconds % 1_000_000))
    }
}
