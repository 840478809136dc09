import Foundation

/// A formula in `epoch`, parsed once and evaluated per step: the multiplier of `LambdaLR` and
/// `MultiplicativeLR`, e.g. `0.95^epoch` or
/// `epoch < 40 ? 0.5 : epoch < 70 ? 0.25 : epoch < 90 ? 0.125 : 0.0625`.
///
/// Grammar (lowest precedence first; `^` is right-associative and binds tighter than a
/// leading minus, so `-2^2` is `-4`; comparisons give 1 or 0; any non-zero condition is true):
///
///     conditional := comparison ("?" conditional ":" conditional)?
///     comparison  := sum (("<" | "<=" | ">" | ">=" | "==" | "!=") sum)?
///     sum         := product (("+" | "-") product)*
///     product     := unary (("*" | "/") unary)*
///     unary       := "-" unary | "+" unary | power
///     power       := atom ("^" unary)?
///     atom        := number | "epoch" | name "(" conditional ("," conditional)* ")" | "(" conditional ")"
///
/// Functions: `exp log sqrt cos sin floor` (one argument), `min max` (two or more).
///
/// Nesting is bounded (``maximumNesting``): parsing and evaluation recurse once per level, so an
/// unbounded depth (15,000 parentheses, 100,000 signs) would overflow the stack. A chain of `+ -`
/// or `* /` is one level however long: it is held and evaluated as a list.
public struct Formula: Equatable, Sendable, CustomStringConvertible {
    /// The text the formula was parsed from, without the white space around it (which the
    /// compact schedule syntax would drop, so that a printed schedule parses back to itself).
    public let text: String
    private let root: Node

    /// The deepest nesting a formula may have: every parenthesis, function call, leading sign,
    /// exponent and branch of a conditional opens a level. Past it, parsing stops with an error
    /// naming the position, well before the recursion could exhaust the stack.
    public static let maximumNesting = 200

