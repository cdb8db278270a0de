import GitFacts
import Testing

/// `RemoteURL.strippingCredentials`, case by case.
@Suite struct RemoteURLTests {
    @Test(arguments: [
        ("https://user:token@example.com/org/x.git", "https://example.com/org/x.git"),
        ("https://token@example.com/org/x", "https://example.com/org/x"),
        ("http://u:p@example.com:8080/x", "http://example.com:8080/x"),
        ("HTTPS://u:p@example.com/x", "https://example.com/x"),
        ("https://u:p@ss@example.com/x", "https://example.com/x"),
        ("https://u:p@example.com", "https://example.com"),
        ("https://u:p@example.com?ref=a@b", "https://example.com?ref=a@b"),
        ("https://example.com/path/with@sign", "https://example.com/path/with@sign"),
        ("https://example.com/org/x.git", "https://example.com/org/x.git"),
        ("ssh://git:pw@example.com:2222/x", "ssh://git@example.com:2222/x"),
        ("ssh://git@example.com/x", "ssh://git@example.com/x"),
        ("ssh://:pw@example.com/x", "ssh://example.com/x"),
        ("git+ssh://me:pw@example.com/x", "git+ssh://me@example.com/x"),
        ("git@example.com:org/x.git", "git@example.com:org/x.git"),
        ("example.com:org/x.git", "example.com:org/x.git"),
        ("file:///srv/git/x.git", "file:///srv/git/x.git"),
        ("/srv/git/x.git", "/srv/git/x.git"),
        ("", ""),
    ])
    func strippingCredentials(url: String, expected: String) {
        #expect(RemoteURL.strippingCredentials(url) == expected)
    }
}
