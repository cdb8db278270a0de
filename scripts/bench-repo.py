#!/usr/bin/env python3
"""Writes a `git fast-import` stream for a large synthetic release history (for scripts/bench.sh).

usage: scripts/bench-repo.py --commits 10000 --tags 2000 | git fast-import --quiet

The history: `main` has --commits commits, each changing one to three of 500 source files
(src/modNN/fileN.go), with a merged side branch every 1000 commits. Release tags are spread
evenly along it, a third of the --tags for each kind of tag on average:

- every version X.Y.Z has one to three release candidates vX.Y.Z-rc.N on main, two commits apart;
- its GA tag vX.Y.Z is, by version number modulo 5:
  0-2  the same commit as the last RC ("same"),
  3    a commit on release/X.Y.Z whose parent is the last RC and which changes only VERSION and
       CHANGELOG.md ("bump"),
  4    a later commit on main, three commits after the last RC, with code changes ("drift");
- annotated and lightweight tags alternate (by version); tagger dates follow the commit dates.

Deterministic: the same arguments give the same repository, byte for byte. The last lines of
stderr name one release of each kind near the tip (for the gate benchmark).
"""

import argparse
import random
import sys

FILES = [f"src/mod{m:02d}/file{f}.go" for m in range(50) for f in range(10)]
EPOCH = 1_600_000_000
IDENT = "Bench Dev <dev@example.com>"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commits", type=int, default=10_000)
    parser.add_argument("--tags", type=int, default=2_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    out = sys.stdout.buffer
    n = args.commits
    versions = max(1, args.tags // 3)

    def data(text):
        raw = text.encode()
        out.write(b"data %d\n" % len(raw) + raw + b"\n")

    def file_body(path, i):
        return f"package {path.split('/')[1]}\n\n// revision {i}\nconst Rev{i % 97} = {i}\n"

    def commit(ref, mark, when, message, parent=None, merge=None, changes=()):
        out.write(b"commit %s\nmark :%d\n" % (ref.encode(), mark))
        out.write(f"author {IDENT} {when} +0000\ncommitter {IDENT} {when} +0000\n".encode())
        data(message)
        if parent is not None:
            out.write(b"from :%d\n" % parent)
        if merge is not None:
            out.write(b"merge :%d\n" % merge)
        for path, body in changes:
            out.write(f"M 100644 inline {path}\n".encode())
            data(body)

    # Release plan: where each version's RCs and GA go on main.
    plan = []
    for v in range(versions):
        name = f"{1 + v // 100}.{(v // 10) % 10}.{v % 10}"
        rcs = 1 + v % 3
        last_rc = max(2 * rcs, (v + 1) * n // (versions + 1))
        kind = ("same", "same", "same", "bump", "drift")[v % 5]
        plan.append({"v": v, "name": name, "rc_commits": [last_rc - 2 * (rcs - k) for k in range(1, rcs + 1)],
                     "kind": kind, "annotated": v % 2 == 0})

    # main: the initial commit holds every file; then one to three files per commit.
    def main_date(i):
        return EPOCH + i * 600

    commit("refs/heads/main", 1, main_date(0), "initial import\n",
           changes=[(p, file_body(p, 0)) for p in FILES] + [("VERSION", "0.0.0\n"), ("CHANGELOG.md", "# Changelog\n")])
    next_mark = n + 1
    for i in range(1, n):
        merge = None
        if i % 1000 == 500:
            # A side branch of two commits off the previous main commit, merged here.
            side1, side2 = next_mark, next_mark + 1
            next_mark += 2
            commit("refs/heads/side", side1, main_date(i - 1) + 100, f"side work {i}a\n", parent=i,
                   changes=[(p, file_body(p, -i)) for p in rng.sample(FILES, 2)])
            commit("refs/heads/side", side2, main_date(i - 1) + 200, f"side work {i}b\n", parent=side1,
                   changes=[(p, file_body(p, -i - 1)) for p in rng.sample(FILES, 1)])
            merge = side2
        changed = rng.sample(FILES, rng.randint(1, 3))
        commit("refs/heads/main", i + 1, main_date(i), f"change {i}\n\nTouches {', '.join(changed)}.\n",
               parent=i, merge=merge, changes=[(p, file_body(p, i)) for p in changed])

    # Version bumps: a release branch commit on top of the last RC.
    for release in plan:
        rc = release["rc_commits"][-1]
        if release["kind"] == "bump":
            release["bump_mark"] = next_mark
            commit(f"refs/heads/release/{release['name']}", next_mark, main_date(rc) + 120,
                   f"Release {release['name']}\n", parent=rc + 1,
                   changes=[("VERSION", release["name"] + "\n"),
                            ("CHANGELOG.md", f"# Changelog\n\n## {release['name']}\n\nThe release.\n")])
            next_mark += 1

    def tag(name, mark, when, annotated):
        if annotated:
            out.write(f"tag {name}\nfrom :{mark}\ntagger {IDENT} {when} +0000\n".encode())
            data(f"{name}\n")
        else:
            out.write(f"reset refs/tags/{name}\nfrom :{mark}\n\n".encode())

    for release in plan:
        for k, c in enumerate(release["rc_commits"], start=1):
            tag(f"v{release['name']}-rc.{k}", c + 1, main_date(c) + 60, release["annotated"])
        rc = release["rc_commits"][-1]
        if release["kind"] == "same":
            ga_mark, when = rc + 1, main_date(rc) + 90
        elif release["kind"] == "bump":
            ga_mark, when = release["bump_mark"], main_date(rc) + 180
        else:
            drift = min(rc + 3, n - 1)
            ga_mark, when = drift + 1, main_date(drift) + 60
        tag(f"v{release['name']}", ga_mark, when, release["annotated"])
    out.write(b"done\n")

    # The newest annotated release of each kind, for the gate benchmark.
    for kind in ("same", "bump", "drift"):
        latest = [r for r in plan if r["kind"] == kind and r["annotated"]]
        if latest:
            r = latest[-1]
            print(f"release {kind} v{r['name']} rc v{r['name']}-rc.{len(r['rc_commits'])}", file=sys.stderr)


if __name__ == "__main__":
    main()
