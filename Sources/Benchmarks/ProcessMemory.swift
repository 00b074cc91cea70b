import Foundation

/// Resident memory of this process from /proc/self/status (Linux).
enum ProcessMemory {
    static func field(_ name: String) -> Double {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
        for line in text.split(separator: "\n") where line.hasPrefix(name + ":") {
            let kb = line.split(separator: " ").compactMap { Double($0) }.first ?? 0
            return kb / 1024
        }
        return 0
    }

    static func residentMiB() -> Double { field("VmRSS") }
    static func peakResidentMiB() -> Double { field("VmHWM") }

    /// The 1-minute load average (/proc/loadavg).
    static func loadAverage() -> Double {
        guard let text = try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8) else { return 0 }
        return Double(text.split(separator: " ").first ?? "") ?? 0
    }

    /// Writing 5 to clear_refs resets VmHWM to the current RSS (Linux 4.0+), so peaks of runs can be compared.
    static func resetPeak() {
        try? "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8)
    }
}
