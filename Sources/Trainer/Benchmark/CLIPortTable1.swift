/// CLIPort's published test results: Table 1 of Shridhar, Manuelli and Fox, "CLIPort: What and Where
/// Pathways for Robotic Manipulation", CoRL 2021 (arXiv:2109.12098). Success (mean task progress x 100)
/// on 100 test instances after training on n = 1, 10, 100 or 1000 demos per task, the best of the
/// checkpoints on val. Rows are named by our task registry (the paper's "packing-unseen-shapes" is
/// `packing-shapes`, its "put-blocks-in-bowls" is `put-block-in-bowl-*`, its "packing-box-pairs" is
/// `packing-boxes-pairs-*`). nil: the paper has no such cell (multi-attr is only trained for unseen splits).
public enum CLIPortTable1 {
    /// The columns of each method: n = 1, 10, 100 and 1000 demos.
    public static let demoCounts = [1, 10, 100, 1000]

    public struct Row: Equatable, Sendable {
        /// Our task name.
        public var task: String
        /// The row's name in the paper.
        public var paperName: String
        /// Per method, the scores at `demoCounts` (absent: no cell).
        public var scores: [PublishedMethod: [Double]]
    }

    /// The published score of `method` on `task` at `demos` demos per task; nil when the paper has none
    /// (a task or demo count it did not run, or an empty cell).
    public static func score(task: String, method: PublishedMethod, demos: Int) -> Double? {
        guard let column = demoCounts.firstIndex(of: demos), let row = rows.first(where: { $0.task == task }) else { return nil }
        return row.scores[method]?[column]
    }

