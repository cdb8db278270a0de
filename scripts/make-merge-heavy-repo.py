#!/usr/bin/env python3
"""Builds a merge-heavy synthetic history with the shapes real release histories show
(emissary-ingress, helm, argo-cd), with git fast-import, in seconds:

- main: feature branches of 1-6 commits merged back (--no-ff), main moving on meanwhile;
- every RELEASE_EVERY commits a release branch cut from main, with fixes cherry-picked as new
  commits and main merged into it now and then: RCs tagged on the release branch, the GA on a
  sibling branch cut from an earlier RC with merges on both sides, some RCs tagged after their GA
  (dated later), every fifth GA lightweight;
- REPLACE `refs/replace` refs (commits not in the clone replaced by commits that are, as in
  emissary-ingress) and PULLS `refs/pull/N/head` refs;
- HISTORY older commits below it all (feature branches merged into main, no releases): the same
  releases on a deeper history, for the audit's "10x larger sibling" benchmark;
- no commit-graph file.

usage: scripts/make-merge-heavy-repo.py DIR [COMMITS] [RELEASE_EVERY] [REPLACE] [PULLS] [HISTORY]
       (defaults 30000 120 2000 2000 0)
"""

import os
import random
import subprocess
import sys


def main():
    args = sys.argv[1:]
    if not args:
        sys.exit(__doc__)
    directory = args[0]
    commits = int(args[1]) if len(args) > 1 else 30000
    every = int(args[2]) if len(args) > 2 else 120
    replace = int(args[3]) if len(args) > 3 else 2000
    pulls = int(args[4]) if len(args) > 4 else 2000
    history = int(args[5]) if len(args) > 5 else 0
    if os.path.exists(directory):
        sys.exit(f"make-merge-heavy-repo: {directory} exists")
    subprocess.run(["git", "init", "-q", "-b", "main", directory], check=True)
    rnd = random.Random(42)
    out = []
    mark = 0
    clock = 1500000000

    def commit(ref, parent, merge=None, path="src/main.txt"):
        nonlocal mark, clock
        mark += 1
        clock += 60
        content = f"{mark}\n"
        out.append(f"commit {ref}\nmark :{mark}\ncommitter Bench <bench@example.com> {clock} +0000\n")
        msg = f"change {mark}"
        out.append(f"data {len(msg)}\n{msg}\n")
        if parent:
            out.append(f"from :{parent}\n")
        if merge:
            out.append(f"merge :{merge}\n")
        out.append(f"M 100644 inline {path}\ndata {len(content)}\n{content}\n")
        return mark

    def tag(name, target, annotated=True, date=None):
        if annotated:
            out.append(f"tag {name}\nfrom :{target}\ntagger Bench <bench@example.com> {date or clock} +0000\ndata {len(name)}\n{name}\n")
        else:
            out.append(f"reset refs/tags/{name}\nfrom :{target}\n\n")

    main_tip = commit("refs/heads/main", None)
    # The older history first, from its own random numbers: the releases above it come out the same.
    older = random.Random(7)
    below = 0
    while below < history:
        feature = main_tip
        for _ in range(older.randint(1, 6)):
            feature = commit("refs/heads/feature", feature, path=f"src/f{older.randint(0, 50)}.txt")
            below += 1
        main_tip = commit("refs/heads/main", main_tip, path=f"src/m{older.randint(0, 50)}.txt")
        main_tip = commit("refs/heads/main", main_tip, merge=feature)
        below += 2
    count, release = 1, 0
    all_marks = [main_tip]
    while count < commits:
        # A feature branch merged back, main having moved on.
        base = main_tip
        feature = base
        for _ in range(rnd.randint(1, 6)):
            feature = commit("refs/heads/feature", feature, path=f"src/f{rnd.randint(0, 50)}.txt")
            count += 1
        main_tip = commit("refs/heads/main", main_tip, path=f"src/m{rnd.randint(0, 50)}.txt")
        main_tip = commit("refs/heads/main", main_tip, merge=feature)
        count += 2
        all_marks += [feature, main_tip]
        if count // every > release:
            release += 1
            version = f"1.{release}.0"
            branch = f"refs/heads/release/v1.{release}"
            rc_marks = []
            tip = commit(branch, main_tip, path="VERSION")
            count += 1
            for n in range(rnd.randint(1, 4)):
                tip = commit(branch, tip, path=f"src/fix{n}.txt")
                if n % 2 == 1:
                    main_tip = commit("refs/heads/main", main_tip)
                    tip = commit(branch, tip, merge=main_tip)
                    count += 2
                tag(f"v{version}-rc.{n}", tip)
                rc_marks.append(tip)
                count += 1
            # The GA on a sibling branch cut from an earlier RC, merges on both sides.
            sibling = f"refs/heads/ga/v1.{release}"
            ga = commit(sibling, rc_marks[0], path="CHANGELOG.md")
            ga = commit(sibling, ga, merge=tip)
            count += 2
            ga_date = clock
            tag(f"v{version}", ga, annotated=release % 5 != 0)
            # Now and then an RC of the version tagged long after its GA.
            if release % 3 == 0:
                late = commit(branch, tip)
                count += 1
                tag(f"v{version}-rc.{len(rc_marks) + 5}", late, date=ga_date + 86400 * 30)
            all_marks += rc_marks + [ga]
    # Replace and pull refs (fast-import marks resolve them).
    for i in range(pulls):
        out.append(f"reset refs/pull/{i}/head\nfrom :{rnd.choice(all_marks)}\n\n")
    subprocess.run(["git", "-C", directory, "fast-import", "--quiet", "--export-marks=.git/marks"], input="".join(out).encode(), check=True)
    marks = {}
    with open(os.path.join(directory, ".git", "marks")) as f:
        for line in f:
            m, sha = line.split()
            marks[int(m[1:])] = sha
    # As emissary-ingress has them: commits not in this clone replaced by commits that are.
    refs = {}
    for _ in range(replace):
        refs["".join(rnd.choice("0123456789abcdef") for _ in range(40))] = marks[rnd.choice(all_marks)]
    lines = "".join(f"update refs/replace/{a} {b}\n" for a, b in sorted(refs.items()))
    subprocess.run(["git", "-C", directory, "update-ref", "--stdin"], input=lines.encode(), check=True)
    subprocess.run(["git", "-C", directory, "pack-refs", "--all"], check=True)
    os.remove(os.path.join(directory, ".git", "marks"))
    print(f"make-merge-heavy-repo: {count + below} commits, {release} releases in {directory}")


if __name__ == "__main__":
    main()
