import Foundation
import TestSupport
import Yams

/// Runs a job of the example GitHub Actions workflows (examples/github-actions) on this machine,
/// step by step as a runner would: `run:` steps with bash (`-eo pipefail`), the `env:` and
/// `with:` expressions a runner evaluates, step outputs through `$GITHUB_OUTPUT`, `if:`
/// conditions, and this repository's own action (`uses: ./release-audit`, its composite steps).
///
/// What the runner's marketplace actions do is done here for real where it matters: `actions/
/// checkout` is a fresh `git clone` of the origin (a local bare repository) at the pushed commit,
/// optionally re-creating the pushed tag as a lightweight one, as actions/checkout can;
/// `actions/upload-artifact` and `actions/download-artifact` copy files through a directory of
/// the run; `actions/cache` restores nothing. Jobs run one at a time as the test calls them, each
/// in a workspace of its own; `needs` are the results the test passes in.
/// There is no container engine or cluster on a CI machine, so `docker`, `k3d` and `gh` are small
/// scripts on PATH that log what they were asked and answer `docker image inspect` with a digest.
/// Expressions outside the subset the examples use are an error, so the examples stay runnable.
final class WorkflowRunner: @unchecked Sendable {  // only lets after init; jobs get their own state
    let root: URL
    let origin: String
    let secrets: [String: String]
    let shimLog: String
    private let shims: URL

    init(root: URL, origin: String, secrets: [String: String]) throws {
        self.root = root
        self.origin = origin
        self.secrets = secrets
        shims = root.appendingPathComponent("shims")
        shimLog = root.appendingPathComponent("shims.log").path
        try FileManager.default.createDirectory(at: shims, withIntermediateDirectories: true)
        let log = shimLog
        let scripts = [
            "docker": """
                #!/usr/bin/env bash
                echo "docker $*" >> '\(log)'
                if [[ "$1 $2" == "image inspect" ]]; then printf 'sha256:%s\\n' "$(printf '%s' "${@: -1}" | sha256sum | cut -c1-64)"; fi
                if [[ "$1 $2" == "save --output" ]]; then printf 'images\\n' > "$3"; fi
                if [[ "$1 $2" == "load --input" && ! -f "$3" ]]; then echo "docker load: no $3" >&2; exit 1; fi
                """,
            "k3d": "#!/usr/bin/env bash\necho \"k3d $*\" >> '\(log)'\n",
            "gh": "#!/usr/bin/env bash\necho \"gh $*\" >> '\(log)'\n",
        ]
        for (name, text) in scripts {
            let path = shims.appendingPathComponent(name).path
            try Data((text + "\n").utf8).write(to: URL(fileURLWithPath: path))
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
        }
    }

    /// What one job did.
    struct JobResult {
        var succeeded = true
        /// The ids (or names) of the steps that ran, in order.
        var ran: [String] = []
        var outputs: [String: [String: String]] = [:]
        /// The job's own `outputs:`, for the jobs that need it.
        var jobOutputs: [String: String] = [:]
        /// The job's `if:` was false: nothing ran.
        var skipped = false
        var log = ""
        var summary = ""
    }

    /// The push that triggered the run.
    struct Push {
        let ref: String  // refs/heads/main, refs/tags/v1.0.0
        let sha: String
        var name: String { ref.split(separator: "/", maxSplits: 2).last.map(String.init) ?? ref }
        var isTag: Bool { ref.hasPrefix("refs/tags/") }
    }

    struct Unsupported: Error, CustomStringConvertible { let description: String }

    /// Runs job `job` of `workflow` (a file under examples/github-actions) for `push`.
    /// `lightweightTag` re-creates the pushed tag as a lightweight one after each checkout;
    /// `skipping` names step ids left out (a workflow without that step).
    /// `needs` holds the results of the jobs this one needs; `run` names the workflow run, whose
    /// jobs share artifacts.
    func run(_ workflow: String, job: String, push: Push, matrix: [String: String] = [:], needs: [String: JobResult] = [:],
             lightweightTag: Bool = false, skipping: Set<String> = [], run: String = "", name: String) throws -> JobResult {
        let file = packageRoot.appendingPathComponent("examples/github-actions/\(workflow)")
        guard let document = try Yams.load(yaml: String(contentsOf: file, encoding: .utf8)) as? [String: Any],
              let jobs = document["jobs"] as? [String: Any], let definition = jobs[job] as? [String: Any],
              let steps = definition["steps"] as? [[String: Any]] else {
            throw Unsupported(description: "\(workflow): no job \(job) with steps")
        }
        let jobRoot = root.appendingPathComponent("jobs/\(name)")
        let workspace = jobRoot.appendingPathComponent("workspace")
        let temp = jobRoot.appendingPathComponent("temp")
        for dir in [workspace, temp] { try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true) }
        let summary = temp.appendingPathComponent("step-summary.md").path
        _ = FileManager.default.createFile(atPath: summary, contents: nil)

