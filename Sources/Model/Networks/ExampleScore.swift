/// One validation example as the networks see it: the two losses, and where the pick map (rotation 0) and
/// the place map peak, as (rotation, row, column). The argmax `act()` takes; validation compares it with the
/// demonstrated action.
public struct ExampleScore: Equatable, Sendable {
    public struct Peak: Equatable, Sendable {
        public var rotation: Int
        public var row: Int
        public var column: Int

        public init(rotation: Int, row: Int, column: Int) {
            self.rotation = rotation; self.row = row; self.column = column
        }
    }

    public var attentionLoss: Float
    public var transportLoss: Float
    public var pickPeak: Peak
    public var placePeak: Peak

    public var losses: (attention: Float, transport: Float) { (attentionLoss, transportLoss) }

    public init(losses: (attention: Float, transport: Float), pickPeak: Peak, placePeak: Peak) {
        attentionLoss = losses.attention; transportLoss = losses.transport
        self.pickPeak = pickPeak; self.placePeak = placePeak
    }

    /// The first largest logit of [rotations, rows, columns] logits (a leading batch axis of 1 allowed).
    public static func peak(of logits: Tensor) -> Peak {
        let shape = logits.shape.suffix(3)
        precondition(shape.count == 3 && logits.count == shape.reduce(1, *), "ExampleScore.peak: logits must be [rotations, rows, columns]")
        let rows = shape[shape.startIndex + 1], columns = shape[shape.startIndex + 2]
        var best = 0
        logits.scalars.withUnsafeBufferPointer { v in
            for i in v.indices where v[i] > v[best] { best = i }
        }
        return Peak(rotation: best / (rows * columns), row: best % (rows * columns) / columns, column: best % columns)
    }
}
