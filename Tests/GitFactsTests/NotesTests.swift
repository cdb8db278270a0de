import Foundation
import GitFacts
import TestSupport
import Testing

/// Evidence notes under refs/notes/release-audit, read back with `git notes`.
@Suite struct NotesTests {
    @Test func appendCreatesAndExtendsTheNoteAsGitShowsIt() throws {
        try withTemporaryDirectory { dir in
            let git = try GitRepo.create(in: dir)
            let first = try git.id(git.commit("c1"))
            let second = try git.id(git.commit("c2"))
            let repo = try git.open()
            #expect(try repo.note(on: first) == nil)
            #expect(try repo.resolveReference(Repository.evidenceNotesRef) == nil)

            try repo.appendNoteLine("one", to: first)
            try repo.appendNoteLine("two", to: first)
            try repo.appendNoteLine("other commit", to: second)
            #expect(try git.git("notes", "--ref=release-audit", "show", first.hex) == "one\ntwo")
            #expect(try git.git("notes", "--ref=release-audit", "show", second.hex) == "other commit")
            #expect(try repo.note(on: first) == "one\ntwo\n")
            #expect(try git.git("rev-list", "--count", "refs/notes/release-audit") == "3")
            #expect(try repo.resolveReference(Repository.evidenceNotesRef)?.hex == git.revParse("refs/notes/release-audit"))

            // A note git wrote first (under another ref too) is extended, not replaced.
            try git.git("notes", "--ref=release-audit", "add", "-f", "-m", "from git", second.hex)
            try repo.appendNoteLine("appended", to: second)
            #expect(try git.git("notes", "--ref=release-audit", "show", second.hex) == "from git\nappended")
            try git.git("notes", "--ref=other", "add", "-m", "elsewhere", first.hex)
            try repo.appendNoteLine("in other", to: first, ref: "refs/notes/other")
            #expect(try git.git("notes", "--ref=other", "show", first.hex) == "elsewhere\nin other")
            #expect(try git.git("notes", "--ref=release-audit", "show", first.hex) == "one\ntwo")
            #expect(try git.git("notes", "--ref=release-audit", "list").split(separator: "\n").count == 2)
            #expect(try git.git("fsck", "--strict", "--no-progress").isEmpty)
        }
    }

    /// A NUL byte in a note blob (written with git, which keeps every byte) must not end the note:
    /// a line after it (a newer FAILED record, say) is as much part of it as `git notes show` says.
    /// Bytes that are not UTF-8 are kept by an append, too.
    @Test func aNoteIsReadAndExtendedWholePastANULByte() throws {
        try withTemporaryDirectory { dir in
            let git = try GitRepo.create(in: dir)
            let commit = try git.id(git.commit("c1"))
            var bytes = Array("line1\n\0junk\nline3 ".utf8)
            bytes += [0xFF, 0x0A]  // not UTF-8
            let file = dir.appendingPathComponent("note-blob")
            try Data(bytes).write(to: file)
            let blob = try git.git("hash-object", "-w", file.path)
            try git.git("notes", "--ref=release-audit", "add", "-f", "-C", blob, commit.hex)
            #expect(try git.git("notes", "--ref=release-audit", "list", commit.hex) == blob)
            let shown = try git.run(["cat-file", "blob", blob])
            #expect(shown.stdout == String(decoding: bytes, as: UTF8.self))

            let repo = try git.open()
            #expect(try repo.note(on: commit) == String(decoding: bytes, as: UTF8.self))
            #expect(try repo.note(on: commit)?.contains("line3") == true)

            try repo.appendNoteLine("line4", to: commit)
            let extended = try git.git("notes", "--ref=release-audit", "list", commit.hex)
            let written = try blobBytes(in: git, extended)
            #expect(written == bytes + Array("line4\n".utf8))
            #expect(try repo.note(on: commit) == String(decoding: written, as: UTF8.self))
            #expect(try git.git("rev-list", "--count", "refs/notes/release-audit") == "2")
            #expect(try git.git("fsck", "--strict", "--no-progress").isEmpty)
        }
    }

