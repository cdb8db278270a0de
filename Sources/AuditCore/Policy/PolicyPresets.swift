/// The shipped policy presets, embedded so an installed binary finds them without the source tree.
///
/// Each text equals the file `policies/<name>.yml` byte for byte (a test checks it): edit the
/// file, then paste it here.
enum PolicyPresets {
    /// The preset names, default first.
    static let names = ["exact-commit", "same-tree", "version-bump"]

    /// The YAML text of a preset, or nil when there is no preset of that name.
    static func text(named name: String) -> String? {
        switch name {
        case "exact-commit": return exactCommit
        case "same-tree": return sameTree
        case "version-bump": return versionBump
        default: return nil
        }
    }

    static let exactCommit = #"""
    # exact-commit: the release is built from exactly the Git commit that CI tested.
    #
    # Use it when your release job checks out the tested commit (or a tag on it) and
    # builds it: rebuilding between test and release is fine as long as it is built
    # from exactly the same Git commit. This is the default policy.
    #
    # Requires signed test and build evidence, a PASSED test result, and clean work
    # trees at test and build time. Copy this file to add trusted keys and tag rules;
    # `release-audit policy check exact-commit` prints every key with its default.
    version: 1
    source:
      match: exact-commit

    """#

    static let sameTree = #"""
    # same-tree: the release commit may differ from the tested commit if their trees
    # are identical.
    #
    # Use it when the commit is re-created between test and release without changing
    # a single file: a squash or rebase that leaves the content as it was, a commit
    # re-signed by a release bot, or a cherry-pick onto a release branch that ends
    # in the same tree. Any difference in any file fails the gate.
    #
    # Otherwise like exact-commit: signed test and build evidence, a PASSED test
    # result, and clean work trees at test and build time.
    version: 1
    source:
      match: same-tree

    """#

    static let versionBump = #"""
    # version-bump: the release commit descends from the tested commit and differs
    # from it only in version bookkeeping files.
    #
    # Use it when your release process commits a version bump (VERSION, the
    # changelog, a version.go) on top of the tested commit and releases that commit
    # without testing it again. Any change outside the allowed paths fails the gate,
    # and so does a release commit that is not a descendant of the tested commit.
    # Adjust allowed_paths to your project: keep the list short and specific.
    version: 1
    source:
      match: allowed-diff
      require_descendant: true
      allowed_paths:
        - VERSION
        - CHANGELOG.md
        - "**/version.go"
        - "docs/**/versions.yml"

    """#
}
