import AuditCore
import Foundation
import Testing

/// Reading and writing the DSSE JSON envelope (FORMATS.md §1.1, §1.4).
@Suite struct DSSEEnvelopeTests {
    static let helloJSON = #"{"payload":"aGVsbG8gd29ybGQ=","payloadType":"http://example.com/HelloWorld","signatures":[{"sig":"A3JqsQGtVsJ2O2xqrI5IcnXip5GToJ3F+FnZ+O88SjtR6rDAajabZKciJTfUiHqJPcIAriEGAHTVeCUjW2JIZA=="}]}"#

    func parse(_ json: String) throws -> DSSEEnvelope {
        try DSSEEnvelope(parsing: Data(json.utf8))
    }

    func parseError(_ json: String) -> EnvelopeError? {
        do {
            _ = try parse(json)
            return nil
        } catch let error as EnvelopeError {
            return error
        } catch {
            Issue.record("unexpected error type: \(error)")
            return nil
        }
    }

    @Test func jsonDataIsOneSortedLineWithPaddedBase64AndKeyID() throws {
        let envelope = DSSEEnvelope(
            payload: Data("hello world".utf8),
            payloadType: "application/vnd.in-toto+json",
            signatures: [.init(keyID: nil, sig: Data([0xFB, 0xFF])), .init(keyID: "abc", sig: Data([1]))]
        )
        let text = String(decoding: envelope.jsonData(), as: UTF8.self)
        #expect(text == #"{"payload":"aGVsbG8gd29ybGQ=","payloadType":"application/vnd.in-toto+json","signatures":[{"keyid":"","sig":"+/8="},{"keyid":"abc","sig":"AQ=="}]}"#)
        #expect(try DSSEEnvelope(parsing: envelope.jsonData()) == envelope)
    }

    @Test func jsonDataEscapesStringsAndRoundTrips() throws {
        let envelope = DSSEEnvelope(payload: Data(), payloadType: "a\"b\\c\nd\u{1}é/", signatures: [.init(keyID: "k\"", sig: Data())])
        let text = String(decoding: envelope.jsonData(), as: UTF8.self)
        #expect(!text.contains("\n"))
        #expect(text.contains(#""payloadType":"a\"b\\c\nd\u0001é/""#))
        let parsed = try DSSEEnvelope(parsing: envelope.jsonData())
        #expect(parsed == envelope)
        // It is also JSON for Foundation's parser.
        let object = try #require(try JSONSerialization.jsonObject(with: envelope.jsonData()) as? [String: Any])
        #expect(object["payloadType"] as? String == envelope.payloadType)
    }

