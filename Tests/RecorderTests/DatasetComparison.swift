import Dataset
import Foundation
import XCTest

/// Compares two datasets by their contents (shard names, seeds, whole episode records and generation
/// records), not their bytes: files carry their creation time.
func assertSameDataset(_ a: String, _ b: String, file: StaticString = #filePath, line: UInt = #line) throws {
    let ra = try DatasetReader(path: a), rb = try DatasetReader(path: b)
    let names = { (r: DatasetReader) in r.shards.map { ($0 as NSString).lastPathComponent } }
    XCTAssertEqual(names(ra), names(rb), "shard files", file: file, line: line)
    XCTAssertEqual(ra.seeds, rb.seeds, "seeds in order", file: file, line: line)
    XCTAssertEqual(ra.episodes.map(\.demo), rb.episodes.map(\.demo), file: file, line: line)
    guard ra.episodes.count == rb.episodes.count else { return }
    for i in ra.episodes.indices {
        XCTAssertTrue(try ra.episode(i) == rb.episode(i), "episode \(i) (seed \(ra.seeds[i])) differs", file: file, line: line)
    }
    for (x, y) in zip(ra.shards, rb.shards) {
        XCTAssertEqual(try ShardGenerationRecord.read(shard: x), try ShardGenerationRecord.read(shard: y),
                       "generation record of \((x as NSString).lastPathComponent)", file: file, line: line)
    }
}

/// Copies a folder (to damage or extend a copy of a shared reference dataset).
func copyFolder(_ from: String, to: String) throws {
    try FileManager.default.createDirectory(atPath: (to as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
    try FileManager.default.copyItem(atPath: from, toPath: to)
}
