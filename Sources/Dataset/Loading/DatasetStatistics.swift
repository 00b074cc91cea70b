import Foundation

/// Colour and height mean and standard deviation over a dataset's step heightmaps: the figures CLIPort
/// hard-codes as normalisation constants (`utils.preprocess`: transporter colour mean 0.18877631, std
/// 0.07276466 over all channels of rgb/255; height mean 0.00509261, std 0.00903967 m). Unseen (black, zero)
/// cells count, as they do in CLIPort's figures.
public struct DatasetStatistics: Equatable, Codable, Sendable {
    public var path: String
    public var observations: Int
    public var pixels: Int
    /// Per channel R, G, B, of colour / 255.
    public var colorMean: [Double]
    public var colorStd: [Double]
    /// Over all three channels together (CLIPort's single "transporter" figures).
    public var colorMeanAll: Double
    public var colorStdAll: Double
    /// Metres above the workspace floor.
    public var heightMean: Double
    public var heightStd: Double

    /// Statistics of `path` (a dataset folder or shard) over every step's observation, or over
    /// `maxObservations` of them spread evenly through the dataset. Reads one step at a time.
    public static func compute(path: String, maxObservations: Int? = nil) throws -> DatasetStatistics {
        let dataset = try TaskDataset(path: path)
        var steps: [(EpisodeSlot, Int)] = []
        for slot in dataset.episodes { for t in 0..<slot.numSteps { steps.append((slot, t)) } }
        if let cap = maxObservations, cap > 0, cap < steps.count {
            steps = (0..<cap).map { steps[$0 * steps.count / cap] }
        }
        let reader = StepReader()
        var cSum = [Double](repeating: 0, count: 3), cSq = [Double](repeating: 0, count: 3)
        var hSum = 0.0, hSq = 0.0, pixels = 0
        for (slot, t) in steps {
            let s = try reader.read(slot, step: t, goal: nil)
            // Exact integer sums per image, so the result does not depend on summation order.
            var ci = [Int](repeating: 0, count: 3), cq = [Int](repeating: 0, count: 3)
            s.color.withUnsafeBufferPointer { c in
                for i in 0..<(c.count / 3) {
                    for k in 0..<3 { let v = Int(c[i * 3 + k]); ci[k] += v; cq[k] += v * v }
                }
            }
            for k in 0..<3 { cSum[k] += Double(ci[k]) / 255; cSq[k] += Double(cq[k]) / (255 * 255) }
            var hs = 0.0, hq = 0.0
            for h in s.height { let v = Double(h); hs += v; hq += v * v }
            hSum += hs; hSq += hq
            pixels += s.height.count
        }
        let n = Double(max(pixels, 1))
        let mean = cSum.map { $0 / n }
        let std = (0..<3).map { (max(cSq[$0] / n - mean[$0] * mean[$0], 0)).squareRoot() }
        let meanAll = cSum.reduce(0, +) / (3 * n)
        let stdAll = max(cSq.reduce(0, +) / (3 * n) - meanAll * meanAll, 0).squareRoot()
        let hMean = hSum / n
        return DatasetStatistics(path: path, observations: steps.count, pixels: pixels, colorMean: mean, colorStd: std,
                                 colorMeanAll: meanAll, colorStdAll: stdAll, heightMean: hMean,
                                 heightStd: max(hSq / n - hMean * hMean, 0).squareRoot())
    }
}
