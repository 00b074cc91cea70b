import Foundation
import Geometry

/// One random rigid image transform of CLIPort's `perturb`: rotation `theta` (radians) about `pivot` and a
/// translation, both in image coordinates (x = column, y = row). `matrix` is
/// M = T(pivot) [R(theta) | t] T(-pivot), the forward map from source to augmented pixel.
public struct SE2Perturbation: Equatable, Codable, Sendable {
    public var theta: Double
    /// (x, y) = (columns, rows).
    public var translation: SIMD2<Double>
    /// (x, y) = (cols / 2, rows / 2): (80, 160) for CLIPort's heightmaps.
    public var pivot: SIMD2<Double>

    public init(theta: Double, translation: SIMD2<Double>, pivot: SIMD2<Double>) {
        self.theta = theta; self.translation = translation; self.pivot = pivot
    }

    public static func identity(rows: Int, cols: Int) -> SE2Perturbation {
        SE2Perturbation(theta: 0, translation: .zero, pivot: SIMD2(Double(cols) / 2, Double(rows) / 2))
    }

    /// The 2x3 forward matrix, row-major: [a, b, c, d, e, f] maps (x, y) to (a x + b y + c, d x + e y + f).
    public var matrix: [Double] {
        let c = cos(theta), s = sin(theta)
        let px = pivot.x, py = pivot.y
        return [c, -s, translation.x + px - c * px + s * py,
                s, c, translation.y + py - s * px - c * py]
    }

    /// Where `pixel` goes: exactly (row, col) as floats, and rounded half to even (numpy's round) as CLIPort
    /// labels it.
    public func map(_ pixel: Pixel) -> (row: Double, col: Double, rounded: Pixel) {
        let m = matrix
        // CLIPort multiplies np.float32([col, row, 1]) by the float64 matrix.
        let x = Double(Float(pixel.col)), y = Double(Float(pixel.row))
        let col = m[0] * x + m[1] * y + m[2]
        let row = m[3] * x + m[4] * y + m[5]
        return (row, col, Pixel(row: Int(row.rounded(.toNearestOrEven)), col: Int(col.rounded(.toNearestOrEven))))
    }

    /// CLIPort's acceptance test: the pixel stays inside, both as float and rounded.
    public func keepsInside(_ pixel: Pixel, rows: Int, cols: Int) -> Bool {
        let p = map(pixel)
        return p.row >= 0 && p.col >= 0 && p.row < Double(rows) && p.col < Double(cols)
            && p.rounded.row >= 0 && p.rounded.col >= 0 && p.rounded.row < rows && p.rounded.col < cols
    }

    /// CLIPort's sampling loop: theta ~ N(0, sigma), t ~ N(0, translationSigma) per axis, redrawn until every
    /// label pixel stays inside. Gives up after `maxAttempts` and returns nil (then: no augmentation).
    public static func sample(keeping pixels: [Pixel], rows: Int, cols: Int, thetaSigmaDegrees: Double,
                              translationSigma: Double? = nil, maxAttempts: Int,
                              using rng: inout SeededGenerator) -> SE2Perturbation? {
        let tSigma = translationSigma ?? Double(min(rows, cols)) / 6
        let pivot = SIMD2(Double(cols) / 2, Double(rows) / 2)
        let sigma = thetaSigmaDegrees * .pi / 180
        for _ in 0..<max(maxAttempts, 0) {
            let theta = rng.normal(std: sigma)
            let tx = rng.normal(std: tSigma)
            let ty = rng.normal(std: tSigma)
            let candidate = SE2Perturbation(theta: theta, translation: SIMD2(tx, ty), pivot: pivot)
            if pixels.allSatisfy({ candidate.keepsInside($0, rows: rows, cols: cols) }) { return candidate }
        }
        return nil
    }
}
