#!/usr/bin/env python3
"""The git side of `release-audit audit --git-only`, done with git plumbing: for every GA tag, its
commit and tree (rev-parse), its
last release candidate (the highest-numbered RC of the same version tagged no later than an
annotated GA, any RC for a lightweight one; both `-rc.N` and `-rcN` spellings), then RC -> GA as the audit relates them: commits between
both ways (rev-list --count), same tree (rev-parse), ancestry (merge-base --is-ancestor), the
merge base when diverged, and the changed paths (diff-tree -r --name-only).

It is the baseline scripts/bench-real.sh times the audit against, and the reference
scripts/check-audit-exactness.sh compares the audit's JSON with.

usage: scripts/audit-plumbing.py REPO [--prefix P] [--json] [--pairs]
  --prefix P  GA tags are P + "{version}" (default "v"; linkerd2's stable releases: "stable-")
  --json      print one JSON object per GA (tag, rc, relation, ahead, behind, mergeBases, paths)
  --pairs     print only "RC GA" lines (the input of scripts/bench-floor)
"""

import json
import re
import subprocess
import sys


def git(repo, *args, check=True):
    # The original objects, as the audit compares them (it reports replace refs, never honours them).
    result = subprocess.run(["git", "--no-replace-objects", "-C", repo, *args], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True)
    if check and result.returncode != 0:
        sys.exit(f"audit-plumbing: git {' '.join(args)} exited {result.returncode}")
    return result


def main():
    args = sys.argv[1:]
    if not args or args[0].startswith("-"):
        sys.exit(__doc__)
    repo, prefix, as_json, pairs_only = args[0], "v", "--json" in args, "--pairs" in args
    if "--prefix" in args:
        prefix = args[args.index("--prefix") + 1]
    version = r"(\d+\.\d+\.\d+)"
    ga_re = re.compile("^" + re.escape(prefix) + version + "$")
    rc_re = re.compile("^" + re.escape(prefix) + version + r"-rc\.?(\d+)$")
    listing = git(repo, "for-each-ref", "refs/tags",
                  "--format=%(refname:strip=2) %(objecttype) %(objectname) %(*objectname) %(creatordate:unix)").stdout
    gas, rcs = [], {}
    for line in listing.splitlines():
        fields = line.split(" ")
        name, kind, obj, peeled, date = fields[0], fields[1], fields[2], fields[3], int(fields[4] or 0)
        commit = peeled if kind == "tag" else obj
        if ga_re.match(name):
            # A lightweight GA has no tag date of its own: every RC of its version counts.
            gas.append((name, ga_re.match(name).group(1), commit, date if kind == "tag" else float("inf")))
        elif rc_re.match(name):
            m = rc_re.match(name)
            rcs.setdefault(m.group(1), []).append((int(m.group(2)), date, name, commit))
    out = []
    for name, ver, commit, date in gas:
        # Every GA, as the audit reads it: the commit it peels to and that commit's tree are there.
        if not pairs_only:
            git(repo, "rev-parse", f"refs/tags/{name}^{{commit}}", f"refs/tags/{name}^{{tree}}")
        # Highest number first; equal numbers: the later tag (as the audit orders them).
        candidates = sorted((c for c in rcs.get(ver, []) if c[1] <= date), key=lambda c: (c[0], c[1], c[2]))
        if not candidates:
            out.append({"tag": name, "rc": None})
            continue
        _, _, rc, rc_commit = candidates[-1]
        if pairs_only:
            print(rc, name)
            continue
        entry = {"tag": name, "rc": rc}
        if rc_commit == commit:
            entry.update(relation="same-commit", ahead=0, behind=0, mergeBases=[commit], paths=[])
        else:
            ahead = int(git(repo, "rev-list", "--count", f"{rc_commit}..{commit}").stdout)
            behind = int(git(repo, "rev-list", "--count", f"{commit}..{rc_commit}").stdout)
            trees = git(repo, "rev-parse", f"{rc_commit}^{{tree}}", f"{commit}^{{tree}}").stdout.split()
            descends = git(repo, "merge-base", "--is-ancestor", rc_commit, commit, check=False).returncode == 0
            bases = [rc_commit] if descends else git(repo, "merge-base", "--all", rc_commit, commit, check=False).stdout.split()
            paths = [] if trees[0] == trees[1] else \
                git(repo, "diff-tree", "-r", "--no-renames", "--name-only", rc_commit, commit).stdout.splitlines()
            relation = "same-tree" if trees[0] == trees[1] else ("descendant" if descends else "diverged")
            entry.update(relation=relation, ahead=ahead, behind=behind, mergeBases=bases, paths=sorted(paths))
        out.append(entry)
    if as_json:
        for entry in out:
            print(json.dumps(entry, sort_keys=True))
    elif not pairs_only:
        for entry in out:
            print(entry["tag"], entry.get("rc") or "-", entry.get("relation", ""), entry.get("ahead", ""), entry.get("behind", ""))


if __name__ == "__main__":
    main()
