import Foundation

/// The memory this process has used, as the kernel reports it.
public enum ProcessMemory {
    /// The peak resident set size in bytes (`getrusage(RUSAGE_SELF)`'s `ru_maxrss`, which Linux
    /// gives in kibibytes and macOS in bytes).
    public static var peakResidentBytes: Int {
        var usage = rusage()
        #if os(Linux)
        guard getrusage(RUSAGE_SELF.rawValue, &usage) == 0 else { return 0 }
        return Int(usage.ru_maxrss) * 1024
        #else
        guard getrusage(RUSAGE_SELF, &usage) == 0 else { return 0 }
        return Int(usage.ru_maxrss)
        #endif
    }
}
