import Foundation
import GitFacts
import TestSupport
import Testing

/// `commitGraph(reachableFrom:)` reading parents from git's commit-graph file: the same answers as
/// the walks over the objects, with the file fresh, stale, or not usable.
@Suite struct CommitGraphFileTests {
    /// Two branches, an octopus merge (its third parent is in the file's EDGE chunk) and a merge.
    private func makeHistory(in dir: URL) throws -> GitRepo {
        let git = try GitRepo.create(in: dir)
        for i in 1...3 { try git.commit("main \(i)", files: ["m": "\(i)\n"]) }
        try git.git("checkout", "-q", "-b", "side", "HEAD~2")
        try git.commit("side 1", files: ["s": "1\n"])
        try git.git("checkout", "-q", "-b", "third", "main~1")
        try git.commit("third 1", files: ["t": "1\n"])
        try git.git("checkout", "-q", "main")
        try git.git("merge", "-q", "--no-ff", "-m", "octopus", "side", "third")
        try git.commit("main 4", files: ["m": "4\n"])
        try git.git("checkout", "-q", "-b", "feature", "main~1")
        try git.commit("feature 1", files: ["f": "1\n"])
        try git.git("checkout", "-q", "main")
        try git.git("merge", "-q", "--no-ff", "-m", "merge feature", "feature")
        return git
    }

    private func graphPath(_ git: GitRepo) -> String { git.url.appendingPathComponent(".git/objects/info/commit-graph").path }

    /// Every pair of commits: the graph's counts and ancestry against `Repository`'s walks.
    private func expectAgreement(_ git: GitRepo, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let repo = try git.open()
        // (git itself is told not to read the file: git 2.39 crashes on some of the damaged ones.)
        let ids = try git.git("-c", "core.commitGraph=false", "rev-list", "--all").split(separator: "\n").map { try ObjectID(hex: String($0)) }
        let graph = try repo.commitGraph(reachableFrom: [try git.id("main"), try git.id("feature")])
        #expect(graph.count == ids.count, sourceLocation: sourceLocation)
        for from in ids {
            for to in ids {
                let exact = try repo.aheadBehind(from: from, to: to)
                let fromGraph = try #require(graph.aheadBehind(from: from, to: to), sourceLocation: sourceLocation)
                #expect(fromGraph.ahead == exact.ahead && fromGraph.behind == exact.behind, "\(from.short)..\(to.short)",
                        sourceLocation: sourceLocation)
            }
        }
    }

    @Test func parentsFromAFreshFileAndFromObjectsForCommitsMadeSince() throws {
        try withTemporaryDirectory { dir in
            let git = try makeHistory(in: dir)
            try git.git("commit-graph", "write", "--reachable")
            #expect(FileManager.default.fileExists(atPath: graphPath(git)))
            try expectAgreement(git)
            // Commits the file does not list: read from their objects, joined to those it does.
            try git.commit("main 5", files: ["m": "5\n"])
            try git.git("checkout", "-q", "feature")
            try git.commit("feature 2", files: ["f": "2\n"])
            try git.git("checkout", "-q", "main")
            try git.git("merge", "-q", "--no-ff", "-m", "merge feature again", "feature")
            try expectAgreement(git)
        }
    }

    /// A file that is not exactly a commit-graph (truncated, another hash, a split chain's layer)
    /// is not used; the answers are the objects' own.
    @Test(arguments: ["truncated", "wrong magic", "SHA-256", "chunk past the end"])
    func aFileThatIsNotWellFormedIsIgnored(damage: String) throws {
        try withTemporaryDirectory { dir in
            let git = try makeHistory(in: dir)
            try git.git("commit-graph", "write", "--reachable")
            var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: graphPath(git))))
            switch damage {
            case "truncated": bytes = Array(bytes.prefix(bytes.count / 2))
            case "wrong magic": bytes[0] = UInt8(ascii: "X")
            case "SHA-256": bytes[5] = 2
            default: bytes[8 + 4 + 7] = 0xFF  // the first chunk's offset, far beyond the file
            }
            try FileManager.default.removeItem(atPath: graphPath(git))
            try Data(bytes).write(to: URL(fileURLWithPath: graphPath(git)))
            try expectAgreement(git)
        }
    }

    /// A parent position outside the file is a corrupt file: a clear error, not a wrong answer.
    @Test func aParentOutsideTheFileIsAnError() throws {
        try withTemporaryDirectory { dir in
            let git = try makeHistory(in: dir)
            try git.git("commit-graph", "write", "--reachable")
            var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: graphPath(git))))
            // Find the CDAT chunk in the table of contents; point every first parent far away.
            let chunks = Int(bytes[6])
            let table = (0..<chunks).map { i -> (id: String, offset: Int) in
                let entry = 8 + i * 12
                let offset = bytes[(entry + 4)..<(entry + 12)].reduce(0) { $0 << 8 | Int($1) }
                return (String(decoding: bytes[entry..<(entry + 4)], as: UTF8.self), offset)
            }
            let cdat = try #require(table.first { $0.id == "CDAT" }).offset
            let count = try git.git("rev-list", "--count", "--all")
            for i in 0..<Int(count)! {
                let slot = cdat + i * 36 + 20
                if bytes[slot..<(slot + 4)] != [0x70, 0, 0, 0] { bytes.replaceSubrange(slot..<(slot + 4), with: [0x0F, 0xFF, 0xFF, 0xFF]) }
            }
            try FileManager.default.removeItem(atPath: graphPath(git))
            try Data(bytes).write(to: URL(fileURLWithPath: graphPath(git)))
            let repo = try git.open()
            #expect {
                try repo.commitGraph(reachableFrom: [try git.id("main")])
            } throws: { error in
                String(describing: error).contains("commit-graph file is corrupt")
            }
        }
    }
}
