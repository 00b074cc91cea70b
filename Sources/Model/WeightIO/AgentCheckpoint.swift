import HDF5

/// Our checkpoints: one HDF5 file per agent, a group per network and sub-network
/// (`attention/stream_one`, `transport/key/stream_two`, …) holding float32 datasets named like
/// CLIPort's state-dict entries, batch-norm running statistics beside their weights, and the
/// optimisers' step counts as attributes. Frozen CLIP weights are not stored (import them once).
extension TransporterAgentNetworks {
    var networkGroups: [(path: String, network: DenseNetwork)] {
        [("attention", attention.network), ("transport/key", transport.keyNetwork), ("transport/query", transport.queryNetwork)]
    }

    /// Writes every trainable parameter and batch-norm statistic into `group`.
    public func save(to group: HDF5Group) throws {
        for (path, network) in networkGroups {
            for (name, parameters) in network.parameterGroups where !parameters.isEmpty {
                try ParameterStore.save(parameters, to: try group.groupCreatingIfNeeded(path + "/" + name))
            }
            if !network.batchNorms.isEmpty {
                let g = try group.groupCreatingIfNeeded(path + "/stream_two")
                for bn in network.batchNorms {
                    let names = bn.statisticsNames
                    for (n, t) in [(names.mean, bn.statistics.runningMean), (names.variance, bn.statistics.runningVariance)] {
                        if g.contains(n) { try g.removeMember(n) }
                        try g.writeDataset(n, t.scalars, shape: t.shape)
                    }
                }
            }
        }
        try group.attributes.set("attention_optimizer_steps", attentionOptimizer.stepCount)
        try group.attributes.set("transport_optimizer_steps", transportOptimizer.stepCount)
    }

    /// Writes both optimisers' moments (one flat float32 dataset per moment, parameters in order) so a
    /// resumed run continues exactly where it stopped.
    public func saveOptimizers(to group: HDF5Group) throws {
        for (name, optimizer) in [("attention", attentionOptimizer), ("transport", transportOptimizer)] {
            let g = try group.groupCreatingIfNeeded("optimizer/" + name)
            let state = optimizer.state
            for (moment, values) in [("first_moment", state.firstMoment), ("second_moment", state.secondMoment)] {
                let flat = Array(values.joined())
                if g.contains(moment) { try g.removeMember(moment) }
                _ = try g.writeDataset(moment, flat, shape: [flat.count])
            }
            try g.attributes.set("steps", state.stepCount)
        }
    }

    /// Reads what `saveOptimizers(to:)` wrote.
    public func loadOptimizers(from group: HDF5Group) throws {
        for (name, optimizer) in [("attention", attentionOptimizer), ("transport", transportOptimizer)] {
            let g = try group.group("optimizer/" + name)
            let counts = optimizer.parameters.map(\.count)
            func split(_ moment: String) throws -> [[Float]] {
                let flat = try ParameterStore.tensor(moment, in: g).scalars
                guard flat.count == counts.reduce(0, +) else { throw AdamStateError.shapeMismatch }
                var out: [[Float]] = [], offset = 0
                for c in counts { out.append(Array(flat[offset..<(offset + c)])); offset += c }
                return out
            }
            try optimizer.restore(stepCount: try g.attributes.int("steps"), firstMoment: try split("first_moment"),
                                  secondMoment: try split("second_moment"))
        }
    }

    /// Reads what `save(to:)` wrote into networks built with the same settings.
    public func load(from group: HDF5Group) throws {
        for (path, network) in networkGroups {
            for (name, parameters) in network.parameterGroups where !parameters.isEmpty {
                try ParameterStore.load(parameters, from: try group.group(path + "/" + name))
            }
            if !network.batchNorms.isEmpty {
                let g = try group.group(path + "/stream_two")
                for bn in network.batchNorms {
                    let names = bn.statisticsNames
                    bn.statistics.runningMean = try ParameterStore.tensor(names.mean, in: g)
                    bn.statistics.runningVariance = try ParameterStore.tensor(names.variance, in: g)
                }
            }
        }
    }
}
