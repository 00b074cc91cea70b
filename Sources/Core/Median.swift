/// The median of some numbers: the middle one, or the mean of the two middle ones; NaN for none.
extension Sequence where Element == Double {
    public func median() -> Double {
        let v = sorted()
        guard !v.isEmpty else { return .nan }
        return v.count % 2 == 1 ? v[v.count / 2] : (v[v.count / 2 - 1] + v[v.count / 2]) / 2
    }
}
