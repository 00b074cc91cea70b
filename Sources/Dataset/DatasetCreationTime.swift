import Foundation

/// The time a dataset file records in its `created` attribute. Reproducible-build tools set
/// `SOURCE_DATE_EPOCH` (seconds since 1970, UTC) so that the same inputs give byte-identical files; the
/// library honours it, and a caller may give the time outright (`ShardWriter(created:)`, the CLI's
/// `--created`). Without either, it is the time of writing.
public enum DatasetCreationTime {
    public static let environmentVariable = "SOURCE_DATE_EPOCH"

    /// `given` when set, else `SOURCE_DATE_EPOCH` from `environment`, else now.
    public static func resolve(_ given: Date? = nil,
                               environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Date {
        if let given { return given }
        guard let text = environment[environmentVariable] else { return Date() }
        return try parse(text, setting: environmentVariable)
    }

    /// Seconds since 1970 (SOURCE_DATE_EPOCH's form) or an ISO 8601 UTC time such as 2024-01-31T12:00:00Z.
    public static func parse(_ text: String, setting: String = "the creation time") throws -> Date {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let seconds = Int(trimmed), seconds >= 0, seconds <= 253_402_300_799 {  // up to year 9999
            return Date(timeIntervalSince1970: TimeInterval(seconds))
        }
        if let date = ISO8601DateFormatter().date(from: trimmed) { return date }
        throw DatasetError.badSetting(name: setting, value: "'\(text)'",
                                      allowed: "whole seconds since 1970-01-01 UTC (e.g. 1700000000) or an ISO 8601 UTC time "
                                          + "(e.g. 2024-01-31T12:00:00Z)")
    }

    /// The attribute's text: ISO 8601, UTC, whole seconds.
    public static func text(_ date: Date) -> String { ISO8601DateFormatter().string(from: date) }

    /// The `created` text for a file written now: `given`, `SOURCE_DATE_EPOCH` or the current time.
    static func attribute(_ given: Date?) throws -> String { text(try resolve(given)) }
}
