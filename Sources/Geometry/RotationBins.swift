import Foundation

/// CLIPort's discretisation of the place rotation: the place yaw relative to the pick yaw, in `count` bins
/// (36 bins of 10 degrees). Labels use theta = yaw(pick) - yaw(place), as `dataset.process_sample` does
/// (theta_pick = -yaw(pick); theta_place = -yaw(place) - theta_pick).
public enum RotationBins {
    public static let cliport = 36

    public static func bin(pick: Pose, place: Pose, count: Int = cliport) -> Int {
        let theta = pick.rotation.yaw - place.rotation.yaw
        let b = Int((theta / (2 * .pi / Double(count))).rounded(.toNearestOrEven))
        return ((b % count) + count) % count
    }

    /// The place yaw `act()` returns for bin `i`: -i * 360/count degrees, in radians.
    public static func placeYaw(bin: Int, count: Int = cliport) -> Double {
        -Double(bin) * 2 * .pi / Double(count)
    }

    /// Bin `bin` of `from` bins as the nearest of `to` bins (the trainer's labels are CLIPort's 36 bins, a
    /// model may have other rotations; the agent's bins go back to a page's 36). A bin exactly between two
    /// rounds up (half up, never half to even): the rescale then commutes with turning by a whole coarse
    /// bin, as the rotations themselves do, and every coarse bin gets as many fine bins as the others
    /// (36 -> 2: 18 each; half to even gives 19 and 17). Exact in integers.
    public static func rescale(_ bin: Int, from: Int, to: Int) -> Int {
        precondition(from > 0 && to > 0, "RotationBins.rescale: bin counts must be positive")
        if from == to { return ((bin % from) + from) % from }
        let b = ((bin % from) + from) % from
        return ((2 * b * to + from) / (2 * from)) % to
    }

    /// A label in CLIPort's 36 bins (what the loader gives) as the nearest of a model's `count` bins.
    public static func fromCLIPort(_ bin: Int, to count: Int) -> Int {
        rescale(bin, from: cliport, to: count)
    }
}
