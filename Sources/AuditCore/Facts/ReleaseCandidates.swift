import Foundation
import GitFacts

/// A release tag with its classification and creation time.
public struct ReleaseTag: Sendable, Equatable {
    public var tag: Tag
    public var version: String
    /// The RC number; nil for a GA tag.
    public var rcNumber: Int?
    /// When the tag was made: the tagger date of an annotated tag, else the commit's committer date.
    public var createdAt: Date
}

/// The RC chosen for a GA tag under the RC -> GA rule, and why.
public struct RCSelection: Sendable, Equatable {
    public var chosen: ReleaseTag?
    /// One line: which RC was chosen and why (or why none).
    public var reason: String
    /// RCs of the same version tagged after the GA (noted, never chosen).
    public var taggedAfterGA: [ReleaseTag]
}

/// Finds release tags and release candidates under a tag scheme.
public enum ReleaseCandidates {
    /// Every tag the scheme classifies, as release tags with creation times, sorted by name; with
    /// `version`, only the tags of that version (the others are never read: thousands of tags cost
    /// an object read each).
    public static func releaseTags(in repo: Repository, scheme: ReleaseTagScheme, version: String? = nil) throws -> [ReleaseTag] {
        var result: [ReleaseTag] = []
        let versionBytes = version.map { Array($0.utf8) }
        for name in try repo.tagNames(matching: scheme.prefix + "*") {
            // A tag's version is text of its own name, so a name without that text is skipped unclassified.
            if let versionBytes, !Self.bytes(of: name, contain: versionBytes) { continue }
            guard let kind = scheme.classify(name), version == nil || kind.version == version,
                  let tag = try repo.tag(named: name) else { continue }
            result.append(ReleaseTag(tag: tag, version: kind.version, rcNumber: kind.rcNumber,
                                     createdAt: try createdAt(tag, in: repo)))
        }
        return result
    }

    /// Whether the UTF-8 of `text` holds `needle` as a run of bytes.
    private static func bytes(of text: String, contain needle: [UInt8]) -> Bool {
        let bytes = Array(text.utf8)
        guard needle.count <= bytes.count else { return false }
        return (0...(bytes.count - needle.count)).contains { bytes[$0..<($0 + needle.count)].elementsEqual(needle) }
    }

    /// When a tag was made: the tagger date, or for a lightweight tag the commit's committer date.
    public static func createdAt(_ tag: Tag, in repo: Repository) throws -> Date {
        if let tagger = tag.tagger { return tagger.date }
        if let commit = tag.commit { return try repo.commit(commit).committer.date }
        return .distantPast
    }

    /// The last RC of the GA's version: the highest-numbered RC created no later than the GA tag.
    /// Ties on the number (two spellings of one RC) go to the later one, then to the name.
    ///
    /// A lightweight GA tag records no time of its own (its commit's date is only a lower bound), so
    /// no RC can be shown to come after it: every RC of the version counts.
    public static func lastRC(for ga: ReleaseTag, among tags: [ReleaseTag]) -> RCSelection {
        let rcs = tags.filter { $0.version == ga.version && $0.rcNumber != nil }
        let gaTime = ga.tag.isAnnotated ? ga.createdAt : .distantFuture
        let before = rcs.filter { $0.createdAt <= gaTime }
        let after = rcs.filter { $0.createdAt > gaTime }.sorted { $0.tag.name < $1.tag.name }
        let chosen = before.max { a, b in
            (a.rcNumber ?? 0, a.createdAt, a.tag.name) < (b.rcNumber ?? 0, b.createdAt, b.tag.name)
        }
        var reason: String
        if let chosen {
            reason = "\(chosen.tag.name) is the highest-numbered release candidate of \(ga.version) (rc \(chosen.rcNumber ?? 0) of \(before.count)) tagged no later than \(ga.tag.name)"
        } else if rcs.isEmpty {
            reason = "no release candidate of \(ga.version) exists"
        } else {
            reason = "no release candidate of \(ga.version) was tagged before \(ga.tag.name)"
        }
        if !after.isEmpty {
            reason += "; tagged after the GA and ignored: \(after.map(\.tag.name).joined(separator: ", "))"
        }
        return RCSelection(chosen: chosen, reason: reason, taggedAfterGA: after)
    }
}
