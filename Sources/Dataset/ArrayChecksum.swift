import HDF5

/// Every array of a dataset file carries HDF5's Fletcher-32 checksum, chunk by chunk, so a flipped byte
/// anywhere in the stored data fails the read that meets it (h5py, libhdf5 and `HDF5ChunkDecoder` all verify
/// it) and `cliport dataset check --deep` finds it. The filter comes last: it sums the compressed bytes as
/// stored. Text (`instructions`, the masks) has no checksum: libhdf5 keeps variable-length strings outside the
/// chunks, and the filter would only cover the references to them.
enum ArrayChecksum {
    /// `filters` with the checksum appended (when `enabled`).
    static func filters(_ filters: [HDF5Filter], enabled: Bool = true) -> [HDF5Filter] { filters + (enabled ? [.fletcher32] : []) }

    /// Small per-step arrays: one chunk holding the whole array, checksummed. An empty array (no objects)
    /// stays contiguous: chunks cannot have a zero side, and there is nothing to protect. Without checksums
    /// the arrays are contiguous, as before checksums were stored.
    static func storage(shape: [Int], enabled: Bool = true) -> HDF5Storage {
        guard enabled, !shape.isEmpty, shape.allSatisfy({ $0 > 0 }) else { return .contiguous }
        return HDF5Storage(chunk: shape, filters: [.fletcher32])
    }
}
