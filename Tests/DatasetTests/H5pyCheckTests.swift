import Foundation
import XCTest
@testable import Dataset

/// Opens a shard with plain h5py (Debian's python3-h5py, no plugins) and checks the documented layout.
final class H5pyCheckTests: XCTestCase {
    /// Debian's python has h5py; a `python3` on PATH may be a pyenv one without it.
    static let python = "/usr/bin/python3"

    static let script = #"""
import json, sys
import h5py, numpy as np

path = sys.argv[1]
f = h5py.File(path, "r")
assert f.attrs["schema_version"] == 1, f.attrs["schema_version"]
assert f.attrs["generator"].startswith("cliport-swift "), f.attrs["generator"]
data = f["data"]
env = json.loads(data.attrs["env_args"])
kw = env["env_kwargs"]
assert env["env_name"] == kw["task"] == "put-block-in-bowl-seen-colors"
assert kw["split"] == "train" and kw["rotation_bins"] == 36
assert [c["name"] for c in kw["cameras"]] == ["front", "left", "right"]
assert kw["cameras"][0]["K"] == [450.0, 0.0, 320.0, 0.0, 450.0, 240.0, 0.0, 0.0, 1.0]
assert len(kw["cameras"][0]["orientation_xyzw"]) == 4 and kw["cameras"][0]["position"] == [1.0, 0.0, 0.75]
assert kw["depth"]["dtype"] == "uint16" and abs(kw["depth"]["scale"] - 1e-4) < 1e-12
assert kw["workspace"]["heightmap_shape"] == [320, 160] and kw["workspace"]["pixel_size"] == 0.003125
assert kw["workspace"]["bounds"] == [[0.25, 0.75], [-0.5, 0.5], [0.0, 0.28]]
demos = sorted(data.keys(), key=lambda n: int(n.split("_")[1]))
assert demos == ["demo_0", "demo_1"], demos
total = 0
for name in demos:
    d = data[name]
    T = int(d.attrs["num_samples"])
    total += T
    for key in ["task", "split", "source", "instruction", "model_file", "failure_reason"]:
        assert isinstance(d.attrs[key], str), (key, type(d.attrs[key]))
    assert d.attrs["source"] == "oracle" and d.attrs["success"] == 1 and d.attrs["model_file"].startswith("<mujoco")
    names = [str(x) for x in d.attrs["object_names"]]
    K = len(names)
    assert names[0] == "object 0 — ü", names
    for group, n in [("obs", T), ("final_obs", 1)]:
        g = d[group]
        for cam in ["front", "left", "right"]:
            rgb, depth = g[cam + "_rgb"], g[cam + "_depth"]
            assert rgb.shape == (n, 480, 640, 3) and rgb.dtype == np.uint8, (rgb.shape, rgb.dtype)
            assert rgb.chunks == (1, 480, 640, 3) and rgb.compression == "gzip"
            assert depth.shape == (n, 480, 640) and depth.dtype == np.uint16, (depth.shape, depth.dtype)
            assert depth.chunks == (1, 480, 640) and depth.compression == "gzip" and depth.shuffle
            metres = depth[0].astype(np.float64) * depth.attrs["scale"]
            assert 0.4 < metres[240, 5] < 2.0 and metres[0, 0] == 0.0, (metres[240, 5], metres[0, 0])
        assert g["heightmap_rgb"].shape == (n, 320, 160, 3) and g["heightmap_rgb"].dtype == np.uint8
        assert g["heightmap_height"].shape == (n, 320, 160) and g["heightmap_height"].dtype == np.float32
        assert g["object_poses"].shape == (n, K, 7) and g["object_poses"].dtype == np.float32
    assert d["actions"].shape == (T, 14) and d["actions"].dtype == np.float32
    for key in ["pick_pose", "place_pose"]:
        assert d["action_dict/" + key].shape == (T, 7) and d["action_dict/" + key].dtype == np.float32
    for key in ["pick_pixel", "place_pixel"]:
        assert d["action_dict/" + key].shape == (T, 2) and d["action_dict/" + key].dtype == np.int32
    assert d["action_dict/place_rotation_bin"].shape == (T,) and d["action_dict/place_rotation_bin"].dtype == np.int32
    assert np.allclose(d["actions"][:, :7], d["action_dict/pick_pose"][:])
    assert d["rewards"].shape == (T,) and d["rewards"].dtype == np.float64
    assert d["dones"].shape == (T,) and d["dones"].dtype == np.uint8 and d["dones"][-1] == 1
    instructions = list(d["instructions"].asstr()[:])
    assert len(instructions) == T and all(isinstance(s, str) for s in instructions), instructions
    assert instructions[0] == d.attrs["instruction"] == "put the red blocks in a green bowl", instructions
assert data.attrs["total"] == total, (data.attrs["total"], total)
assert [s.decode() if isinstance(s, bytes) else s for s in f["mask/train"][:]] == demos
assert f["mask/valid"].shape == (0,)
print("h5py check passed:", path)
"""#

    func testH5pyReadsTheDocumentedLayout() throws {
        guard FileManager.default.isExecutableFile(atPath: Self.python),
              run([Self.python, "-c", "import h5py"]).status == 0 else {
            throw XCTSkip("h5py is missing: install it with `apt-get install python3-h5py` to run this check")
        }
        let dir = try TestEpisodes.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let writer = try ShardWriter(directory: dir, name: "shard", header: TestEpisodes.header())
        try writer.append(TestEpisodes.episode(seed: 0, steps: 2))
        try writer.append(TestEpisodes.episode(seed: 2, steps: 1, objects: 3))
        let path = try writer.finish()
        let scriptPath = dir + "/check.py"
        try Self.script.write(toFile: scriptPath, atomically: true, encoding: .utf8)
        let result = run([Self.python, scriptPath, path])
        XCTAssertEqual(result.status, 0, result.output)
        XCTAssertTrue(result.output.contains("h5py check passed"), result.output)
    }

    /// `cliport dataset merge` while another process reads a shard (a training run, h5py): the merge reads its
    /// new index back through the external links, which HDF5 opened with the index's write intent, and the
    /// reader's shared lock refused that. Links now open their files read-only.
    func testMergeWhileAnotherProcessReadsTheShard() throws {
        guard FileManager.default.isExecutableFile(atPath: Self.python),
              run([Self.python, "-c", "import h5py"]).status == 0 else {
            throw XCTSkip("h5py is missing: install it with `apt-get install python3-h5py` to run this check")
        }
        let dir = try TestEpisodes.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let writer = try ShardWriter(directory: dir + "/shards", name: "shard", header: TestEpisodes.header())
        try writer.append(TestEpisodes.episode(seed: 0, steps: 2))
        let shard = try writer.finish()
        let reader = Process()
        reader.executableURL = URL(fileURLWithPath: Self.python)
        reader.arguments = ["-c", "import h5py, sys; f = h5py.File(sys.argv[1], 'r'); print('open', flush=True); sys.stdin.read()", shard]
        let input = Pipe(), output = Pipe()
        reader.standardInput = input
        reader.standardOutput = output
        try reader.run()
        defer { try? input.fileHandleForWriting.close(); reader.waitUntilExit() }
        // The reader prints once it holds the file (the newline may come in a second read).
        XCTAssertTrue(String(decoding: output.fileHandleForReading.availableData, as: UTF8.self).hasPrefix("open"))
        let result = try DatasetMerger.merge([dir + "/shards"], out: dir + "/merged.hdf5")
        XCTAssertEqual(result.episodes, 1)
        XCTAssertEqual(result.steps, 2)
    }

    func run(_ arguments: [String]) -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: arguments[0])
        process.arguments = Array(arguments.dropFirst())
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        do { try process.run() } catch { return (-1, "\(error)") }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
