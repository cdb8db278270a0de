import Foundation
import Testing
@testable import AuditCore

@Suite("Repository identity normalisation")
struct RepositoryIdentityTests {
    @Test(arguments: [
        ("https://github.com/Example/App", "https://github.com/Example/App"),
        ("https://github.com/example/app.git", "https://github.com/example/app"),
        ("https://github.com/example/app/", "https://github.com/example/app"),
        ("https://github.com/example/app.git/", "https://github.com/example/app"),
        ("HTTPS://GitHub.COM/example/app", "https://github.com/example/app"),
        ("http://github.com/example/app", "https://github.com/example/app"),
        ("https://x-access-token:ghs_secret@github.com/example/app.git", "https://github.com/example/app"),
        ("https://user@gitlab.example.com:443/group/sub/app.git", "https://gitlab.example.com/group/sub/app"),
        ("https://git.example.com:8443/app.git", "https://git.example.com:8443/app"),
        ("http://git.example.com:80/app", "https://git.example.com/app"),
        ("https://github.com/example/app.git?ref=main#readme", "https://github.com/example/app"),
        ("ssh://git@github.com/example/app.git", "https://github.com/example/app"),
        ("ssh://git@GitHub.com:22/example/app.git", "https://github.com/example/app"),
        ("ssh://git@github.com:example/app.git", "https://github.com/example/app"),
        ("ssh://user:pw@[::1]:2222/srv/app.git", "https://[::1]/srv/app"),
        ("git@github.com:example/app.git", "https://github.com/example/app"),
        ("git@github.com:/example/app.git", "https://github.com/example/app"),
        ("GitHub.com:example/app", "https://github.com/example/app"),
        ("git://github.com/example/app.git", "https://github.com/example/app"),
        ("git://git.kernel.org:9418/pub/scm/git/git.git", "https://git.kernel.org/pub/scm/git/git"),
        ("git+https://github.com/example/app", "https://github.com/example/app"),
        ("git+ssh://git@github.com/example/app.git", "https://github.com/example/app"),
        ("  https://github.com/example/app\n", "https://github.com/example/app"),
        ("svn://svn.Example.org/repo/", "svn://svn.example.org/repo"),
        ("file:///srv/git/app.git/", "file:///srv/git/app.git"),
        ("file://localhost/srv/git/my%20app", "file:///srv/git/my app"),
        ("git+file:///srv/git/app", "file:///srv/git/app"),
        ("/srv/git/app/", "file:///srv/git/app"),
        ("/srv/git/../git/./app", "file:///srv/git/app"),
        ("/", "file:///"),
        ("/home/me/proj@2/100%", "file:///home/me/proj%402/100%25"),
        ("file:///home/me/proj%402/100%25", "file:///home/me/proj%402/100%25"),
        ("", ""),
    ])
    func normalizes(url: String, identity: String) {
        #expect(RepositoryIdentity.normalize(url) == identity)
        #expect(RepositoryIdentity.normalize(identity) == identity, "normalising is idempotent")
    }

    @Test func resolvesRelativePathsAgainstTheCurrentDirectory() {
        let cwd = FileManager.default.currentDirectoryPath
        #expect(RepositoryIdentity.normalize("some/repo/") == "file://\(cwd == "/" ? "" : cwd)/some/repo")
        #expect(RepositoryIdentity.normalize(".") == "file://\(cwd)")
    }

    @Test func matchesTheSameRepositoryAcrossTransports() {
        #expect(RepositoryIdentity.matches("git@github.com:example/app.git", "https://GITHUB.com/example/app"))
        #expect(RepositoryIdentity.matches("ssh://git@github.com/example/app", "git+https://github.com/example/app.git"))
        #expect(RepositoryIdentity.matches("/srv/app/", "file:///srv/app"))
    }

    @Test func doesNotMatchDifferentRepositories() {
        #expect(!RepositoryIdentity.matches("https://github.com/example/app", "https://github.com/example/App"))
        #expect(!RepositoryIdentity.matches("https://github.com/example/app", "https://github.com/example/app2"))
        #expect(!RepositoryIdentity.matches("https://github.com/example/app", "https://gitlab.com/example/app"))
        #expect(!RepositoryIdentity.matches("https://github.com/example/app", "file:///example/app"))
        #expect(!RepositoryIdentity.matches("", ""))
    }
}
