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
    # Requires signed test and build evidence, a PASSED test result no older than
    # 30 days (a pass deleted from the shared notes cannot be detected, so an old
    # one must go stale), and clean work trees at test and build time. Copy this
    # file to add trusted keys and tag rules; `release-audit policy check
    # exact-commit` prints every key with its default.
    version: 1
    source:
      match: exact-commit
    test:
      max_age: 30d

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
    # result no older than 30 days, and clean work trees at test and build time.
    version: 1
    source:
      match: same-tree
    test:
      max_age: 30d

    """#

    static let versionBump = #"""
    # version-bump: the release commit descends from the tested commit and differs
    # from it only in version bookkeeping files.
    #
    # Use it when your release process commits a version bump on top of the tested
    # commit and releases that commit without testing it again. Only existing files
    # on the list may change: a new file, a deleted file, a type change or a moved
    # submodule fails the gate even under a listed path, and so does any change
    # outside the list and a release commit that does not descend from the tested
    # commit. Copy this file and list your project's exact version files (for
    # example version/version.go), never a glob such as **/version.go: a glob lets
    # a new file holding code through.
    version: 1
    source:
      match: allowed-diff
      require_descendant: true
      allowed_paths:
        - VERSION
        - CHANGELOG.md
    test:
      max_age: 30d

    """#
}
