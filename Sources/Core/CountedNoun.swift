/// A count with its noun in the right number for messages: "1 shard", "2 shards", "1 process", "0 episodes".
/// The plural is the noun plus "s" unless given.
public func counted(_ count: Int, _ noun: String, plural: String? = nil) -> String {
    "\(count) " + (count == 1 ? noun : plural ?? noun + "s")
}
