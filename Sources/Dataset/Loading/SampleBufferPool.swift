import Foundation

/// Image buffers handed back by the loader's consumer (`Loader.recycle`) for the workers to fill again. A
/// freshly allocated 1.2 MB image costs a page fault per 4 KiB on first touch (the kernel's share of the
/// loader's CPU); a recycled one is already mapped. A buffer the consumer still shares is copied on write by
/// Swift's arrays, so recycling can only save work, never change a sample. Holds at most `limit` buffers.
final class SampleBufferPool: @unchecked Sendable {
    private let lock = NSLock()
    private var free: [[Float]] = []
    let limit: Int

    init(limit: Int) { self.limit = limit }

    /// A buffer of `count` floats: a recycled one when there is one (contents undefined: callers overwrite
    /// every element), else a new one.
    func take(count: Int) -> [Float] {
        lock.lock()
        if let i = free.lastIndex(where: { $0.count == count }) {
            let buffer = free.remove(at: i)
            lock.unlock()
            return buffer
        }
        lock.unlock()
        return [Float](repeating: 0, count: count)
    }

    func give(_ buffer: [Float]) {
        lock.lock(); defer { lock.unlock() }
        if free.count < limit, !buffer.isEmpty { free.append(buffer) }
    }

    var count: Int {
        lock.lock(); defer { lock.unlock() }
        return free.count
    }
}

/// One worker's memory for assembling samples: where image buffers come from (the loader's pool, or fresh),
/// and the warp's source images (4 channels, or 8 for an image and its goal), reused from sample to sample.
struct AssemblyWorkspace {
    var pool: SampleBufferPool?
    var source: [SIMD4<Float>] = []
    var pairSource: [SIMD8<Float>] = []

    init(pool: SampleBufferPool? = nil) { self.pool = pool }

    func image(count: Int) -> [Float] { pool?.take(count: count) ?? [Float](repeating: 0, count: count) }
}
