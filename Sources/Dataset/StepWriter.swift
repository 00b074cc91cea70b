import HDF5

/// The write side of an episode's steps: writes the T `StepRecord`s and the final observation into a
/// `data/demo_N` group (observation rows, actions, labels, rewards, dones, instructions), every array with
/// its checksum. `DatasetReader` reads them back whole; `StepReader` reads one step for training.
struct StepWriter {
    let cameras: [String]
    let storage: ObservationStorage

    func write(_ steps: [StepRecord], finalObservation: ObservationRecord, into demo: HDF5Group) throws {
        typealias K = DatasetLayout.StepKey
        let t = steps.count
        let obs = try ObservationWriter(in: try demo.createGroup(DatasetLayout.observationGroup), count: t, cameras: cameras,
                                        sample: steps[0].observation, storage: storage)
        for (i, step) in steps.enumerated() { try obs.write(step.observation, at: i) }
        let final = try ObservationWriter(in: try demo.createGroup(DatasetLayout.finalObservationGroup), count: 1, cameras: cameras,
                                          sample: finalObservation, storage: storage)
        try final.write(finalObservation, at: 0)

        func array<T: HDF5Scalar>(_ key: String, _ values: [T], _ shape: [Int]) throws {
            try demo.writeDataset(key, values, shape: shape, storage: ArrayChecksum.storage(shape: shape, enabled: storage.checksums))
        }
        let actions = steps.map(\.action)
        try array(K.actions, actions.flatMap(\.vector), [t, 14])
        _ = try demo.createGroup(K.actionGroup)
        try array(K.pickPose, actions.flatMap { $0.pickPose.components.map(Float.init) }, [t, 7])
        try array(K.placePose, actions.flatMap { $0.placePose.components.map(Float.init) }, [t, 7])
        try array(K.pickPixel, actions.flatMap { [Int32($0.pickPixel.row), Int32($0.pickPixel.col)] }, [t, 2])
        try array(K.placePixel, actions.flatMap { [Int32($0.placePixel.row), Int32($0.placePixel.col)] }, [t, 2])
        try array(K.placeRotationBin, actions.map { Int32($0.rotationBin) }, [t])
        try array(K.rewards, steps.map(\.reward), [t])
        try array(K.dones, steps.map { UInt8($0.done ? 1 : 0) }, [t])
        try demo.writeStrings(K.instructions, steps.map(\.instruction))
    }
}
