/// A sweep that cannot be set up (rates, seeds, size), in one line naming the option and value.
public struct SweepError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The line.
    public var description: String

    /// An error reading `description`.
    public init(_ description: String) { self.description = description }
}
