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
    /// Why another commit cannot stand for the release when these `.gitattributes` files of the
    /// release set export-subst (`other` names that commit: "the tested commit", an RC tag).
    static func problem(files: [String], other: String) -> String {
        "the release commit is not \(other), and \(files.prefix(3).joined(separator: ", ")) sets export-subst: git archive of the release expands its own commit's message, author and date into files, so the same tree does not mean the same shipped source; release the tested commit itself, or remove export-subst"
    }

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
