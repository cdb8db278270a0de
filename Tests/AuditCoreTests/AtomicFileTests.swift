import AuditCore
import Foundation
import Testing

/// Atomic writes: never replace without asking, exact permissions, nothing left behind.
@Suite struct AtomicFileTests {
    typealias Kit = SigningTestKit

    func entries(_ dir: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: dir).sorted()
    }

    @Test func writesANewFile() throws {
        try Kit.withScratchDirectory { dir in
            let path = dir + "/out.json"
            try AtomicFile.write(Data("one".utf8), to: path, overwrite: false)
            #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == Data("one".utf8))
            #expect(try entries(dir) == ["out.json"])
        }
    }

    @Test func neverReplacesWithoutOverwrite() throws {
        try Kit.withScratchDirectory { dir in
            let path = dir + "/out.json"
            try Kit.writeFile(path, "original", mode: 0o644)
            #expect(throws: AtomicFileError.exists(path: path)) {
                try AtomicFile.write(Data("new".utf8), to: path, overwrite: false)
            }
            #expect(try String(contentsOfFile: path, encoding: .utf8) == "original")
            #expect(try entries(dir) == ["out.json"])
            #expect(AtomicFileError.exists(path: path).description == "\(path) already exists; pass --force to replace it")

            try AtomicFile.write(Data("new".utf8), to: path, overwrite: true)
            #expect(try String(contentsOfFile: path, encoding: .utf8) == "new")
            #expect(try entries(dir) == ["out.json"])
        }
    }

    @Test func doesNotFollowOrReplaceSymlinksWithoutOverwrite() throws {
        try Kit.withScratchDirectory { dir in
            let target = dir + "/target"
            let link = dir + "/link"
            try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)  // dangling
            #expect(throws: AtomicFileError.exists(path: link)) {
                try AtomicFile.write(Data("x".utf8), to: link, overwrite: false)
            }
            #expect(!FileManager.default.fileExists(atPath: target))
            #expect(try entries(dir) == ["link"])
        }
    }

    @Test func setsExactPermissionsWhateverTheUmask() throws {
        try Kit.withScratchDirectory { dir in
            for mode in [0o600, 0o644, 0o640] {
                let path = dir + "/file-\(String(mode, radix: 8))"
                try AtomicFile.write(Data("x".utf8), to: path, overwrite: false, permissions: mode)
                #expect(try Kit.mode(path) == mode)
                // Replacing an existing file gives the new mode too.
                try Kit.writeFile(path, "old", mode: 0o666)
                try AtomicFile.write(Data("y".utf8), to: path, overwrite: true, permissions: mode)
                #expect(try Kit.mode(path) == mode)
            }
        }
    }

    @Test func failureLeavesNoFileBehind() throws {
        try Kit.withScratchDirectory { dir in
            let missing = dir + "/no-such-dir/out.json"
            do {
                try AtomicFile.write(Data("x".utf8), to: missing, overwrite: true)
                Issue.record("expected an error")
            } catch let error as AtomicFileError {
                #expect(error.description.hasPrefix("cannot write \(missing):"))
            }
            // Renaming onto a non-empty directory fails after the temporary file was written.
            let directory = dir + "/taken"
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: false)
            try Kit.writeFile(directory + "/inside", "x")
            #expect(throws: AtomicFileError.self) { try AtomicFile.write(Data("x".utf8), to: directory, overwrite: true) }
            #expect(throws: AtomicFileError.exists(path: directory)) { try AtomicFile.write(Data("x".utf8), to: directory, overwrite: false) }
            #expect(try entries(dir) == ["taken"])
        }
    }

    @Test func concurrentWritersWithoutOverwriteLeaveExactlyOneWinner() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("signing-test-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/race"
        let results = await withTaskGroup(of: Bool.self) { group in
            for index in 0..<8 {
                group.addTask {
                    (try? AtomicFile.write(Data("writer \(index)".utf8), to: path, overwrite: false)) != nil
                }
            }
            return await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(results.filter { $0 }.count == 1)
        #expect(try String(contentsOfFile: path, encoding: .utf8).hasPrefix("writer "))
        #expect(try entries(dir) == ["race"])
    }

    @Test func writesLargeAndEmptyFiles() throws {
        try Kit.withScratchDirectory { dir in
            let big = Data((0..<3_000_000).map { UInt8(truncatingIfNeeded: $0 &* 31) })
            try AtomicFile.write(big, to: dir + "/big", overwrite: false)
            #expect(try Data(contentsOf: URL(fileURLWithPath: dir + "/big")) == big)
            try AtomicFile.write(Data(), to: dir + "/empty", overwrite: false)
            #expect(try Data(contentsOf: URL(fileURLWithPath: dir + "/empty")).isEmpty)
            #expect(try entries(dir) == ["big", "empty"])
        }
    }
}
