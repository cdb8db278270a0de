import Foundation
import GitFacts

/// The one extension object release-audit adds to the standard predicates, for facts they have no field for.
///
/// It sits at predicate level under the key `releaseaudit_context` (SLSA's `<vendor>_<field>` naming, so
/// standard consumers ignore it) and is versioned; this release-audit writes and reads version 1:
///
/// ```jsonc
/// "releaseaudit_context": {
///   "version": 1,
///   "suites": ["unit", "e2e"],            // test-result only: which test runs these are
///   "tag": {"name": "v1.2.0", "object": "<40 hex>", "annotated": true},   // provenance only
///   "dirtyPaths": ["README.md"],           // dirty work-tree paths at record time ([] when clean;
///                                          // left out when the record makes no clean-tree claim)
///   "ci": {"provider": "github-actions", "runId": "...", "runUrl": "...", "workflow": "...",
///          "ref": "refs/heads/main", "event": "push", "runner": "...", "ciCommit": "<40 hex>"},
///   "toolVersion": "0.1.0",                // the release-audit that recorded it
///   "recordedAt": "2026-01-02T03:04:05Z"   // RFC 3339, UTC
/// }
/// ```
/// Unset optional fields are left out. A statement without the object (made by another tool) is still read.
public enum ReleaseAuditExtension {
    /// The predicate-level key of the extension object.
    public static let key = "releaseaudit_context"
    /// The extension version this release-audit writes and reads.
    public static let version = 1
}

/// The values of a `releaseaudit_context` object.
struct ReleaseAuditContext: Equatable {
    var suites: [String] = []
    var tagName: String?
    var tagObject: ObjectID?
    var tagAnnotated: Bool?
    /// Nil: no clean-tree claim (recorded with --no-worktree, or in a bare repository).
    var dirtyPaths: [String]?
    var ci: CIContext?
    var toolVersion: String?
    var recordedAt: Date?

    /// The extension object; `includeSuites` is true for test results, `includeTag` for provenance.
    func jsonValue(includeSuites: Bool, includeTag: Bool) -> JSONValue {
        let tag: JSONValue? = includeTag && tagName != nil ? .object(dropping: [
            "name": .optional(tagName),
            "object": .optional(tagObject?.hex),
            "annotated": tagAnnotated.map(JSONValue.bool),
        ]) : nil
        return .object(dropping: [
            "version": .int(ReleaseAuditExtension.version),
            "suites": includeSuites ? .strings(suites) : nil,
            "tag": tag,
            "dirtyPaths": dirtyPaths.map(JSONValue.strings),
            "ci": ci.map(Self.ciJSON),
            "toolVersion": .optional(toolVersion),
            "recordedAt": recordedAt.map { .string(Timestamp.string($0)) },
        ])
    }

    /// Reads the extension from a predicate; nil when the predicate has none.
    static func read(from predicate: JSONField) throws -> ReleaseAuditContext? {
        let field = predicate[ReleaseAuditExtension.key]
        guard field.isPresent else { return nil }
        try field.requireObject()
        let version = try field["version"].int()
        guard version == ReleaseAuditExtension.version else {
            throw FormatError.invalidValue(path: field["version"].path, reason: "version \(version) is not supported (this release-audit reads version \(ReleaseAuditExtension.version)); use a matching release-audit")
        }
        var context = ReleaseAuditContext()
        context.suites = try field["suites"].stringArray()
        let tag = try field["tag"].requireObject(required: false)
        if tag.isPresent {
            context.tagName = try tag["name"].string()
            context.tagObject = try objectID(tag["object"])
            context.tagAnnotated = try tag["annotated"].optionalBool()
        }
        context.dirtyPaths = field["dirtyPaths"].isPresent ? try field["dirtyPaths"].stringArray() : nil
        let ci = try field["ci"].requireObject(required: false)
        if ci.isPresent {
            context.ci = CIContext(
                provider: try ci["provider"].string(),
                runID: try ci["runId"].optionalString(),
                runURL: try ci["runUrl"].optionalString(),
                workflow: try ci["workflow"].optionalString(),
                ref: try ci["ref"].optionalString(),
                event: try ci["event"].optionalString(),
                runner: try ci["runner"].optionalString(),
                ciCommit: try ci["ciCommit"].optionalString())
        }
        context.toolVersion = try field["toolVersion"].optionalString()
        context.recordedAt = try field["recordedAt"].optionalTimestamp()
        return context
    }

    private static func ciJSON(_ ci: CIContext) -> JSONValue {
        .object(dropping: [
            "provider": .string(ci.provider),
            "runId": .optional(ci.runID),
            "runUrl": .optional(ci.runURL),
            "workflow": .optional(ci.workflow),
            "ref": .optional(ci.ref),
            "event": .optional(ci.event),
            "runner": .optional(ci.runner),
            "ciCommit": .optional(ci.ciCommit),
        ])
    }

    /// A 40-hex object id field, nil when absent.
    static func objectID(_ field: JSONField) throws -> ObjectID? {
        guard let hex = try field.optionalString() else { return nil }
        return try DigestSet.objectID(hex, path: field.path)
    }
}
