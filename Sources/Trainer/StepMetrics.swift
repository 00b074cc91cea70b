/// One line of RUN/metrics.jsonl: what a training step measured.
public struct StepMetrics: Codable, Equatable, Sendable {
    public var step: Int
    /// CLIPort's losses: the cross-entropy divided by the number of logits, per example.
    public var pickLoss: Double
    public var placeLoss: Double
    /// The cross-entropies themselves (nats; log N at chance, 0 when certain), per example.
    public var pickCrossEntropy: Double
    public var placeCrossEntropy: Double
    /// pickLoss + placeLoss.
    public var loss: Double
    public var stepsPerSecond: Double
    /// Wall seconds of this session so far, and the part of them spent waiting for the loader.
    public var elapsedSeconds: Double
    public var dataWaitSeconds: Double
    /// The task of each example of the step, over all processes (rank order, then batch order): the
    /// multi-task sampling is checkable from the log.
    public var tasks: [String]
    /// At save steps with validation data: the mean over every example scored, and per task (each task's
    /// first `validationSamples` examples).
    public var validationLoss: Double?
    public var validationLossByTask: [String: Double]?
    /// At save steps with validation data: per task, how far the predicted actions are from the
    /// demonstrated ones on the same examples.
    public var validationActionErrorsByTask: [String: ActionErrors]?

    enum CodingKeys: String, CodingKey {
        case step, loss
        case pickLoss = "pick_loss", placeLoss = "place_loss"
        case pickCrossEntropy = "pick_cross_entropy", placeCrossEntropy = "place_cross_entropy"
        case stepsPerSecond = "steps_per_second", elapsedSeconds = "elapsed_seconds", dataWaitSeconds = "data_wait_seconds"
        case tasks
        case validationLoss = "validation_loss", validationLossByTask = "validation_loss_by_task"
        case validationActionErrorsByTask = "validation_action_errors_by_task"
    }
}
