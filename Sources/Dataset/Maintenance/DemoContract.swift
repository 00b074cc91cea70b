import HDF5

/// The shapes, dtypes and values one `data/demo_N` group must have (docs/dataset-format.md), as a list of
/// readable issues ("obs/front_rgb is uint16 [2, 480, 640, 3], expected uint8 [2, 480, 640, 3]").
enum DemoContract {
    static func issues(demo: HDF5Group, steps t: Int, header: DatasetHeader, deep: Bool) throws -> [String] {
        var issues: [String] = []
        let a = demo.attributes
        for (key, kind) in [("task", "str"), ("split", "str"), ("source", "str"), ("instruction", "str"), ("model_file", "str"),
                            ("failure_reason", "str"), ("success", "int"), ("total_reward", "float"), ("object_names", "str")]
            where !a.contains(key) {
            issues.append("lacks the \(kind) attribute '\(key)'")
        }
        guard t >= 1 else { return issues + ["has num_samples \(t); an episode has at least one step"] }
        let objects = a.contains("object_names") ? try a.strings("object_names").count : 0

        func expect(_ path: String, _ kind: HDF5ScalarKind, _ shape: [Int]) {
            guard demo.kind(of: path) == .dataset, let d = try? demo.dataset(path) else { issues.append("lacks \(path)"); return }
            if d.elementType != .scalar(kind) || d.shape != shape {
                issues.append("\(path) is \(d.elementType) \(d.shape), expected \(kind.rawValue) \(shape)")
            } else if deep, shape.count >= 3 {
                for row in 0..<shape[0] {
                    do { try readRow(d, row, kind) } catch { issues.append("\(path) row \(row) cannot be decoded: \(error)"); break }
                }
            }
        }
        let depthKind: HDF5ScalarKind = header.depthEncoding.dtype == "uint16" ? .uint16 : .float32
        let w = header.workspace
        for (group, n) in [("obs", t), ("final_obs", 1)] {
            for camera in header.cameras {
                let h = camera.intrinsics.height, wd = camera.intrinsics.width
                expect("\(group)/\(DatasetLayout.rgbKey(camera.name))", .uint8, [n, h, wd, 3])
                expect("\(group)/\(DatasetLayout.depthKey(camera.name))", depthKind, [n, h, wd])
            }
            expect("\(group)/\(DatasetLayout.heightmapRGBKey)", .uint8, [n, w.rows, w.cols, 3])
            expect("\(group)/\(DatasetLayout.heightmapHeightKey)", .float32, [n, w.rows, w.cols])
            expect("\(group)/\(DatasetLayout.objectPosesKey)", .float32, [n, objects, 7])
        }
        expect("actions", .float32, [t, 14])
        expect("action_dict/pick_pose", .float32, [t, 7])
        expect("action_dict/place_pose", .float32, [t, 7])
        expect("action_dict/pick_pixel", .int32, [t, 2])
        expect("action_dict/place_pixel", .int32, [t, 2])
        expect("action_dict/place_rotation_bin", .int32, [t])
        expect("rewards", .float64, [t])
        expect("dones", .uint8, [t])
        if let d = try? demo.dataset("instructions") {
            if d.elementType != .string(variableLength: true) || d.shape != [t] {
                issues.append("instructions is \(d.elementType) \(d.shape), expected vlen str [\(t)]")
            }
        } else {
            issues.append("lacks instructions")
        }
        guard issues.isEmpty else { return issues }

        // Values: a demo is a successful episode whose rewards add up, ending done, labelled inside the heightmap.
        let success = try a.int("success"), total = try a.double("total_reward")
        let rewards = try demo.dataset("rewards").read(as: Double.self)
        if success != 1 { issues.append("has success = \(success): a failed episode does not belong in a demos dataset") }
        if (total > 0.99) != (success == 1) { issues.append("has total_reward \(total) but success = \(success) (success means > 0.99)") }
        if abs(rewards.reduce(0, +) - total) > 1e-6 { issues.append("rewards add up to \(rewards.reduce(0, +)), not total_reward \(total)") }
        if try demo.dataset("dones").read(as: UInt8.self).last != 1 { issues.append("does not end with done = 1") }
        for key in ["pick_pixel", "place_pixel"] {
            let p = try demo.dataset("action_dict/\(key)").read(as: Int.self)
            for i in 0..<t where !(0..<w.rows).contains(p[2 * i]) || !(0..<w.cols).contains(p[2 * i + 1]) {
                issues.append("action_dict/\(key)[\(i)] = (\(p[2 * i]), \(p[2 * i + 1])) is outside the \(w.rows)x\(w.cols) heightmap")
            }
        }
        let bins = try demo.dataset("action_dict/place_rotation_bin").read(as: Int.self)
        if let bad = bins.first(where: { !(0..<header.rotationBins).contains($0) }) {
            issues.append("has place_rotation_bin \(bad), outside 0..<\(header.rotationBins)")
        }
        return issues
    }

    private static func readRow(_ d: HDF5Dataset, _ row: Int, _ kind: HDF5ScalarKind) throws {
        switch kind {
        case .uint8: _ = try d.read(row: row, as: UInt8.self)
        case .uint16: _ = try d.read(row: row, as: UInt16.self)
        default: _ = try d.read(row: row, as: Float.self)
        }
    }
}