    /// Appends find the note where git put it, even in a fanned-out notes tree (`ab/cdef...`, which
    /// git writes once a notes tree is large), and replace it there rather than adding a second one.
    @Test func appendsFindANoteInAFannedOutNotesTree() throws {
        try withTemporaryDirectory { dir in
            let git = try GitRepo.create(in: dir)
            let commit = try git.id(git.commit("c1"))
            let other = try git.id(git.commit("c2"))
            let blob = try git.hashObject(type: "blob", "from git\n")
            let hex = commit.hex
            let inner = try git.git(["mktree"], stdin: "100644 blob \(blob)\t\(hex.dropFirst(2))\n")
            let root = try git.git(["mktree"], stdin: "040000 tree \(inner)\t\(hex.prefix(2))\n")
            let notes = try git.git("commit-tree", root, "-m", "fanned out")
            try git.git("update-ref", Repository.evidenceNotesRef, notes)
            #expect(try git.git("notes", "--ref=release-audit", "show", hex) == "from git")

            let repo = try git.open()
            try repo.appendNoteLine("appended", to: commit)
            try repo.appendNoteLine("other", to: other)
            #expect(try git.git("notes", "--ref=release-audit", "show", hex) == "from git\nappended")
            #expect(try git.git("notes", "--ref=release-audit", "show", other.hex) == "other")
            let paths = try git.git("ls-tree", "-r", "--name-only", Repository.evidenceNotesRef).split(separator: "\n")
            #expect(Set(paths.map(String.init)) == ["\(hex.prefix(2))/\(hex.dropFirst(2))", other.hex])
            #expect(try git.git("fsck", "--strict", "--no-progress").isEmpty)
        }
    }

    /// The bytes of a blob, as `git cat-file blob` prints them.
    private func blobBytes(in git: GitRepo, _ id: String) throws -> [UInt8] {
        let out = try TemporaryDirectory(prefix: "blob")
        let file = out.appending("blob")
        _ = try runProcess("/bin/sh", ["-c", "git cat-file blob \"$1\" > \"$2\"", "sh", id, file.path],
                           environment: git.environment(), currentDirectory: git.url)
        return Array(try Data(contentsOf: file))
    }

    /// 50 threads, each with its own `Repository`, append at once: the compare-and-swap on the
    /// notes ref must let every line in exactly once.
    @Test func fiftyConcurrentAppendersLeaveFiftyLines() throws {
        try withTemporaryDirectory { dir in
            let git = try GitRepo.create(in: dir)
            let commit = try git.id(git.commit("c1"))
            let lines = (0..<50).map { "thread \($0)" }
            let errors = try appendConcurrently(lines, to: commit, in: git.path)
            #expect(errors.isEmpty, "\(errors)")
            try expectNote(in: git, on: commit, holdsExactly: lines)
        }
    }

    /// The first append creates the notes ref: writers that all find it missing must not both
    /// "create" it, the later one overwriting the earlier one's note. Many fresh refs, many races.
    @Test func racingCreatorsOfTheNotesRefLoseNothing() throws {
        try withTemporaryDirectory { dir in
            let git = try GitRepo.create(in: dir)
            let commit = try git.id(git.commit("c1"))
            for round in 0..<25 {
                let ref = "refs/notes/race-\(round)"
                let lines = (0..<8).map { "round \(round) writer \($0)" }
                let errors = try appendConcurrently(lines, to: commit, in: git.path, ref: ref)
                #expect(errors.isEmpty, "\(errors)")
                let shown = try git.git("notes", "--ref=\(ref)", "show", commit.hex).split(separator: "\n").map(String.init)
                #expect(shown.sorted() == lines.sorted(), "round \(round)")
            }
        }
    }

    /// Several processes plus threads in this one, all appending at once: still no line lost or doubled.
    @Test func concurrentProcessesAndThreadsLeaveEveryLineOnce() throws {
        let testBinary = try #require(Bundle.main.executableURL, "the running test executable")
        try withTemporaryDirectory { dir in
            let git = try GitRepo.create(in: dir)
            let commit = try git.id(git.commit("c1"))
            let processes = 4, perProcess = 10
            let start = Date().addingTimeInterval(1.5).timeIntervalSince1970
            let children = LockedResults<ProcessOutput>()
            let group = DispatchGroup()
            for worker in 0..<processes {
                var env = ProcessInfo.processInfo.environment
                env[NotesWorker.repoKey] = git.path
                env[NotesWorker.commitKey] = commit.hex
                env[NotesWorker.prefixKey] = "process \(worker)"
                env[NotesWorker.countKey] = String(perProcess)
                env[NotesWorker.startKey] = String(start)
                let environment = env
                DispatchQueue.global().async(group: group) {
                    let args = ["--testing-library", "swift-testing", "--filter", "notesWorkerProcess"]
                    do {
                        children.append(try runProcess(testBinary.path, args, environment: environment))
                    } catch {
                        children.append((-1, "", "\(error)"))
                    }
                }
            }
            Thread.sleep(until: Date(timeIntervalSince1970: start))
            let ours = (0..<10).map { "parent thread \($0)" }
            let errors = try appendConcurrently(ours, to: commit, in: git.path)
            group.wait()
            #expect(errors.isEmpty, "\(errors)")
            for child in children.all {
                #expect(child.status == 0, "worker process: \(child.stderr) \(child.stdout.suffix(2000))")
            }
            let theirs = (0..<processes).flatMap { p in (0..<perProcess).map { "process \(p) line \($0)" } }
            try expectNote(in: git, on: commit, holdsExactly: ours + theirs)
        }
    }

