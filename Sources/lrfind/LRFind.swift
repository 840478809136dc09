import ArgumentParser
import Foundation
import LRFinder

@main
struct LRFind: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lrfind",
        abstract: "Learning-rate range test, schedules and an embedded CPU trainer.",
        discussion: "Run a subcommand with --help for its options.",
        version: RecipeIdentity.lrfindVersion,
        subcommands: [Find.self, Analyze.self, Train.self, Run.self, Predict.self, Schedule.self, Model.self, Bench.self, Spin.self, Worker.self, Sweep.self, Report.self, Merge.self],
        defaultSubcommand: Find.self
    )

    /// Catches SIGINT and SIGTERM, parses, runs, and maps failures to one line on stderr: exit 2
    /// for usage errors (a bad option or value), 1 for a failed run (unreadable data, a bad
    /// file, results that standard output did not take), never a trace; a run stopped by a
    /// signal exits with 130 or 143 and no message.
    static func main() {
        Interrupt.install()
        do {
            do {
                var command = try parseAsRoot()
                try command.run()
            } catch where !(error is ExitCode) && exitCode(for: error) == .success {
                // --help, --version.
                print(fullMessage(for: error))
            }
            try StandardOutput.finish()
        } catch let exit as ExitCode {
            Foundation.exit(exit.rawValue)
        } catch {
            let code = exitCode(for: error)
            let usage = code == .validationFailure || error is ValidationError
            let message = (usage ? message(for: error)
                : (error as? ClassCountError)?.description(allowance: "--max-classes \((error as! ClassCountError).classCount) allows it")
                ?? String(describing: error))
                .split(separator: "\n").first.map(String.init) ?? "\(error)"
            Terminal.note("lrfind: error: \(message)" + (usage ? " (see 'lrfind --help')" : ""))
            Foundation.exit(usage ? 2 : (code.rawValue == 0 ? 1 : code.rawValue))
        }
    }
}
