import Foundation

/// The memory of this process as the kernel counts it.
public enum ProcessMemory {
    /// The largest resident set size of this process so far, in bytes (`getrusage`'s `ru_maxrss`,
    /// which Linux gives in KiB): what `/usr/bin/time -f %M` reports for the whole process.
    public static var peakResidentBytes: Int {
        var usage = rusage()
        guard getrusage(RUSAGE_SELF.rawValue, &usage) == 0 else { return 0 }
        return Int(usage.ru_maxrss) * 1024
    }
}
