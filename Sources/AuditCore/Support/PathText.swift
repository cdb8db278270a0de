/// Path arithmetic on strings, without `NSString`: swift-corelibs-foundation's
/// `deletingLastPathComponent` traps on a one-character path (`"k"`), which a user's
/// `--out k` or `--out r/report.json` reaches.
public enum PathText {
    /// The directory part of `path`, as `deletingLastPathComponent` gives it: `"a/b"` -> `"a"`,
    /// `"/b"` -> `"/"`, `"b"` -> `""`; trailing slashes are ignored.
    public static func parent(_ path: String) -> String {
        var text = Substring(path)
        while text.count > 1, text.hasSuffix("/") { text.removeLast() }
        guard let slash = text.lastIndex(of: "/") else { return "" }
        if slash == text.startIndex { return "/" }
        var head = text[..<slash]
        while head.count > 1, head.hasSuffix("/") { head.removeLast() }
        return String(head)
    }
}
