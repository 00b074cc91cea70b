import XCTest
import BLAS

final class BLASTests: XCTestCase {
    func testSgemmAllTransposes() {
        // A = [[1,2,3],[4,5,6]] (2x3), B = [[1,0],[0,1],[1,1]] (3x2): A*B = [[4,5],[10,11]].
        let a: [Float] = [1, 2, 3, 4, 5, 6]
        let b: [Float] = [1, 0, 0, 1, 1, 1]
        let at: [Float] = [1, 4, 2, 5, 3, 6]     // A stored transposed (3x2)
        let bt: [Float] = [1, 0, 1, 0, 1, 1]     // B stored transposed (2x3)
        let expected: [Float] = [4, 5, 10, 11]
        for (ta, tb) in [(false, false), (true, false), (false, true), (true, true)] {
            var c = [Float](repeating: 0, count: 4)
            BLAS.sgemm(transposeA: ta, transposeB: tb, m: 2, n: 2, k: 3,
                       a: ta ? at : a, lda: ta ? 2 : 3, b: tb ? bt : b, ldb: tb ? 3 : 2,
                       c: &c, ldc: 2)
            XCTAssertEqual(c, expected, "transposeA \(ta) transposeB \(tb)")
        }
        // beta = 1 accumulates; alpha scales.
        var c: [Float] = [1, 1, 1, 1]
        BLAS.sgemm(m: 2, n: 2, k: 3, alpha: 2, a: a, lda: 3, b: b, ldb: 2, beta: 1, c: &c, ldc: 2)
        XCTAssertEqual(c, [9, 11, 21, 23])
    }

    /// The kernel matrix in `make test` sets OPENBLAS_CORETYPE per run; OpenBLAS falls back to the kernel
    /// it detects for a name it does not know, which would make that run a silent repeat. The line
    /// printed names the kernel each run really used.
    func testRunsTheKernelOPENBLAS_CORETYPEAsksFor() {
        print("OpenBLAS kernel in use: \(BLAS.coreName) (OPENBLAS_CORETYPE=\(BLAS.requestedCoreType ?? "unset"))")
        XCTAssertNotEqual(BLAS.coreName, "unknown")
        if let requested = BLAS.requestedCoreType {
            XCTAssertEqual(BLAS.coreName.lowercased(), requested.lowercased(),
                           "OPENBLAS_CORETYPE=\(requested) was not applied: OpenBLAS runs \(BLAS.coreName)")
            XCTAssertEqual(BLAS.useBestKernels(), BLAS.coreName, "useBestKernels must keep the kernel the user chose")
        }
    }

    func testThreadCountAndConfiguration() {
        let before = BLAS.threadCount
        BLAS.threadCount = 1
        XCTAssertEqual(BLAS.threadCount, 1)
        BLAS.threadCount = before
        XCTAssertEqual(BLAS.threadCount, before)
        XCTAssertTrue(BLAS.configuration.contains("OpenBLAS"), BLAS.configuration)
        XCTAssertFalse(BLAS.coreName.isEmpty)
        XCTAssertGreaterThanOrEqual(BLAS.processorCount, 1)
    }
}
