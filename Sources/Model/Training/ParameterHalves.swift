/// Two groups of parameters of about equal size, for whole-parameter passes (Adam's update, zeroing
/// gradients) worked on two threads side by side: each parameter lies in one group, so a thread touches
/// only its own parameters' storage. Decided by sizes alone.
enum ParameterHalves {
    /// Indices into `parameters`: the largest first, each to the lighter group so far.
    static func split(_ parameters: [Parameter]) -> [[Int]] {
        var groups: [[Int]] = [[], []], sizes = [0, 0]
        for k in parameters.indices.sorted(by: { (parameters[$0].count, $1) > (parameters[$1].count, $0) }) {
            let lighter = sizes[0] <= sizes[1] ? 0 : 1
            groups[lighter].append(k); sizes[lighter] += parameters[k].count
        }
        return groups.map { $0.sorted() }
    }
}
