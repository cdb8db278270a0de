/// What to tell a user whose CI checkout is not what the audit needs: the causes seen in real
/// workflows, and their fixes, in one place.
public enum CheckoutAdvice {
    /// A release tag that is lightweight in this clone. actions/checkout, run for a tag push,
    /// fetches the triggering tag by name and re-creates it as a lightweight tag on its commit, so
    /// an annotated (or signed) tag loses its tag object in the job's clone.
    public static func lightweightTag(_ name: String) -> String {
        "\(name) is lightweight in this clone; if it is annotated on the remote, the checkout re-created it "
            + "(actions/checkout does this to the tag that triggered the run): fetch the real tag objects first with "
            + "`git fetch --force --tags origin` (or check out with fetch-depth: 0 and ref: ${{ github.ref }})"
    }

    /// A shallow clone: ancestry, RC -> GA and the protected-branch checks cannot be proven.
    public static let shallowClone = "this is a shallow clone: ancestry cannot be proven; fetch the full history "
        + "(git fetch --unshallow; in CI check out with actions/checkout fetch-depth: 0, or GitLab GIT_DEPTH: 0)"
}
