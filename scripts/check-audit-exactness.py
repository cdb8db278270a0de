#!/usr/bin/env python3
"""Checks that every RC -> GA pair `release-audit audit` reports agrees with git plumbing
(scripts/audit-plumbing.py): the RC chosen, the relation, the commits between both ways, the merge
base (one of `git merge-base --all` when several), and the changed paths. Exit 0 when all agree,
1 listing the disagreements.

usage: scripts/check-audit-exactness.py BINARY REPO [--prefix P]
  --prefix P  the release tags are P + "{version}" (default "v"); RCs the same + "-rc.N" or "-rcN"
"""

import json
import os
import subprocess
import sys
import tempfile


def main():
    args = sys.argv[1:]
    if len(args) < 2:
        sys.exit(__doc__)
    binary, repo = args[0], args[1]
    prefix = args[args.index("--prefix") + 1] if "--prefix" in args else "v"
    here = os.path.dirname(os.path.abspath(__file__))
    with tempfile.TemporaryDirectory() as work:
        policy = os.path.join(work, "policy.yml")
        with open(policy, "w") as f:
            pattern = prefix + "{version}"
            f.write(f'version: 1\ntag:\n  pattern: "{pattern}"\nrc:\n  patterns: ["{pattern}-rc.{{n}}", "{pattern}-rc{{n}}"]\n')
        audit = subprocess.run([binary, "audit", "--repo", repo, "--git-only", "--policy", policy, "--fail-on", "none",
                                "--format", "json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        if audit.returncode != 0:
            sys.exit(f"check-audit-exactness: the audit exited {audit.returncode}: {audit.stderr.strip()}")
    releases = {r["tag"]: r for r in json.loads(audit.stdout)["releases"]}
    plumbing = subprocess.run([sys.executable, os.path.join(here, "audit-plumbing.py"), repo, "--prefix", prefix, "--json"],
                              stdout=subprocess.PIPE, text=True, check=True)
    problems, pairs = [], 0
    for line in plumbing.stdout.splitlines():
        want = json.loads(line)
        got = releases.get(want["tag"])
        if got is None:
            problems.append(f"{want['tag']}: not in the audit")
            continue
        rc = got["rc"]["tag"] if got.get("rc") else None
        if rc != want["rc"]:
            problems.append(f"{want['tag']}: RC {rc}, git {want['rc']}")
            continue
        if rc is None:
            continue
        pairs += 1
        base = got.get("mergeBase")
        checks = [
            ("relation", got["relation"], want["relation"]),
            ("commits between", got["commitsBetween"], want["ahead"]),
            ("commits behind", got["commitsBehind"], want["behind"]),
            ("changed paths", sorted(p["path"] for p in got["changedPaths"]), want["paths"]),
        ]
        for what, have, expected in checks:
            if have != expected:
                problems.append(f"{want['tag']} ({rc}): {what} {have!r}, git {expected!r}")
        if want["relation"] == "diverged" and base not in want["mergeBases"]:
            problems.append(f"{want['tag']} ({rc}): merge base {base}, git {want['mergeBases']}")
    print(f"check-audit-exactness: {pairs} RC -> GA pair(s) of {len(releases)} release(s) compared, {len(problems)} disagreement(s)")
    for p in problems[:50]:
        print("  " + p)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
