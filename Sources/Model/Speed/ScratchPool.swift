import Synchronization

/// Large float buffers kept for reuse from one convolution to the next.
///
/// A buffer of fresh pages costs a page fault and a clear per 4 KB on first touch, and glibc maps and
/// unmaps every allocation above 32 MB anew: on this machine writing a 2048x1024 layer's 134 MB of
/// Winograd weights into fresh pages took 320 ms, eight times the transform itself. The layers of a
/// step ask for the same few sizes over and over, so the pool hands back a kept buffer of at least the
/// size asked for (and less than twice it), and keeps at most `limit` floats when they come back.
/// Contents are left as the last user left them: callers write before they read.
final class ScratchPool: Sendable {
    static let shared = ScratchPool(limit: 1 << 28)

    /// Floats kept at most while not in use (1 GB for `shared`).
    let limit: Int
    struct Buffer: @unchecked Sendable {
        let pointer: UnsafeMutablePointer<Float>
        let capacity: Int
    }
    private let kept = Mutex<[Buffer]>([])

    init(limit: Int) { self.limit = limit }

    /// A buffer of at least `count` floats for the duration of `body`.
    func withBuffer<R>(_ count: Int, _ body: (UnsafeMutablePointer<Float>) throws -> R) rethrows -> R {
        let buffer = take(count)
        defer { giveBack(buffer) }
        return try body(buffer.pointer)
    }

    /// Two buffers, of `first` and `second` floats.
    func withBuffers<R>(_ first: Int, _ second: Int,
                        _ body: (UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>) throws -> R) rethrows -> R {
        try withBuffer(first) { a in try withBuffer(second) { b in try body(a, b) } }
    }

    /// Floats kept now (for tests).
    var keptCount: Int { kept.withLock { $0.reduce(0) { $0 + $1.capacity } } }

    /// A buffer of at least `count` floats, its first `count` set to zero; `giveBack` it after.
    func takeZeroed(_ count: Int) -> Buffer {
        let buffer = take(count)
        buffer.pointer.update(repeating: 0, count: count)
        return buffer
    }

    /// A buffer of at least `count` floats; `giveBack` it after.
    func take(_ count: Int) -> Buffer {
        let wanted = max(1, count)
        let reused: Buffer? = kept.withLock { kept in
            // The smallest kept buffer that fits without wasting half of it.
            let fits = kept.indices.filter { kept[$0].capacity >= wanted && kept[$0].capacity < 2 * wanted }
            guard let best = fits.min(by: { kept[$0].capacity < kept[$1].capacity }) else { return nil }
            return kept.remove(at: best)
        }
        return reused ?? Buffer(pointer: .allocate(capacity: wanted), capacity: wanted)
    }

    func giveBack(_ buffer: Buffer) {
        let dropped: [Buffer] = kept.withLock { kept in
            kept.append(buffer)
            var total = kept.reduce(0) { $0 + $1.capacity }, dropped: [Buffer] = []
            // Over the limit: free the oldest first (sizes asked for less and less).
            while total > limit, !kept.isEmpty {
                let old = kept.removeFirst()
                total -= old.capacity
                dropped.append(old)
            }
            return dropped
        }
        for buffer in dropped { buffer.pointer.deallocate() }
    }
}