    @Test func acceptsStandardURLSafeAndUnpaddedBase64() throws {
        // 0xFB 0xFF is "+/8=" in standard and "-_8" in unpadded URL-safe base64.
        for (payload, sig) in [("+/8=", "+/8="), ("-_8=", "-_8="), ("-_8", "-_8"), ("+/8", "+/8")] {
            let envelope = try parse(#"{"payload":"\#(payload)","payloadType":"t","signatures":[{"sig":"\#(sig)"}]}"#)
            #expect(envelope.payload == Data([0xFB, 0xFF]))
            #expect(envelope.signatures[0].sig == Data([0xFB, 0xFF]))
        }
        #expect(try parse(#"{"payload":"","payloadType":"","signatures":[{"sig":""}]}"#).payload.isEmpty)
    }

    @Test(arguments: ["a", "aGVsbG8gd29ybGQ=\n", "aGVs bG8=", "aGVsbG8*", "====", "aGVsbG8gd29ybGQ===", "aGk==", "a=Gk", "aGVsbG8=aGk=", "aGVsbG8é"])
    func rejectsInvalidBase64(_ payload: String) {
        let json = #"{"payload":"\#(payload.replacingOccurrences(of: "\n", with: "\\n"))","payloadType":"t","signatures":[]}"#
        #expect(parseError(json) == .invalidBase64(field: "payload"))
    }

    @Test func rejectsInvalidSignatureBase64() {
        #expect(parseError(#"{"payload":"","payloadType":"t","signatures":[{"sig":"!!"}]}"#) == .invalidBase64(field: "signatures[0].sig"))
    }

    @Test func unknownFieldsAreIgnored() throws {
        let envelope = try parse(#"{"payload":"aGk=","payloadType":"t","extra":{"x":[1,2]},"signatures":[{"sig":"AQ==","cert":"-----BEGIN CERTIFICATE-----","extension":{"kind":"k","ext":{}}}]}"#)
        #expect(envelope.payload == Data("hi".utf8))
        #expect(envelope.signatures == [.init(keyID: nil, sig: Data([1]))])
    }

    @Test func unsetEmptyAndNullKeyIDAreTheSame() throws {
        for keyid in ["", #","keyid":"""#, #","keyid":null"#] {
            let envelope = try parse(#"{"payload":"","payloadType":"t","signatures":[{"sig":"AQ=="\#(keyid)}]}"#)
            #expect(envelope.signatures[0].keyID == nil)
        }
        #expect(try parse(#"{"payload":"","payloadType":"t","signatures":[{"keyid":"abc","sig":"AQ=="}]}"#).signatures[0].keyID == "abc")
    }

    @Test func missingRequiredFieldsAreErrors() {
        #expect(parseError(#"{"payloadType":"t","signatures":[]}"#) == .missingField("payload"))
        #expect(parseError(#"{"payload":"","signatures":[]}"#) == .missingField("payloadType"))
        #expect(parseError(#"{"payload":"","payloadType":"t"}"#) == .missingField("signatures"))
        #expect(parseError(#"{"payload":"","payloadType":"t","signatures":[{"keyid":"k"}]}"#) == .missingField("signatures[0].sig"))
    }

    @Test func wrongTypesAreErrors() {
        #expect(parseError(#"[]"#) == .wrongType(field: "(envelope)", expected: "an object", found: "array"))
        #expect(parseError(#"{"payload":1,"payloadType":"t","signatures":[]}"#) == .wrongType(field: "payload", expected: "a string", found: "number"))
        #expect(parseError(#"{"payload":"","payloadType":null,"signatures":[]}"#) == .wrongType(field: "payloadType", expected: "a string", found: "null"))
        #expect(parseError(#"{"payload":"","payloadType":"t","signatures":{"sig":""}}"#) == .wrongType(field: "signatures", expected: "an array", found: "object"))
        #expect(parseError(#"{"payload":"","payloadType":"t","signatures":["AQ=="]}"#) == .wrongType(field: "signatures[0]", expected: "an object", found: "string"))
        #expect(parseError(#"{"payload":"","payloadType":"t","signatures":[{"sig":"","keyid":7}]}"#) == .wrongType(field: "signatures[0].keyid", expected: "a string", found: "number"))
        #expect(parseError(#"{"payload":"","payloadType":"t","signatures":[{"sig":true}]}"#) == .wrongType(field: "signatures[0].sig", expected: "a string", found: "boolean"))
    }

    @Test func notJSONAndDuplicateKeysAreErrors() {
        for json in ["", "not json", #"{"payload":"","payloadType":"t","signatures":[]"#, #"{"payload":"","payload":"aGk=","payloadType":"t","signatures":[]}"#, #"{"payload":"","payloadType":"t","signatures":[{"sig":"","sig":"AQ=="}]}"#] {
            guard case .notJSON(let detail)? = parseError(json) else {
                Issue.record("expected notJSON for \(json)")
                continue
            }
            #expect(!detail.isEmpty)
        }
        guard case .notJSON(let detail)? = parseError(#"{"payload":"","payload":"aGk=","payloadType":"t","signatures":[]}"#) else { return }
        #expect(detail.contains("duplicate key"))
    }

    @Test func emptySignaturesParseButNeverVerify() throws {
        let envelope = try parse(#"{"payload":"aGk=","payloadType":"t","signatures":[]}"#)
        #expect(envelope.signatures.isEmpty)
        let key = SigningKey.generate()
        let result = envelope.verify(trustedKeys: [key.publicKey])
        #expect(!result.isValid)
        #expect(result.verifiedPayload == nil)
        #expect(result.failureReason == "the envelope has no signatures")
    }

    @Test func oversizedEnvelopeIsAnErrorBeforeParsing() {
        var data = Data(#"{"payload":""#.utf8)
        data.append(Data(repeating: UInt8(ascii: "A"), count: DSSEEnvelope.maxEnvelopeSize))
        data.append(Data(#"","payloadType":"t","signatures":[]}"#.utf8))
        #expect(throws: EnvelopeError.tooLarge(size: data.count, limit: DSSEEnvelope.maxEnvelopeSize)) {
            try DSSEEnvelope(parsing: data)
        }
        #expect(DSSEEnvelope.maxEnvelopeSize == 16 * 1024 * 1024)
    }

    @Test func tooManySignaturesIsAnError() {
        let signatures = Array(repeating: #"{"sig":"AQ=="}"#, count: DSSEEnvelope.maxSignatureCount + 1).joined(separator: ",")
        #expect(parseError(#"{"payload":"","payloadType":"t","signatures":[\#(signatures)]}"#) == .tooManySignatures(count: DSSEEnvelope.maxSignatureCount + 1, limit: DSSEEnvelope.maxSignatureCount))
    }

    @Test func signingWithNoKeysIsAnError() {
        #expect(throws: EnvelopeError.noSignatures) {
            try DSSEEnvelope.sign(payload: Data("x".utf8), keys: [])
        }
    }

    @Test func errorDescriptionsAreOneLine() {
        let errors: [EnvelopeError] = [
            .tooLarge(size: 1, limit: 0), .notJSON("x"), .missingField("payload"),
            .wrongType(field: "a", expected: "b", found: "c"), .invalidBase64(field: "sig"),
            .tooManySignatures(count: 2, limit: 1), .noSignatures,
        ]
        for error in errors {
            #expect(!error.description.isEmpty)
            #expect(!error.description.contains("\n"))
        }
    }

    @Test func parsesTheSpecVectorText() throws {
        let envelope = try parse(Self.helloJSON)
        #expect(envelope.payload == Data("hello world".utf8))
    }
}