    /// Parses `text`.
    /// - Throws: `FormulaError` naming the position and the offending text.
    public init(_ text: String) throws {
        var parser = Parser(text: text)
        self.root = try parser.parseAll()
        self.text = text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The value at `epoch`.
    public func evaluate(epoch: Double) -> Double { root.evaluate(epoch) }

    /// The source text.
    public var description: String { text }

    fileprivate indirect enum Node: Equatable, Sendable {
        case number(Double)
        case epoch
        case negate(Node)
        /// A left-associative chain of `+ -` (or `* /`): the first operand, then each operator
        /// with its operand, evaluated left to right in a loop.
        case chain(Node, [Operation])
        case power(Node, Node)
        case compare(String, Node, Node)
        case conditional(Node, Node, Node)
        case call(String, [Node])

        func evaluate(_ epoch: Double) -> Double {
            switch self {
            case let .number(value): return value
            case .epoch: return epoch
            case let .negate(node): return -node.evaluate(epoch)
            case let .chain(first, operations):
                var value = first.evaluate(epoch)
                for operation in operations {
                    let operand = operation.operand.evaluate(epoch)
                    switch operation.symbol {
                    case "+": value += operand
                    case "-": value -= operand
                    case "*": value *= operand
                    default: value /= operand
                    }
                }
                return value
            case let .power(base, exponent):
                return Foundation.pow(base.evaluate(epoch), exponent.evaluate(epoch))
            case let .compare(op, left, right):
                let a = left.evaluate(epoch), b = right.evaluate(epoch)
                let holds: Bool
                switch op {
                case "<": holds = a < b
                case "<=": holds = a <= b
                case ">": holds = a > b
                case ">=": holds = a >= b
                case "==": holds = a == b
                default: holds = a != b
                }
                return holds ? 1 : 0
            case let .conditional(condition, then, otherwise):
                return condition.evaluate(epoch) != 0 ? then.evaluate(epoch) : otherwise.evaluate(epoch)
            case let .call(name, arguments):
                let values = arguments.map { $0.evaluate(epoch) }
                switch name {
                case "exp": return Foundation.exp(values[0])
                case "log": return Foundation.log(values[0])
                case "sqrt": return values[0].squareRoot()
                case "cos": return Foundation.cos(values[0])
                case "sin": return Foundation.sin(values[0])
                case "floor": return values[0].rounded(.down)
                case "min": return values.min()!
                default: return values.max()!
                }
            }
        }
    }

    /// One step of a chain: `+ - * /` and the operand on its right.
    fileprivate struct Operation: Equatable, Sendable {
        var symbol: Character
        var operand: Node
    }

    /// Recursive-descent parser over the grammar above.
    private struct Parser {
        let characters: [Character]
        let text: String
        var position = 0
        /// Levels of nesting open at `position`.
        var depth = 0

        init(text: String) {
            self.text = text
            self.characters = Array(text)
        }

        static let unaryFunctions: Set<String> = ["exp", "log", "sqrt", "cos", "sin", "floor"]
        static let variadicFunctions: Set<String> = ["min", "max"]

        mutating func parseAll() throws -> Node {
            skipSpaces()
            guard position < characters.count else { throw error("an expression", found: "nothing") }
            let node = try conditional()
            skipSpaces()
            if position < characters.count { throw error("an operator or the end", found: remainderToken()) }
            return node
        }

        /// Parses what `parse` reads one level deeper; `start` is where the level opens.
        /// - Throws: `FormulaError` at `start` past ``Formula/maximumNesting`` levels.
        mutating func nested(at start: Int, _ parse: (inout Parser) throws -> Node) throws -> Node {
            guard depth < Formula.maximumNesting else {
                throw error("at most \(Formula.maximumNesting) levels of nesting (parentheses, function calls, signs, exponents, conditionals)",
                            found: "level \(depth + 1)", at: start)
            }
            depth += 1
            defer { depth -= 1 }
            return try parse(&self)
        }

        mutating func conditional() throws -> Node {
            let condition = try comparison()
            guard take("?") else { return condition }
            let then = try nested(at: position - 1) { try $0.conditional() }
            guard take(":") else { throw error("':' of the conditional", found: remainderToken()) }
            return .conditional(condition, then, try nested(at: position - 1) { try $0.conditional() })
        }

        mutating func comparison() throws -> Node {
            let left = try sum()
            for op in ["<=", ">=", "==", "!=", "<", ">"] where take(op) {
                return .compare(op, left, try sum())
            }
            return left
        }

        mutating func sum() throws -> Node {
            let first = try product()
            var operations: [Operation] = []
            while true {
                if take("+") { operations.append(Operation(symbol: "+", operand: try product())) }
                else if take("-") { operations.append(Operation(symbol: "-", operand: try product())) }
                else { return operations.isEmpty ? first : .chain(first, operations) }
            }
        }

        mutating func product() throws -> Node {
            let first = try unary()
            var operations: [Operation] = []
            while true {
                if take("*") { operations.append(Operation(symbol: "*", operand: try unary())) }
                else if take("/") { operations.append(Operation(symbol: "/", operand: try unary())) }
                else { return operations.isEmpty ? first : .chain(first, operations) }
            }
        }

        mutating func unary() throws -> Node {
            if take("-") { return .negate(try nested(at: position - 1) { try $0.unary() }) }
            if take("+") { return try nested(at: position - 1) { try $0.unary() } }
            return try power()
        }

        mutating func power() throws -> Node {
            let base = try atom()
            // `**` is accepted as a synonym of `^` (Python's spelling).
            if take("^") { return .power(base, try nested(at: position - 1) { try $0.unary() }) }
            if take("**") { return .power(base, try nested(at: position - 2) { try $0.unary() }) }
            return base
        }

        mutating func atom() throws -> Node {
            skipSpaces()
            guard position < characters.count else { throw error("a number, 'epoch', a function or '('", found: "the end") }
            let start = position
            let character = characters[position]
            if take("(") {
                let node = try nested(at: start) { try $0.conditional() }
                guard take(")") else { throw error("')'", found: remainderToken()) }
                return node
            }
            if character.isNumber || character == "." {
                while position < characters.count, characters[position].isNumber || characters[position] == "." { position += 1 }
                if position < characters.count, characters[position] == "e" || characters[position] == "E" {
                    var end = position + 1
                    if end < characters.count, characters[end] == "+" || characters[end] == "-" { end += 1 }
                    if end < characters.count, characters[end].isNumber {
                        position = end
                        while position < characters.count, characters[position].isNumber { position += 1 }
                    }
                }
                let literal = String(characters[start..<position])
                guard let value = Double(literal) else { throw error("a number", found: "'\(literal)'", at: start) }
                return .number(value)
            }
            if character.isLetter || character == "_" {
                while position < characters.count, characters[position].isLetter || characters[position].isNumber || characters[position] == "_" {
                    position += 1
                }
                let name = String(characters[start..<position])
                if name == "epoch" || name == "e" && !peek("(") { return .epoch }
                guard Self.unaryFunctions.contains(name) || Self.variadicFunctions.contains(name) else {
                    throw error("'epoch' or a function (exp, log, sqrt, cos, sin, floor, min, max)", found: "'\(name)'", at: start)
                }
                guard take("(") else { throw error("'(' after \(name)", found: remainderToken()) }
                var arguments = [try nested(at: start) { try $0.conditional() }]
                while take(",") { arguments.append(try nested(at: start) { try $0.conditional() }) }
                guard take(")") else { throw error("',' or ')'", found: remainderToken()) }
                if Self.unaryFunctions.contains(name), arguments.count != 1 {
                    throw error("one argument for \(name)", found: "\(arguments.count)", at: start)
                }
                if Self.variadicFunctions.contains(name), arguments.count < 2 {
                    throw error("two or more arguments for \(name)", found: "\(arguments.count)", at: start)
                }
                return .call(name, arguments)
            }
            throw error("a number, 'epoch', a function or '('", found: remainderToken())
        }

        mutating func skipSpaces() {
            while position < characters.count, characters[position].isWhitespace { position += 1 }
        }

        func peek(_ token: String) -> Bool {
            var index = position
            while index < characters.count, characters[index].isWhitespace { index += 1 }
            return characters[index...].starts(with: token)
        }

        mutating func take(_ token: String) -> Bool {
            skipSpaces()
            guard characters[position...].starts(with: token) else { return false }
            // `<` must not swallow the first half of `<=`; callers try longer operators first.
            position += token.count
            return true
        }

        func remainderToken() -> String {
            var index = position
            while index < characters.count, characters[index].isWhitespace { index += 1 }
            guard index < characters.count else { return "the end" }
            return "'\(characters[index])'"
        }

        func error(_ expected: String, found: String, at: Int? = nil) -> FormulaError {
            var index = at ?? position
            while at == nil, index < characters.count, characters[index].isWhitespace { index += 1 }
            return FormulaError(text: text, position: index + 1, expected: expected, found: found)
        }
    }
}

/// A formula that does not parse.
public struct FormulaError: Error, Equatable, CustomStringConvertible {
    /// The formula's text.
    public var text: String
    /// 1-based character position of the problem.
    public var position: Int
    /// What the parser expected there.
    public var expected: String
    /// What it found.
    public var found: String

    /// `formula '0.95^': at character 6: expected a number, 'epoch', a function or '(', found the end`;
    /// a text longer than 60 characters shows its first 40 and its length.
    public var description: String {
        let shown = text.count > 60 ? "'\(text.prefix(40))...' (\(text.count) characters)" : "'\(text)'"
        return "formula \(shown): at character \(position): expected \(expected), found \(found)"
    }
}
