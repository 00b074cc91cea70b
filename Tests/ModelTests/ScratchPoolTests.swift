import XCTest
@testable import Model

/// The pool hands a kept buffer back out only when it fits (at least the size asked, less than twice
/// it), and keeps no more than its limit.
final class ScratchPoolTests: XCTestCase {
    func testReusesAFittingBufferAndAllocatesForOthers() {
        let pool = ScratchPool(limit: 1000)
        let first = pool.withBuffer(100) { $0 }
        XCTAssertEqual(pool.keptCount, 100)
        XCTAssertEqual(pool.withBuffer(60) { $0 }, first, "100 floats serve a request for 60")
        XCTAssertNotEqual(pool.withBuffer(40) { p in p }, first, "100 floats are too many for 40: a new buffer")
        XCTAssertEqual(pool.keptCount, 140)
        pool.withBuffer(100) { a in
            XCTAssertEqual(a, first)
            pool.withBuffer(100) { b in XCTAssertNotEqual(b, a, "a buffer in use is not handed out twice") }
        }
        XCTAssertEqual(pool.keptCount, 240)
    }

    func testKeepsAtMostTheLimitDroppingTheOldestFirst() {
        let pool = ScratchPool(limit: 250)
        pool.withBuffer(100) { _ in }
        // 100 fits neither request: new buffers of 200 and 120 come back after it, 420 floats in all;
        // the oldest go until 250 or fewer remain.
        pool.withBuffer(200) { _ in pool.withBuffer(120) { _ in } }
        XCTAssertEqual(pool.keptCount, 200)
    }

    func testZeroedBufferIsZeroEvenWhenReused() {
        let pool = ScratchPool(limit: 1000)
        pool.withBuffer(10) { $0.update(repeating: 7, count: 10) }
        let b = pool.takeZeroed(8)
        XCTAssertEqual(Array(UnsafeBufferPointer(start: b.pointer, count: 8)), [Float](repeating: 0, count: 8))
        pool.giveBack(b)
    }
}
