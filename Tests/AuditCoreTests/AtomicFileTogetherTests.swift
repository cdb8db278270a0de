import AuditCore
import Foundation
import Testing

/// `AtomicFile.writeTogether`: several files put in place all at once, or none of them.
@Suite struct AtomicFileTogetherTests {
    typealias Kit = SigningTestKit

    func entries(_ dir: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: dir).sorted()
    }

    @Test func writesEveryFile() throws {
        try Kit.withScratchDirectory { dir in
            try AtomicFile.writeTogether([(Data("r".utf8), dir + "/report.json"), (Data("v".utf8), dir + "/vsa.json")], overwrite: false)
            #expect(try String(contentsOfFile: dir + "/report.json", encoding: .utf8) == "r")
            #expect(try String(contentsOfFile: dir + "/vsa.json", encoding: .utf8) == "v")
            #expect(try entries(dir) == ["report.json", "vsa.json"])
        }
    }

    @Test func aFileThatCannotBeWrittenLeavesTheOthersAsTheyWere() throws {
        try Kit.withScratchDirectory { dir in
            try Kit.writeFile(dir + "/report.json", "old report", mode: 0o644)
            // /proc takes no new files, not even from root.
            #expect(throws: AtomicFileError.self) {
                try AtomicFile.writeTogether([(Data("new".utf8), dir + "/report.json"), (Data("v".utf8), "/proc/release-audit-test.json")],
                                             overwrite: true)
            }
            #expect(try String(contentsOfFile: dir + "/report.json", encoding: .utf8) == "old report")
            #expect(try entries(dir) == ["report.json"])
        }
    }

    @Test func aFailureWhilePlacingTakesBackWhatWasPlaced() throws {
        try Kit.withScratchDirectory { dir in
            try Kit.writeFile(dir + "/report.json", "old report", mode: 0o644)
            // The second name is a directory: it can be staged beside, never replaced by a file.
            try FileManager.default.createDirectory(atPath: dir + "/vsa.json", withIntermediateDirectories: false)
            try Kit.writeFile(dir + "/vsa.json/keep", "x", mode: 0o644)
            #expect(throws: AtomicFileError.self) {
                try AtomicFile.writeTogether([(Data("new".utf8), dir + "/report.json"), (Data("v".utf8), dir + "/vsa.json")],
                                             overwrite: true)
            }
            #expect(try String(contentsOfFile: dir + "/report.json", encoding: .utf8) == "old report")
            #expect(try entries(dir) == ["report.json", "vsa.json"])
            #expect(try entries(dir + "/vsa.json") == ["keep"])
        }
    }

    @Test func withoutOverwriteAnExistingFileStopsThemAll() throws {
        try Kit.withScratchDirectory { dir in
            try Kit.writeFile(dir + "/vsa.json", "old vsa", mode: 0o644)
            #expect(throws: AtomicFileError.exists(path: dir + "/vsa.json")) {
                try AtomicFile.writeTogether([(Data("r".utf8), dir + "/report.json"), (Data("v".utf8), dir + "/vsa.json")], overwrite: false)
            }
            #expect(try entries(dir) == ["vsa.json"])
            #expect(try String(contentsOfFile: dir + "/vsa.json", encoding: .utf8) == "old vsa")
        }
    }
}
