/// Recognises the CI system a record is made in from its environment variables.
public enum CIEnvironment {
    /// The CI context described by an environment (pass `ProcessInfo.processInfo.environment`).
    ///
    /// Recognises GitHub Actions, GitLab CI, Buildkite, CircleCI and Jenkins; anything else is `local`.
    public static func detect(_ env: [String: String]) -> CIContext {
        func value(_ name: String) -> String? {
            guard let v = env[name], !v.isEmpty else { return nil }
            return v
        }
        if value("GITHUB_ACTIONS") == "true" {
            let server = value("GITHUB_SERVER_URL") ?? "https://github.com"
            var runURL: String?
            if let repo = value("GITHUB_REPOSITORY"), let run = value("GITHUB_RUN_ID") {
                runURL = "\(server)/\(repo)/actions/runs/\(run)"
                if let attempt = value("GITHUB_RUN_ATTEMPT") { runURL! += "/attempts/\(attempt)" }
            }
            return CIContext(provider: "github-actions", runID: value("GITHUB_RUN_ID"), runURL: runURL,
                             workflow: value("GITHUB_WORKFLOW_REF") ?? value("GITHUB_WORKFLOW"),
                             ref: value("GITHUB_REF"), event: value("GITHUB_EVENT_NAME"),
                             runner: value("RUNNER_NAME") ?? value("RUNNER_OS"), ciCommit: value("GITHUB_SHA"))
        }
        if value("GITLAB_CI") == "true" {
            let ref = value("CI_COMMIT_TAG").map { "refs/tags/\($0)" }
                ?? value("CI_MERGE_REQUEST_REF_PATH")
                ?? value("CI_COMMIT_BRANCH").map { "refs/heads/\($0)" }
                ?? value("CI_COMMIT_REF_NAME")
            return CIContext(provider: "gitlab-ci", runID: value("CI_PIPELINE_ID"),
                             runURL: value("CI_JOB_URL") ?? value("CI_PIPELINE_URL"),
                             workflow: value("CI_PROJECT_PATH").map { "\($0):\(value("CI_JOB_NAME") ?? "")" },
                             ref: ref, event: value("CI_PIPELINE_SOURCE"),
                             runner: value("CI_RUNNER_DESCRIPTION"), ciCommit: value("CI_COMMIT_SHA"))
        }
        if value("BUILDKITE") == "true" {
            let ref = value("BUILDKITE_TAG").map { "refs/tags/\($0)" } ?? value("BUILDKITE_BRANCH").map { "refs/heads/\($0)" }
            // Buildkite may report the commit as the literal "HEAD" before checkout resolves it.
            let commit = value("BUILDKITE_COMMIT").flatMap { $0 == "HEAD" ? nil : $0 }
            return CIContext(provider: "buildkite", runID: value("BUILDKITE_BUILD_ID"), runURL: value("BUILDKITE_BUILD_URL"),
                             workflow: value("BUILDKITE_PIPELINE_SLUG"), ref: ref, event: value("BUILDKITE_SOURCE"),
                             runner: value("BUILDKITE_AGENT_NAME"), ciCommit: commit)
        }
        if value("CIRCLECI") == "true" {
            let ref = value("CIRCLE_TAG").map { "refs/tags/\($0)" } ?? value("CIRCLE_BRANCH").map { "refs/heads/\($0)" }
            return CIContext(provider: "circleci", runID: value("CIRCLE_WORKFLOW_ID") ?? value("CIRCLE_BUILD_NUM"),
                             runURL: value("CIRCLE_BUILD_URL"), workflow: value("CIRCLE_JOB"), ref: ref,
                             event: value("CIRCLE_PULL_REQUEST") != nil ? "pull_request" : nil,
                             runner: value("CIRCLE_NODE_INDEX").map { "node \($0)" }, ciCommit: value("CIRCLE_SHA1"))
        }
        if value("JENKINS_URL") != nil {
            var ref = value("GIT_BRANCH")
            if let branch = ref, !branch.hasPrefix("refs/") {
                // Jenkins spells it `origin/main`.
                ref = "refs/heads/" + (branch.split(separator: "/", maxSplits: 1).dropFirst().first.map(String.init) ?? branch)
            }
            return CIContext(provider: "jenkins", runID: value("BUILD_TAG") ?? value("BUILD_NUMBER"), runURL: value("BUILD_URL"),
                             workflow: value("JOB_NAME"), ref: ref, event: value("CHANGE_ID") != nil ? "pull_request" : nil,
                             runner: value("NODE_NAME"), ciCommit: value("GIT_COMMIT"))
        }
        return CIContext(provider: "local")
    }

    /// Why the CI's own commit may differ from the recorded one, for the warning `record` prints.
    public static func mismatchExplanation(_ ci: CIContext) -> String {
        let event = ci.event ?? ""
        if event.hasPrefix("pull_request") || event == "merge_request_event" || ci.ref?.contains("/merge") == true {
            return "a \(event.isEmpty ? "pull request" : event) run tests a merge commit, not the branch head; record on a push to the branch, or check out the head commit"
        }
        return "the CI checked out a different commit than the one recorded; pass --rev to record the commit that was tested"
    }
}
