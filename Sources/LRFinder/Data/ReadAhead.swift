import Foundation

/// A ``ByteStream`` read on a thread of its own, a few pieces ahead of its reader, so that
/// inflating a gzip file and parsing it run side by side on two cores. Bytes and errors arrive
/// in the stream's order: an error is thrown once the bytes read before it have been taken.
final class ReadAhead: @unchecked Sendable {
    /// The stream read on the thread.
    private let stream: ByteStream
    /// Guards everything below; signalled on every change.
    private let condition = NSCondition()
    /// Filled pieces in order, and the room for more.
    private var ready: [(piece: UnsafeMutableRawBufferPointer, count: Int)] = []
    private var free: [UnsafeMutableRawBufferPointer]
    /// The piece being taken, and how much of it has been.
    private var current: (piece: UnsafeMutableRawBufferPointer, count: Int, taken: Int)?
    /// The thread read the stream's last byte, or failed with `error`.
    private var finished = false
    private var error: Error?
    /// The reader is gone: the thread is to stop; and then it has stopped.
    private var cancelled = false, stopped = false
    /// Whether every byte has been taken.
    private(set) var isAtEnd = false

    /// Starts reading `stream` ahead in `pieceCount` pieces of `pieceSize` bytes.
    init(_ stream: ByteStream, pieceSize: Int = 1 << 20, pieceCount: Int = 3) {
        self.stream = stream
        free = (0..<pieceCount).map { _ in .allocate(byteCount: pieceSize, alignment: 64) }
        Thread.detachNewThread { [self] in produce() }
    }

    deinit {
        for piece in free + ready.map(\.piece) + [current?.piece].compactMap({ $0 }) { piece.deallocate() }
    }

    /// Stops the thread (waiting for the piece it is filling) before the reader lets go.
    func cancel() {
        condition.lock()
        cancelled = true
        condition.broadcast()
        while !stopped { condition.wait() }
        condition.unlock()
    }

    /// Fills `buffer` with the next bytes, as ``ByteStream/read(into:)`` does.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        var count = 0
        while count < buffer.count && !isAtEnd {
            if let (piece, filled, taken) = current, taken < filled {
                let part = min(buffer.count - count, filled - taken)
                (buffer.baseAddress! + count).copyMemory(from: piece.baseAddress! + taken, byteCount: part)
                current = (piece, filled, taken + part)
                count += part
                continue
            }
            condition.lock()
            if let piece = current?.piece {
                free.append(piece)
                current = nil
                condition.broadcast()
            }
            while ready.isEmpty && !finished { condition.wait() }
            if ready.isEmpty {
                let failure = error
                condition.unlock()
                if let failure { throw failure }
                isAtEnd = true
                break
            }
            let (piece, filled) = ready.removeFirst()
            condition.unlock()
            current = (piece, filled, 0)
        }
        return count
    }

    /// The thread: fills free pieces from the stream until its end, an error, or cancellation.
    private func produce() {
        defer {
            condition.lock()
            stopped = true
            condition.broadcast()
            condition.unlock()
        }
        while true {
            condition.lock()
            while free.isEmpty && !cancelled { condition.wait() }
            if cancelled {
                condition.unlock()
                return
            }
            let piece = free.removeLast()
            condition.unlock()
            let filled: Int
            do {
                filled = try stream.read(into: piece)
            } catch {
                condition.lock()
                free.append(piece)
                self.error = error
                finished = true
                condition.broadcast()
                condition.unlock()
                return
            }
            condition.lock()
            ready.append((piece, filled))
            finished = stream.isAtEnd
            condition.broadcast()
            condition.unlock()
            if finished { return }
        }
    }
}