    /// The paper's rows, in its order.
    public static let rows: [Row] = [
        row("packing-boxes-pairs-seen-colors", "packing-box-pairs seen",
            [44.2, 55.2, 54.2, 52.4], [38.6, 69.7, 88.5, 87.1], [36.2, 64.0, 94.7, 90.3],
            [51.6, 82.9, 92.7, 98.2], [66.8, 88.6, 94.1, 96.6], nil),
        row("packing-boxes-pairs-unseen-colors", "packing-box-pairs unseen",
            [34.6, 48.7, 47.2, 54.1], [33.0, 65.5, 68.8, 61.2], [31.4, 52.7, 65.6, 72.1],
            [45.6, 65.3, 68.6, 71.5], [59.0, 69.7, 76.2, 71.4], [46.2, 72.0, 86.2, 80.3]),
        row("packing-seen-google-objects-seq", "packing-seen-google-objects-seq",
            [26.2, 39.7, 45.4, 46.3], [29.1, 67.9, 89.3, 95.8], [32.9, 48.4, 87.9, 94.0],
            [14.8, 59.5, 86.8, 96.2], [41.6, 78.4, 85.0, 84.4], nil),
        row("packing-unseen-google-objects-seq", "packing-unseen-google-objects-seq",
            [19.9, 29.8, 28.7, 37.3], [37.1, 49.4, 60.4, 57.8], [29.3, 48.5, 48.3, 56.1],
            [27.2, 50.0, 65.5, 71.9], [40.7, 51.1, 65.8, 70.3], [35.4, 45.1, 78.9, 87.4]),
        row("packing-seen-google-objects-group", "packing-seen-google-objects-group",
            [60.0, 54.3, 61.5, 59.9], [52.5, 62.0, 89.6, 92.7], [46.4, 52.9, 76.5, 86.4],
            [52.7, 67.0, 84.1, 94.0], [71.3, 84.6, 89.6, 88.3], nil),
        row("packing-unseen-google-objects-group", "packing-unseen-google-objects-group",
            [46.2, 54.7, 49.8, 52.0], [43.4, 65.9, 73.1, 70.0], [43.2, 52.0, 66.3, 73.7],
            [61.5, 66.2, 78.4, 81.5], [68.4, 69.6, 78.4, 80.3], [48.6, 69.3, 84.8, 89.1]),
        row("stack-block-pyramid-seq-seen-colors", "stack-block-pyramid-seq seen",
            [4.5, 2.3, 5.2, 4.5], [6.3, 28.7, 55.7, 54.8], [5.3, 35.0, 89.0, 97.5],
            [28.3, 64.7, 93.3, 98.8], [33.5, 75.3, 96.8, 96.5], nil),
        row("stack-block-pyramid-seq-unseen-colors", "stack-block-pyramid-seq unseen",
            [3.0, 4.0, 2.3, 5.8], [2.0, 12.2, 18.3, 19.5], [6.2, 12.2, 21.5, 30.7],
            [13.7, 24.3, 31.2, 41.3], [23.3, 26.8, 31.7, 22.2], [15.5, 51.5, 59.3, 79.8]),
        row("separating-piles-seen-colors", "separating-piles seen",
            [42.7, 52.3, 42.0, 48.4], [43.5, 55.0, 84.9, 90.2], [31.8, 47.8, 46.5, 46.5],
            [54.5, 59.5, 93.1, 98.0], [48.9, 72.4, 90.3, 89.0], nil),
        row("separating-piles-unseen-colors", "separating-piles unseen",
            [41.2, 49.2, 44.7, 52.3], [59.9, 49.6, 73.0, 71.0], [33.4, 44.4, 41.3, 44.9],
            [47.2, 51.0, 76.6, 75.2], [56.6, 62.6, 64.9, 62.8], [49.9, 51.8, 48.2, 59.8]),
        row("towers-of-hanoi-seq-seen-colors", "towers-of-hanoi-seq seen",
            [25.4, 67.9, 98.0, 99.9], [9.4, 52.6, 88.6, 45.3], [28.0, 66.1, 91.3, 92.1],
            [59.4, 92.9, 97.4, 100], [61.6, 96.3, 98.7, 98.1], nil),
        row("towers-of-hanoi-seq-unseen-colors", "towers-of-hanoi-seq unseen",
            [24.3, 44.6, 71.7, 80.7], [24.7, 47.0, 67.0, 58.0], [17.4, 75.1, 85.3, 89.3],
            [56.1, 89.7, 95.9, 99.4], [60.1, 65.6, 76.7, 68.7], [56.7, 78.0, 88.3, 96.9]),
        row("align-rope", "align-rope",
            [6.9, 30.6, 33.1, 51.5], [13.4, 48.7, 70.4, 70.7], [3.1, 25.0, 63.8, 57.1],
            [20.1, 77.4, 85.6, 95.4], [19.6, 49.3, 82.4, 74.9], nil),
        row("packing-shapes", "packing-unseen-shapes",
            [16.0, 20.0, 22.0, 22.0], [13.0, 28.0, 44.0, 50.0], [19.0, 25.0, 32.0, 44.0],
            [21.0, 26.0, 40.0, 37.0], [25.0, 35.0, 37.0, 31.0], nil),
        row("assembling-kits-seq-seen-colors", "assembling-kits-seq seen",
            [5.8, 11.6, 28.6, 29.6], [0.8, 9.2, 19.8, 23.0], [2.2, 5.6, 11.6, 21.8],
            [12.2, 17.8, 47.0, 66.6], [11.4, 34.8, 46.2, 52.4], nil),
        row("assembling-kits-seq-unseen-colors", "assembling-kits-seq unseen",
            [7.8, 17.6, 25.6, 28.4], [2.0, 4.6, 10.8, 19.8], [1.6, 6.4, 10.4, 18.4],
            [16.2, 18.0, 35.4, 34.8], [7.8, 21.6, 29.0, 25.4], [7.6, 10.4, 43.8, 34.6]),
        row("put-block-in-bowl-seen-colors", "put-blocks-in-bowls seen",
            [16.8, 33.3, 62.7, 64.7], [23.5, 60.2, 93.5, 97.7], [13.8, 44.5, 81.2, 91.8],
            [23.5, 68.3, 92.5, 100], [54.0, 90.2, 99.5, 100], nil),
        row("put-block-in-bowl-unseen-colors", "put-blocks-in-bowls unseen",
            [11.7, 17.2, 14.8, 18.7], [11.2, 34.2, 33.2, 44.5], [16.2, 23.0, 30.3, 23.8],
            [18.0, 35.3, 37.3, 25.0], [32.0, 48.8, 55.3, 45.8], [23.0, 41.8, 66.5, 75.7]),
    ]

    private static func row(_ task: String, _ paperName: String, _ transporterOnly: [Double], _ clipOnly: [Double],
                            _ rn50Bert: [Double], _ single: [Double], _ multi: [Double], _ multiAttr: [Double]?) -> Row {
        var scores: [PublishedMethod: [Double]] = [.transporterOnly: transporterOnly, .clipOnly: clipOnly, .rn50Bert: rn50Bert,
                                                   .cliportSingle: single, .cliportMulti: multi]
        scores[.cliportMultiAttr] = multiAttr
        return Row(task: task, paperName: paperName, scores: scores)
    }
}
