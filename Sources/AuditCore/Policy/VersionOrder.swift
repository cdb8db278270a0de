import Foundation

/// Orders release versions as numbers, component by component (`1.10.0` after `1.9.2`).
enum VersionOrder {
    /// The order of two versions made of dot-separated whole numbers (a missing component is 0);
    /// nil when either is not such a version (`2024.01-hotfix`, `latest`): they do not order.
    static func compare(_ a: String, _ b: String) -> ComparisonResult? {
        guard let x = numbers(a), let y = numbers(b) else { return nil }
        for i in 0..<max(x.count, y.count) {
            let (p, q) = (i < x.count ? x[i] : 0, i < y.count ? y[i] : 0)
            if p != q { return p < q ? .orderedAscending : .orderedDescending }
        }
        return .orderedSame
    }

    private static func numbers(_ version: String) -> [UInt64]? {
        let parts = version.split(separator: ".", omittingEmptySubsequences: false)
        guard !parts.isEmpty else { return nil }
        var result: [UInt64] = []
        for part in parts {
            guard !part.isEmpty, part.utf8.allSatisfy({ (0x30...0x39).contains($0) }), let n = UInt64(part) else { return nil }
            result.append(n)
        }
        return result
    }
}
