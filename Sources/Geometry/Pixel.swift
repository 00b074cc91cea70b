/// A heightmap pixel: row indexes world y, column indexes world x (CLIPort's (u, v)).
public struct Pixel: Equatable, Hashable, Codable, Sendable {
    public var row: Int
    public var col: Int

    public init(row: Int, col: Int) {
        self.row = row
        self.col = col
    }
}
