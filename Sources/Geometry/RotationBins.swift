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
}
