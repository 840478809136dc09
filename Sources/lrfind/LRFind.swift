import ArgumentParser
import LRFinder

@main
struct LRFind: ParsableCommand {
    func run() throws { print(BLASRuntime.coreName, BLASRuntime.threadCount) }
}
