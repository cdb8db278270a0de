import Foundation
import Testing
@testable import AuditCore

@Suite("in-toto Statement parsing and writing")
struct StatementTests {
    static let commit = "a6c23b9806c593664f68637c8f9d45dfcf98b2db"
    static let sha256 = "ae57936def59bc4c75edd3a837d89bcefc6d3a5e31d55a6fa7a71624f92c3c3b"

    /// A minimal v1 statement with the given subject list JSON.
    static func statementJSON(subject: String, extra: String = "") -> String {
        #"{"_type":"https://in-toto.io/Statement/v1","subject":\#(subject),"predicateType":"https://example.com/p/v1","predicate":{}\#(extra)}"#
    }

    @Test func readsTheRealGitHubStatement() throws {
        let statement = try Fixtures.statement("provenance-github-attest-v1.json")
        #expect(statement.type == Statement.typeV1)
        #expect(statement.predicateType == "https://slsa.dev/provenance/v1")
        #expect(statement.subjects == [ResourceDescriptor(name: "github_provenance_demo-0.0.12-py3-none-any.whl",
                                                          digest: ["sha256": Self.sha256])])
        #expect(statement.predicate["runDetails"]?["builder"]?["id"]?.stringValue == "https://github.com/actions/runner/github-hosted")
    }

    @Test func writesCompactSortedJSONThatReadsBack() throws {
        let statement = try Fixtures.statement("provenance-github-attest-v1.json")
        let bytes = statement.jsonData()
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(!text.contains(" ") && !text.contains("\n"))
        #expect(!text.contains(#"\/"#))
        #expect(text.hasPrefix(#"{"_type":"https://in-toto.io/Statement/v1","predicate":{"buildDefinition":{"buildType":"#))
        #expect(text.hasSuffix(#""predicateType":"https://slsa.dev/provenance/v1","subject":[{"digest":{"sha256":"\#(Self.sha256)"},"name":"github_provenance_demo-0.0.12-py3-none-any.whl"}]}"#))
        // JSONValue equality keeps member order, and writing sorts members: compare the written bytes.
        let reread = try Statement.parse(bytes)
        #expect(reread.subjects == statement.subjects && reread.predicateType == statement.predicateType)
        #expect(reread.jsonData() == bytes)
    }

    @Test func writesExactBytesForASmallStatement() {
        let statement = Statement(
            subjects: [ResourceDescriptor(name: "a/b", uri: "https://x.test/a?b=1", digest: ["sha256": Self.sha256, "gitCommit": Self.commit])],
            predicateType: "https://example.com/p/v1",
            predicate: .object([(key: "z", value: .number("1")), (key: "a", value: .string("\"q\"\\\n\u{1}é/"))]))
        let expected = #"{"_type":"https://in-toto.io/Statement/v1","predicate":{"a":"\"q\"\\\n\u0001é/","z":1},"predicateType":"https://example.com/p/v1","subject":[{"digest":{"gitCommit":"\#(Self.commit)","sha256":"\#(Self.sha256)"},"name":"a/b","uri":"https://x.test/a?b=1"}]}"#
        #expect(String(decoding: statement.jsonData(), as: UTF8.self) == expected)
    }

    @Test func acceptsStatementV01AndIgnoresUnknownFields() throws {
        let json = #"{"_type":"https://in-toto.io/Statement/v0.1","subject":[{"name":"x","digest":{"sha256":"\#(Self.sha256)","md5":"whatever"},"extra":1}],"predicateType":"https://slsa.dev/provenance/v0.2","somethingNew":{"a":[1,2]}}"#
        let statement = try Statement.parse(payload(json))
        #expect(statement.type == Statement.typeV01)
        #expect(statement.subjects[0].digest == ["sha256": Self.sha256, "md5": "whatever"])
        #expect(statement.predicate == .object([]))
    }

    @Test func lowercasesGitAndSHA256Digests() throws {
        let json = Self.statementJSON(subject: #"[{"digest":{"gitCommit":"\#(Self.commit.uppercased())","sha1":"\#(Self.commit.uppercased())","sha256":"\#(Self.sha256.uppercased())"}}]"#)
        let digest = try Statement.parse(payload(json)).subjects[0].digest
        #expect(digest == ["gitCommit": Self.commit, "sha1": Self.commit, "sha256": Self.sha256])
    }

    @Test func readsResourceDescriptorFields() throws {
        let json = Self.statementJSON(subject: #"[{"name":"n","uri":"pkg:npm/x@1","digest":{"sha256":"\#(Self.sha256)"},"downloadLocation":"https://d.test/x","mediaType":"application/gzip","annotations":{"k":[true]}}]"#)
        let subject = try Statement.parse(payload(json)).subjects[0]
        #expect(subject == ResourceDescriptor(name: "n", uri: "pkg:npm/x@1", digest: ["sha256": Self.sha256],
                                              downloadLocation: "https://d.test/x", mediaType: "application/gzip",
                                              annotations: .object([(key: "k", value: .array([.bool(true)]))])))
    }

    @Test(arguments: [
        (#"{"subject":[{"digest":{"sha256":"\#(sha256)"}}],"predicateType":"p"}"#, "_type: missing required field"),
        (#"{"_type":"https://in-toto.io/Statement/v2","subject":[],"predicateType":"p"}"#,
         #"_type: expected https://in-toto.io/Statement/v1 (or https://in-toto.io/Statement/v0.1), found "https://in-toto.io/Statement/v2""#),
        (#"{"_type":"https://in-toto.io/Statement/v1","predicateType":"p"}"#, "subject: missing required field"),
        (#"{"_type":"https://in-toto.io/Statement/v1","subject":[],"predicateType":"p"}"#, "subject: expected at least one subject"),
        (#"{"_type":"https://in-toto.io/Statement/v1","subject":{},"predicateType":"p"}"#, "subject: expected an array, found object"),
        (#"{"_type":"https://in-toto.io/Statement/v1","subject":["x"],"predicateType":"p"}"#, "subject[0]: expected an object, found string"),
        (#"{"_type":"https://in-toto.io/Statement/v1","subject":[{"name":"x"}],"predicateType":"p"}"#, "subject[0].digest: missing required field"),
        (#"{"_type":"https://in-toto.io/Statement/v1","subject":[{"digest":{}}],"predicateType":"p"}"#, "subject[0].digest: missing required field"),
        (#"{"_type":"https://in-toto.io/Statement/v1","subject":[{"digest":{"sha256":5}}],"predicateType":"p"}"#, "subject[0].digest.sha256: expected a string, found number"),
        (#"{"_type":"https://in-toto.io/Statement/v1","subject":[{"digest":{"sha256":"abc"}}],"predicateType":"p"}"#,
         #"subject[0].digest.sha256: expected 64 hexadecimal characters, found "abc""#),
        (#"{"_type":"https://in-toto.io/Statement/v1","subject":[{"digest":{"gitCommit":"\#(commit.dropLast())g"}}],"predicateType":"p"}"#,
         #"subject[0].digest.gitCommit: expected 40 hexadecimal characters, found "\#(commit.dropLast())g""#),
        (#"{"_type":"https://in-toto.io/Statement/v1","subject":[{"digest":{"gitTree":"\#(sha256)"}}],"predicateType":"p"}"#,
         "subject[0].digest.gitTree: SHA-256 git object ids are not supported (release-audit reads SHA-1 repositories only)"),
        (#"{"_type":"https://in-toto.io/Statement/v1","subject":[{"digest":{"sha1":"\#(sha256)"}}],"predicateType":"p"}"#,
         #"subject[0].digest.sha1: expected 40 hexadecimal characters, found "\#(sha256)""#),
        (#"{"_type":"https://in-toto.io/Statement/v1","subject":[{"digest":{"sha256":"\#(sha256)"}}]}"#, "predicateType: missing required field"),
        (#"{"_type":"https://in-toto.io/Statement/v1","subject":[{"digest":{"sha256":"\#(sha256)"}}],"predicateType":""}"#,
         "predicateType: expected a type URI, found an empty string"),
        (#"{"_type":"https://in-toto.io/Statement/v1","subject":[{"digest":{"sha256":"\#(sha256)"}}],"predicateType":"p","predicate":[]}"#,
         "predicate: expected an object, found array"),
        (#"{"_type":"https://in-toto.io/Statement/v1","subject":[{"digest":{"sha256":"\#(sha256)"},"annotations":"x"}],"predicateType":"p"}"#,
         "subject[0].annotations: expected an object, found string"),
        (#"["not an object"]"#, ": expected an object, found array"),
        (#"{"_type":"https://in-toto.io/Statement/v1","_type":"https://in-toto.io/Statement/v1"}"#,
         #"statement payload is not valid JSON: invalid JSON at byte 43: duplicate key "_type""#),
        (#"{"_type": tru}"#, "statement payload is not valid JSON: invalid JSON at byte 10: invalid literal"),
    ])
    func rejectsMalformedStatements(json: String, message: String) {
        #expect(errorMessage { _ = try Statement.parse(payload(json)) } == message)
    }

    @Test func rejectsOversizedPayloads() {
        let big = Data(repeating: 0x20, count: Statement.maxPayloadSize + 1)
        #expect(errorMessage { _ = try Statement.parse(big) }
                == "statement payload is \(Statement.maxPayloadSize + 1) bytes, over the limit of 16777216 bytes")
    }

    @Test func nullReadsAsAbsent() throws {
        let json = Self.statementJSON(subject: #"[{"name":null,"digest":{"sha256":"\#(Self.sha256)"}}]"#)
        #expect(try Statement.parse(payload(json)).subjects[0].name == nil)
    }
}
