/// A fixed share of a sweep's runs for one of N processes that share no file (`--shard`): the
/// runs at positions K-1, K-1+N, K-1+2N, ... of the sweep's order (rate-major, then seed), so
/// that every share holds low and high rates alike. The shards' journals are merged afterwards
/// (`lrfind merge`).
public struct SweepShard: Equatable, Sendable, CustomStringConvertible {
    /// The share, from 1.
    public var index: Int
    /// The number of shares.
    public var count: Int

    /// Shard `index` of `count`.
    /// - Throws: ``SweepError`` unless 1 <= index <= count.
    public init(index: Int, count: Int) throws {
        guard count >= 1 else { throw SweepError("--shard: the number of shards must be >= 1, got \(count)") }
        guard (1...count).contains(index) else { throw SweepError("--shard: shard \(index) is not one of 1 to \(count)") }
        (self.index, self.count) = (index, count)
    }

    /// `K/N`; `slurm`: a SLURM job array's task (`SLURM_ARRAY_TASK_ID` counted from
    /// `SLURM_ARRAY_TASK_MIN` by `SLURM_ARRAY_TASK_STEP`, of `SLURM_ARRAY_TASK_COUNT`);
    /// `k8s/N`: a Kubernetes Indexed Job's completion (`JOB_COMPLETION_INDEX`, from 0) of N.
    /// - Throws: ``SweepError`` naming the text or the variable.
    public init(parsing text: String, environment: [String: String]) throws {
        func number(_ variable: String, default fallback: Int? = nil) throws -> Int {
            guard let value = environment[variable] else {
                if let fallback { return fallback }
                throw SweepError("--shard \(text): \(variable) is not set (is this a \(text.hasPrefix("k8s") ? "Kubernetes Indexed Job" : "SLURM job array") task?)")
            }
            guard let number = Int(value.trimmingCharacters(in: .whitespaces)) else {
                throw SweepError("--shard \(text): \(variable) is '\(value)', not a whole number")
            }
            return number
        }
        func count(_ text: Substring) throws -> Int {
            guard let count = Int(text), count >= 1 else { throw SweepError("--shard: '\(text)' is not a number of shards (a whole number >= 1)") }
            return count
        }
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        switch (parts.first, parts.count) {
        case ("slurm", 1):
            let task = try number("SLURM_ARRAY_TASK_ID"), total = try number("SLURM_ARRAY_TASK_COUNT")
            let first = try number("SLURM_ARRAY_TASK_MIN", default: 1), step = try number("SLURM_ARRAY_TASK_STEP", default: 1)
            guard step >= 1, task >= first, (task - first) % step == 0 else {
                throw SweepError("--shard slurm: SLURM_ARRAY_TASK_ID \(task) is not on the array's grid (first \(first), step \(step))")
            }
            try self.init(index: (task - first) / step + 1, count: total)
        case ("k8s", 1):
            throw SweepError("--shard k8s needs the Job's completions: --shard k8s/N")
        case ("k8s", 2):
            try self.init(index: try number("JOB_COMPLETION_INDEX") + 1, count: try count(parts[1]))
        case (_, 2):
            guard let index = Int(parts[0]) else { throw SweepError("--shard: '\(parts[0])' is not a shard number (K in K/N)") }
            try self.init(index: index, count: try count(parts[1]))
        default:
            throw SweepError("--shard: '\(text)' is not K/N, slurm or k8s/N")
        }
    }

    /// `K/N`.
    public var description: String { "\(index)/\(count)" }

    /// This shard's runs of `runs`, in their order.
    public func share<Run>(of runs: [Run]) -> [Run] {
        runs.enumerated().filter { $0.offset % count == index - 1 }.map(\.element)
    }
}
