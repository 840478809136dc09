import Foundation

/// What a recipe or record file describes.
public enum RunKind: String, Codable, CaseIterable, Sendable {
    /// A training run (``TrainingRecipe``, ``TrainingRecord``).
    case training
    /// A range test (``RangeTestRecipe``, ``RangeTestRecord``).
    case rangeTest = "range-test"
}

/// A recipe to run, of either kind.
public enum AnyRecipe: Equatable, Sendable {
    /// A training run.
    case training(TrainingRecipe)
    /// A range test.
    case rangeTest(RangeTestRecipe)

    /// Its kind.
    public var kind: RunKind {
        switch self {
        case .training: .training
        case .rangeTest: .rangeTest
        }
    }
}

/// A recipe file: `{"kind", "formatVersion", "recipe", "inputs"}`. A record has the same four
/// fields (and its results), so ``read(_:)`` takes either.
public struct RunFile: Equatable, Sendable {
    /// The format version of the recipes and records this lrfind writes and reads.
    public static let formatVersion = 1

    /// The recipe.
    public var recipe: AnyRecipe
    /// Where its files are (recorded beside the identity).
    public var inputs: RunInputs
    /// The environment of the run, when the file is a record (its threads are applied again).
    public var environment: RunEnvironment?

    /// A file for `recipe` with its files at `inputs`.
    public init(recipe: AnyRecipe, inputs: RunInputs, environment: RunEnvironment? = nil) {
        self.recipe = recipe
        self.inputs = inputs
        self.environment = environment
    }

    /// The header every file starts with.
    private struct Header: Decodable {
        var kind: RunKind?
        var formatVersion: Int?
        var lrfindVersion: String?
    }

    /// The fields `run` reads of a file of kind `Recipe`.
    private struct Body<Recipe: Decodable>: Decodable {
        var recipe: Recipe
        var inputs: RunInputs?
        var environment: RunEnvironment?
    }

    /// Reads a recipe or record file.
    /// - Throws: ``RunFileError``, one line naming the file: not JSON, no kind or format version
    ///   (a record of lrfind before 0.10.0), a version this lrfind does not read, a field that
    ///   does not decode (with its path in the file).
    public static func read(_ path: String) throws -> RunFile {
        let name = FileBytes.displayName(path)
        let bytes = try FileBytes.readRaw(path, name: name)
        return try decode(Data(bytes), file: name)
    }

    /// Decodes a recipe or record document; `file` names it in errors.
    public static func decode(_ data: Data, file: String) throws -> RunFile {
        func fail(_ message: String) -> RunFileError { RunFileError(file: file, message: message) }
        let header: Header
        do { header = try JSONDocument.decode(Header.self, from: data) } catch {
            throw fail("not a recipe or record (JSON object with kind and formatVersion): \(RunFileError.describe(error))")
        }
        guard let version = header.formatVersion else {
            let writer = header.lrfindVersion.map { "lrfind \($0)" } ?? "another program"
            throw fail("no formatVersion: written by \(writer), before recipes had a format version; run the command again with this lrfind (\(RecipeIdentity.lrfindVersion))")
        }
        guard version == formatVersion else {
            throw fail("format version \(version) is not one this lrfind (\(RecipeIdentity.lrfindVersion)) reads: it reads version \(formatVersion)")
        }
        guard let kind = header.kind else { throw fail("no kind (one of \(RunKind.allCases.map(\.rawValue).joined(separator: ", ")))") }
        do {
            switch kind {
            case .training:
                let body = try JSONDocument.decode(Body<TrainingRecipe>.self, from: data)
                return RunFile(recipe: .training(body.recipe), inputs: body.inputs ?? RunInputs(), environment: body.environment)
            case .rangeTest:
                let body = try JSONDocument.decode(Body<RangeTestRecipe>.self, from: data)
                return RunFile(recipe: .rangeTest(body.recipe), inputs: body.inputs ?? RunInputs(), environment: body.environment)
            }
        } catch {
            throw fail(RunFileError.describe(error))
        }
    }

    /// The file's JSON document (sorted keys, indented).
    public func encoded() throws -> Data {
        struct Document<Recipe: Encodable>: Encodable {
            var kind: RunKind
            var formatVersion: Int
            var recipe: Recipe
            var inputs: RunInputs
        }
        switch recipe {
        case let .training(recipe):
            return try JSONDocument.encode(Document(kind: .training, formatVersion: Self.formatVersion, recipe: recipe, inputs: inputs))
        case let .rangeTest(recipe):
            return try JSONDocument.encode(Document(kind: .rangeTest, formatVersion: Self.formatVersion, recipe: recipe, inputs: inputs))
        }
    }
}

/// A recipe or record file that cannot be read, in one line naming the file.
public struct RunFileError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file's name.
    public var file: String
    /// What is wrong.
    public var message: String

    /// `file: message`.
    public var description: String { "\(file): \(message)" }

    /// A decoding error in one line: the field's path in the file and the reason.
    static func describe(_ error: any Error) -> String {
        func path(_ keys: [any CodingKey]) -> String {
            let text = keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return text.isEmpty ? "" : String(text.drop { $0 == "." }) + ": "
        }
        switch error as? DecodingError {
        case let .dataCorrupted(context)?:
            return path(context.codingPath) + context.debugDescription.split(separator: "\n").first.map(String.init).orEmpty
        case let .keyNotFound(key, context)?:
            return path(context.codingPath) + "no field '\(key.stringValue)'"
        case let .typeMismatch(type, context)?:
            return path(context.codingPath) + "expected \(type)"
        case let .valueNotFound(type, context)?:
            return path(context.codingPath) + "expected \(type), found null"
        default:
            return "\(error)".split(separator: "\n").first.map(String.init).orEmpty
        }
    }
}

private extension Optional where Wrapped == String {
    var orEmpty: String { self ?? "" }
}
