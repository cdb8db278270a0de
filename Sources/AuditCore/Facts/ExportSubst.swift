import Foundation
import GitFacts

/// `export-subst` in `.gitattributes`: `git archive` (and so GitHub's source tarballs) replaces
/// `$Format:...$` in those files with the *commit's* metadata (message, author, date), which
/// whoever makes the commit chooses. Two commits with the same tree then archive to different
/// files, so "same tree" no longer means "same shipped source".
public enum ExportSubst {
    /// The `.gitattributes` files of a commit that turn `export-subst` on for some path, or are
    /// too large to read whole (git reads them up to 100 MB: padding must not hide a line).
    public static func attributeFiles(in commit: ObjectID, repo: Repository) throws -> [String] {
        try repo.files(named: ".gitattributes", within: commit).filter { $0.size > $0.contents.count || enables($0.contents) }.map(\.path)
    }

    /// Whether attribute lines set `export-subst` (as an attribute or inside a macro); `-export-subst`
    /// and `!export-subst` unset it. Erring towards yes is safe: the gate then fails and says why.
    static func enables(_ contents: Data) -> Bool {
        let text = String(decoding: contents, as: UTF8.self)
        for line in text.split(whereSeparator: \.isNewline) {
            let trimmed = line.drop { $0 == " " || $0 == "\t" }
            if trimmed.hasPrefix("#") { continue }
            for token in trimmed.split(whereSeparator: { $0 == " " || $0 == "\t" }).dropFirst() {
                if token == "export-subst" || token.hasPrefix("export-subst=") { return true }
            }
        }
        return false
    }
}
