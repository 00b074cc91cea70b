#if canImport(Glibc)
import Glibc
#endif

/// Keeps freed tensor memory in the process for the next layer instead of handing it back to the kernel.
///
/// glibc serves blocks above 32 MB (a 64-channel 320x320 map is 26 MB; 36 query maps are 38 MB; an
/// im2col block is 32 MB) with fresh `mmap`s and unmaps them on free, so every layer of every step paid
/// page faults and the kernel's zeroing of each page again: about a tenth of a training step in
/// `perf`. With mmap off and trimming off, freed blocks return to malloc's free lists and are reused.
/// The price is that the process keeps its peak heap (about 2 GB for a full-size cliport step) until
/// it exits. `mallopt` is not in Swift's Glibc module (malloc.h is not part of it), so it is looked up
/// by name; elsewhere this does nothing.
public enum HeapReuse {
    nonisolated(unsafe) private static var enabled = false

    /// Turns reuse on for the rest of the process (idempotent). Returns false where it is unavailable.
    @discardableResult
    public static func enable() -> Bool {
        #if canImport(Glibc)
        if enabled { return true }
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return false }
        let mallopt = unsafeBitCast(symbol, to: Mallopt.self)
        let mTrimThreshold: Int32 = -1, mMmapMax: Int32 = -4, mArenaMax: Int32 = -8   // from malloc.h
        // One arena: a thread of its own (ConcurrentBranches) would otherwise get a per-thread arena whose
        // heaps shrink and grow back page by page.
        let ok = mallopt(mMmapMax, 0) == 1 && mallopt(mTrimThreshold, Int32.max) == 1 && mallopt(mArenaMax, 1) == 1
        enabled = ok
        return ok
        #else
        return false
        #endif
    }
}