        var base = toolEnvironment(home: jobRoot)
        base["GITHUB_ACTIONS"] = "true"
        base["CI"] = "true"
        base["GITHUB_SHA"] = push.sha
        base["GITHUB_REF"] = push.ref
        base["GITHUB_REF_NAME"] = push.name
        base["GITHUB_REF_TYPE"] = push.isTag ? "tag" : "branch"
        base["GITHUB_REPOSITORY"] = "example/widget"
        base["GITHUB_SERVER_URL"] = "https://github.com"
        base["GITHUB_RUN_ID"] = String(abs(name.hashValue % 100_000))
        base["GITHUB_RUN_ATTEMPT"] = "1"
        base["GITHUB_WORKFLOW"] = workflow
        base["GITHUB_JOB"] = job
        base["GITHUB_WORKSPACE"] = workspace.path
        base["RUNNER_TEMP"] = temp.path
        base["GITHUB_STEP_SUMMARY"] = summary
        let binaryDirectory = URL(fileURLWithPath: try releaseAuditBinary).deletingLastPathComponent().path
        base["PATH"] = "\(shims.path):\(binaryDirectory):\(base["PATH"] ?? "/usr/bin:/bin")"

        var result = JobResult()
        var context = Context(push: push, matrix: matrix, secrets: secrets, temp: temp.path, steps: [:], inputs: [:],
                              needs: needs)
        let declared = Set((definition["needs"] as? [String]) ?? (definition["needs"] as? String).map { [$0] } ?? [])
        guard declared == Set(needs.keys) else {
            throw Unsupported(description: "\(workflow) job \(job) needs \(declared.sorted()), given \(needs.keys.sorted())")
        }
        if let condition = definition["if"] as? String,
           try !context.condition(condition, failed: needs.values.contains { !$0.succeeded }) {
            var skipped = JobResult()
            skipped.skipped = true
            return skipped
        }
        let artifacts = root.appendingPathComponent("artifacts/\(run.isEmpty ? name : run)")
        for (index, step) in steps.enumerated() {
            let id = step["id"] as? String ?? "step\(index)"
            if skipping.contains(id) { continue }
            if let condition = step["if"] as? String {
                guard try context.condition(condition, failed: !result.succeeded) else { continue }
            } else if !result.succeeded {
                continue
            }
            result.ran.append(id)
            let ok: Bool
            if let uses = step["uses"] as? String {
                ok = try runUses(uses, step: step, id: id, context: &context, base: base, workspace: workspace, push: push,
                                 lightweightTag: lightweightTag, artifacts: artifacts, result: &result)
            } else if let script = step["run"] as? String {
                let env = try context.environment(step["env"], base: base)
                let directory = (step["working-directory"] as? String).map { workspace.appendingPathComponent($0) } ?? workspace
                let (status, outputs) = try bash(script, env: env, in: directory, outputFile: temp.appendingPathComponent("\(id).out").path,
                                                 log: &result.log, label: id)
                context.steps[id] = outputs
                ok = status == 0
            } else {
                throw Unsupported(description: "\(workflow) step \(id): neither uses nor run")
            }
            if !ok { result.succeeded = false }
        }
        result.outputs = context.steps
        result.jobOutputs = try context.strings(definition["outputs"])
        result.summary = (try? String(contentsOfFile: summary, encoding: .utf8)) ?? ""
        return result
    }

    private func runUses(_ uses: String, step: [String: Any], id: String, context: inout Context, base: [String: String],
                         workspace: URL, push: Push, lightweightTag: Bool, artifacts: URL, result: inout JobResult) throws -> Bool {
        let with = try context.strings(step["with"])
        if uses.hasPrefix("actions/checkout@") {
            // release-audit itself is the repository under test: nothing to fetch.
            if with["repository"] == "release-audit/release-audit" { return true }
            let path = workspace.appendingPathComponent(with["path"] ?? ".").path
            let depth = with["fetch-depth"].flatMap(Int.init) ?? 1
            // A shallow clone needs a file:// URL (a plain path clones everything).
            let clone = ["clone", "-q", "--no-checkout"]
                + (depth > 0 ? ["--depth", String(depth), "--no-single-branch", "file://" + origin] : [origin]) + [path]
            var ok = try git(clone, in: workspace, env: base, log: &result.log)
            ok = try ok && git(["checkout", "-q", "--detach", push.sha], in: URL(fileURLWithPath: path), env: base, log: &result.log)
            if ok, lightweightTag, push.isTag {
                ok = try git(["tag", "-f", push.name, "\(push.sha)^{commit}"], in: URL(fileURLWithPath: path), env: base, log: &result.log)
            }
            return ok
        }
        let files = FileManager.default
        if uses.hasPrefix("actions/upload-artifact@") {
            // One file per artifact is all the examples upload; a missing one fails the step.
            guard let name = with["name"], let path = with["path"], files.fileExists(atPath: path) else { return false }
            let directory = artifacts.appendingPathComponent(name)
            guard !files.fileExists(atPath: directory.path) else { return false }  // names are unique in a run
            try files.createDirectory(at: directory, withIntermediateDirectories: true)
            try files.copyItem(atPath: path, toPath: directory.appendingPathComponent((path as NSString).lastPathComponent).path)
            return true
        }
        if uses.hasPrefix("actions/download-artifact@") {
            // Without a name: every artifact of the run, each in a directory named after it.
            guard with["name"] == nil, let path = with["path"], files.fileExists(atPath: artifacts.path) else { return false }
            try files.createDirectory(atPath: path, withIntermediateDirectories: true)
            for name in try files.contentsOfDirectory(atPath: artifacts.path) {
                try files.copyItem(at: artifacts.appendingPathComponent(name), to: URL(fileURLWithPath: path).appendingPathComponent(name))
            }
            return true
        }
        guard uses == "./release-audit" else { throw Unsupported(description: "step \(id): uses \(uses)") }

        // The composite action at the repository root.
        let action = try Yams.load(yaml: String(contentsOf: packageRoot.appendingPathComponent("action.yml"), encoding: .utf8)) as? [String: Any]
        let inputs = action?["inputs"] as? [String: [String: Any]] ?? [:]
        for name in with.keys where inputs[name] == nil { throw Unsupported(description: "step \(id): the action has no input \(name)") }
        var inner = context
        inner.inputs = inputs.mapValues { "\($0["default"] ?? "")" }.merging(with) { $1 }
        inner.steps = [:]
        inner.actionPath = packageRoot.path
        let steps = (action?["runs"] as? [String: Any])?["steps"] as? [[String: Any]] ?? []
        var ok = true
        for (index, step) in steps.enumerated() {
            if let condition = step["if"] as? String, try !inner.condition(condition, failed: !ok) { continue }
            if step["uses"] != nil { continue }  // actions/cache: nothing to restore here
            guard let script = step["run"] as? String else { continue }
            let stepID = step["id"] as? String ?? "inner\(index)"
            let env = try inner.environment(step["env"], base: base)
            let (status, outputs) = try bash(script, env: env, in: workspace, outputFile: URL(fileURLWithPath: context.temp)
                .appendingPathComponent("\(id)-\(stepID).out").path, log: &result.log, label: "\(id)/\(stepID)")
            inner.steps[stepID] = outputs
            if status != 0 { ok = false; break }
        }
        var outputs: [String: String] = [:]
        for (name, spec) in action?["outputs"] as? [String: [String: Any]] ?? [:] {
            outputs[name] = try inner.evaluate("\(spec["value"] ?? "")")
        }
        context.steps[id] = outputs
        return ok
    }

    private func git(_ arguments: [String], in directory: URL, env: [String: String], log: inout String) throws -> Bool {
        let result = try runProcess("git", arguments, environment: env, currentDirectory: directory)
        log += "$ git \(arguments.joined(separator: " "))\n\(result.stdout)\(result.stderr)"
        return result.status == 0
    }

    /// Runs a script as GitHub's `shell: bash` does, and reads the outputs it wrote.
    private func bash(_ script: String, env: [String: String], in directory: URL, outputFile: String,
                      log: inout String, label: String) throws -> (Int32, [String: String]) {
        _ = FileManager.default.createFile(atPath: outputFile, contents: nil)
        var env = env
        env["GITHUB_OUTPUT"] = outputFile
        let result = try runProcess("bash", ["--noprofile", "--norc", "-eo", "pipefail", "-c", script], environment: env,
                                    currentDirectory: directory, timeout: 600)
        log += "--- \(label) (exit \(result.status))\n\(result.stdout)\(result.stderr)"
        return (result.status, Self.parseOutputs(try String(contentsOfFile: outputFile, encoding: .utf8)))
    }

    /// `name=value` lines and `name<<DELIMITER` blocks, as the runner reads `$GITHUB_OUTPUT`.
    static func parseOutputs(_ text: String) -> [String: String] {
        var outputs: [String: String] = [:]
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)[...]
        while let line = lines.popFirst() {
            if let range = line.range(of: "<<") {
                let name = String(line[..<range.lowerBound]), delimiter = String(line[range.upperBound...])
                var value: [Substring] = []
                while let next = lines.popFirst(), next != delimiter { value.append(next) }
                outputs[name] = value.joined(separator: "\n")
            } else if let equals = line.firstIndex(of: "=") {
                outputs[String(line[..<equals])] = String(line[line.index(after: equals)...])
            }
        }
        return outputs
    }

    /// The expression contexts a job's steps see.
    struct Context {
        let push: Push
        let matrix: [String: String]
        let secrets: [String: String]
        let temp: String
        var steps: [String: [String: String]]
        var inputs: [String: String]
        var actionPath: String?
        var needs: [String: JobResult] = [:]

        func value(_ expression: String) throws -> String {
            let parts = expression.split(separator: ".").map(String.init)
            switch (parts.first, parts.count) {
            case ("github", 2):
                switch parts[1] {
                case "sha": return push.sha
                case "ref": return push.ref
                case "ref_name": return push.name
                case "token": return "test-token"
                case "action_path": if let actionPath { return actionPath }
                case "repository": return "example/widget"
                default: break
                }
            case ("github", 4) where parts[1...] == ["event", "repository", "default_branch"]: return "main"
            case ("needs", 4) where parts[2] == "outputs":
                if let job = needs[parts[1]] { return job.jobOutputs[parts[3]] ?? "" }
            case ("secrets", 2): return secrets[parts[1]] ?? ""
            case ("matrix", 2): return matrix[parts[1]] ?? ""
            case ("inputs", 2): return inputs[parts[1]] ?? ""
            case ("runner", 2) where parts[1] == "temp": return temp
            case ("steps", 4) where parts[2] == "outputs": return steps[parts[1]]?[parts[3]] ?? ""
            default: break
            }
            throw Unsupported(description: "expression ${{ \(expression) }}")
        }

        /// Replaces every `${{ ... }}` in `text`.
        func evaluate(_ text: String) throws -> String {
            var out = ""
            var rest = Substring(text)
            while let open = rest.range(of: "${{") {
                guard let close = rest[open.upperBound...].range(of: "}}") else { break }
                out += rest[..<open.lowerBound]
                out += try value(rest[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces))
                rest = rest[close.upperBound...]
            }
            return out + rest
        }

        /// `if:` as the examples write it: a status function, or `X == 'literal'` (with the
        /// implied `success() &&`).
        func condition(_ text: String, failed: Bool) throws -> Bool {
            var expression = text.trimmingCharacters(in: .whitespaces)
            if expression.hasPrefix("${{"), expression.hasSuffix("}}") {
                expression = String(expression.dropFirst(3).dropLast(2)).trimmingCharacters(in: .whitespaces)
            }
            if ["success() || failure()", "always()", "!cancelled()"].contains(expression) { return true }
            if let range = expression.range(of: " == '"), expression.hasSuffix("'") {
                let left = try value(String(expression[..<range.lowerBound]))
                let literal = String(expression[range.upperBound...].dropLast())
                return !failed && left == literal
            }
            throw Unsupported(description: "if: \(text)")
        }

        func strings(_ mapping: Any?) throws -> [String: String] {
            var out: [String: String] = [:]
            for (key, value) in mapping as? [String: Any] ?? [:] { out[key] = try evaluate("\(value)") }
            return out
        }

        func environment(_ mapping: Any?, base: [String: String]) throws -> [String: String] {
            base.merging(try strings(mapping)) { $1 }
        }
    }
}