    /// The worker `concurrentProcessesAndThreadsLeaveEveryLineOnce` starts in child processes; it
    /// runs only there (the environment names its repository).
    @Test(.enabled(if: NotesWorker.isWorker)) func notesWorkerProcess() throws {
        let env = ProcessInfo.processInfo.environment
        let path = try #require(env[NotesWorker.repoKey])
        let commit = try ObjectID(hex: try #require(env[NotesWorker.commitKey]))
        let prefix = try #require(env[NotesWorker.prefixKey])
        let count = try #require(env[NotesWorker.countKey].flatMap { Int($0) })
        if let start = env[NotesWorker.startKey].flatMap(Double.init) {
            Thread.sleep(until: Date(timeIntervalSince1970: start))
        }
        let errors = try appendConcurrently((0..<count).map { "\(prefix) line \($0)" }, to: commit, in: path)
        #expect(errors.isEmpty, "\(errors)")
    }

    /// Appends each line from its own thread, each thread with its own `Repository`, all released at
    /// once; returns the errors the threads met.
    private func appendConcurrently(_ lines: [String], to commit: ObjectID, in path: String,
                                    ref: String = Repository.evidenceNotesRef) throws -> [String] {
        let errors = LockedResults<String>()
        let ready = DispatchGroup(), done = DispatchGroup()
        let gate = DispatchSemaphore(value: 0)
        for line in lines {
            ready.enter()
            done.enter()
            let thread = Thread {
                defer { done.leave() }
                do {
                    let repo = try Repository(at: path)
                    ready.leave()
                    gate.wait()
                    try repo.appendNoteLine(line, to: commit, ref: ref)
                } catch {
                    errors.append("\(line): \(error)")
                }
            }
            thread.start()
        }
        ready.wait()
        for _ in lines { gate.signal() }
        done.wait()
        return errors.all
    }

    /// The note, read by `git notes show`, holds each expected line exactly once and nothing else.
    private func expectNote(in git: GitRepo, on commit: ObjectID, holdsExactly expected: [String],
                            sourceLocation: SourceLocation = #_sourceLocation) throws {
        let shown = try git.git("notes", "--ref=release-audit", "show", commit.hex).split(separator: "\n").map(String.init)
        #expect(shown.count == expected.count, sourceLocation: sourceLocation)
        #expect(shown.sorted() == expected.sorted(), sourceLocation: sourceLocation)
        // Each append is one notes commit on a single line of history.
        #expect(try git.git("rev-list", "--count", "refs/notes/release-audit") == String(expected.count), sourceLocation: sourceLocation)
        #expect(try git.git("rev-list", "--merges", "refs/notes/release-audit").isEmpty, sourceLocation: sourceLocation)
    }
}

/// The environment that turns this test binary into a notes-appending worker process.
enum NotesWorker {
    static let repoKey = "RELEASE_AUDIT_NOTES_WORKER_REPO"
    static let commitKey = "RELEASE_AUDIT_NOTES_WORKER_COMMIT"
    static let prefixKey = "RELEASE_AUDIT_NOTES_WORKER_PREFIX"
    static let countKey = "RELEASE_AUDIT_NOTES_WORKER_COUNT"
    static let startKey = "RELEASE_AUDIT_NOTES_WORKER_START"
    static var isWorker: Bool { ProcessInfo.processInfo.environment[repoKey] != nil }
}

/// Values collected from several threads.
final class LockedResults<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [Value] = []
    func append(_ value: Value) { lock.withLock { values.append(value) } }
    var all: [Value] { lock.withLock { values } }
}
