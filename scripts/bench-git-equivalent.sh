#!/usr/bin/env bash
# The git side of `release-audit gate` and `release-audit audit`, done with the git CLI: the
# baseline scripts/bench.sh times release-audit against. Written the way a careful shell author
# would (one git process per question, no per-commit loops), for the bench policy: version-bump
# paths (VERSION, CHANGELOG.md), the RC -> GA rule, main as the release branch.
#
# usage: scripts/bench-git-equivalent.sh REPO TAG            (the gate of one release)
#        scripts/bench-git-equivalent.sh --all REPO REPORTS  (the audit of every release)
#
# For a real history (scripts/bench-real-gate.sh), the gate's policy can be changed from the
# environment: ALLOWED_PATHS (shell patterns, default "VERSION CHANGELOG.md"), RC_SEPARATOR
# (default "-rc."), RELEASE_BRANCH (default main) and TAG_ANNOTATED (default true).
#
# The gate: safety (shallow, replace refs), the release tag and its commit, the evidence notes
# (release commit; first-parent ancestors for the tests), tested vs release (ancestry, commit
# counts both ways, trees, changed paths against the allow-list), the last RC of the version
# (every tag listed with its date) vs the GA, and the protected branch.
# The audit, for every GA tag: its kind, its last RC (highest number tagged no later than an
# annotated GA), RC vs GA as above, whether main reaches it, and whether a report exists (a file
# named after the tag in REPORTS, or a note on its commit).
# Both do less than release-audit: evidence payloads are decoded (base64 and bash patterns, no
# JSON parser: jq's start-up alone costs more than the whole gate) but no signature is verified,
# and nothing is signed or written. Prints one line per check or release; the gate exits 0 PASSED,
# 1 FAILED, the audit 1 when any release has a finding.
set -euo pipefail

all=false
[[ ${1:-} == --all ]] && { all=true; shift; }
repo=$1
g() { git -C "$repo" "$@" </dev/null; }
allowed_paths=${ALLOWED_PATHS:-VERSION CHANGELOG.md}
rc_separator=${RC_SEPARATOR:--rc.}
release_branch=${RELEASE_BRANCH:-main}
allowed() {  # allowed PATH...: whether every path is on the policy's allow-list
    local p a ok pats
    read -r -a pats <<<"$allowed_paths"  # (read does not expand the patterns against the files here)
    for p in "$@"; do
        ok=false
        for a in "${pats[@]}"; do [[ $p == $a ]] && { ok=true; break; }; done
        $ok || return 1
    done
}
# compare FROM TO: "kind ahead behind paths..." for two commits, as SourceRelation works it out.
compare() {
    local from=$1 to=$2 kind trees counts
    if [[ $from == "$to" ]]; then echo "same-commit 0 0"; return; fi
    counts=$(g rev-list --left-right --count "$from...$to")  # "behind<TAB>ahead"
    trees=$(g rev-parse "$from^{tree}" "$to^{tree}")
    if [[ ${trees%$'\n'*} == "${trees#*$'\n'}" ]]; then kind=same-tree
    elif g merge-base --is-ancestor "$from" "$to"; then kind=descendant
    else kind=diverged; g merge-base "$from" "$to" >/dev/null || true
    fi
    echo "$kind ${counts#*$'\t'} ${counts%$'\t'*}" $(g diff-tree -r --name-only --no-commit-id "$from" "$to")
}

if $all; then
    reports=$2
    main=$(g rev-parse refs/heads/main)
    noted=" $(g notes --ref=release-audit list | cut -d' ' -f2 | tr '\n' ' ') "
    # Every GA with its commit, its kind and its last RC: one pass over all tags with their dates.
    pairs=$(g for-each-ref --format='%(refname:strip=2) %(objecttype) %(creatordate:unix) %(*objectname) %(objectname)' refs/tags/ | awk '
        { commit = ($4 != "" ? $4 : $5) }
        $1 ~ /^v[0-9]+\.[0-9]+\.[0-9]+$/ { ga[$1] = commit; gatype[$1] = $2; gadate[$1] = $3; next }
        match($1, /-rc\.[0-9]+$/) { v = substr($1, 1, RSTART - 1); n = substr($1, RSTART + 4) + 0
                                    rcs[v] = rcs[v] " " $1 " " n " " $3 " " commit }
        END {
            for (t in ga) {
                split(rcs[t], r, " "); best = -1; name = "-"; c = "-"
                for (i = 1; i + 3 <= length(r); i += 4)
                    if ((gatype[t] != "tag" || r[i + 2] <= gadate[t]) && r[i + 1] + 0 > best) { best = r[i + 1] + 0; name = r[i]; c = r[i + 3] }
                print t, ga[t], gatype[t], name, c
            }
        }' | sort)
    status=0
    while read -r ga commit type rc rccommit; do
        findings="" kind=""
        [[ $type == tag ]] || findings+=" lightweight-tag"
        if [[ $rc == - ]]; then
            findings+=" no-rc"
        else
            read -r kind ahead behind paths <<<"$(compare "$rccommit" "$commit")"
            if [[ $kind == diverged ]]; then findings+=" rc-diverged"; elif ! allowed $paths; then findings+=" rc-disallowed-paths"; fi
        fi
        g merge-base --is-ancestor "$commit" "$main" || findings+=" not-on-release-branch"
        [[ -f $reports/$ga.json || $noted == *" $commit "* ]] || findings+=" missing-report"
        echo "$ga ${rc} ${kind:-} ${findings:- clean}"
        [[ -z $findings ]] || status=1
    done <<<"$pairs"
    exit $status
fi

tag=$2
verdict=PASSED
check() {  # check ID STATUS REASON
    printf '%-8s %-24s %s\n' "$2" "$1" "$3"
    [[ $2 != FAILED ]] || verdict=FAILED
}
statements() {  # the decoded statements of the envelopes in a note, one per line
    local line
    while IFS= read -r line; do
        [[ $line =~ \"payload\":\"([^\"]*)\" ]] && { base64 -d <<<"${BASH_REMATCH[1]}"; echo; }
    done
}
commit_of() {  # commit_of PREDICATE-TYPE [MUST-CONTAIN]: the first gitCommit of a matching statement
    local statement
    while IFS= read -r statement; do
        [[ $statement == *"\"predicateType\":\"$1\""* && $statement == *"${2:-}"* ]] || continue
        [[ $statement =~ \"gitCommit\":\"([0-9a-f]{40})\" ]] && { echo "${BASH_REMATCH[1]}"; return; }
    done
}

# repository.safety
[[ $(g rev-parse --is-shallow-repository) == false ]] || check repository.safety FAILED "shallow clone"
replace=$(g for-each-ref --format='%(refname)' refs/replace/)
g config --get remote.origin.url >/dev/null || true

# release.tag: the tag object, its type and the commit it names
read -r tag_type tag_object < <(g for-each-ref --format='%(objecttype) %(objectname)' "refs/tags/$tag")
release=$(g rev-parse "$tag^{commit}")

# Evidence: build records on the release commit, test records on it or the nearest first-parent ancestor.
noted=$(g notes --ref=release-audit list | cut -d' ' -f2)
# (Sorted keys put the provenance's resolvedDependencies before its subject.)
build=$(g notes --ref=release-audit show "$release" 2>/dev/null | statements | commit_of https://slsa.dev/provenance/v1)
tested=""
for commit in $(g rev-list --first-parent --max-count=51 "$release"); do
    if grep -qx "$commit" <<<"$noted"; then
        tested=$(g notes --ref=release-audit show "$commit" | statements \
            | commit_of https://in-toto.io/attestation/test-result/v0.1 '"result":"PASSED"')
        [[ -n $tested ]] && break
    fi
done
[[ -n $tested ]] && check test.result PASSED "tests of $tested passed" || check test.result FAILED "no passing test evidence"
[[ $build == "$release" ]] && check build.source PASSED "build of $release" || check build.source FAILED "build evidence names ${build:-nothing}"

# source.match: version-bump rules
if [[ -n $tested ]]; then
    read -r kind ahead behind paths <<<"$(compare "$tested" "$release")"
    if [[ $kind == diverged ]]; then check source.match FAILED "diverged ($ahead ahead, $behind behind)"
    elif allowed $paths; then check source.match PASSED "$kind, $ahead commit(s), paths: ${paths:-none}"
    else check source.match FAILED "$kind, paths outside the allow-list: $paths"
    fi
fi
if [[ ${TAG_ANNOTATED:-true} == true ]]; then
    [[ $tag_type == tag ]] && check release.tag PASSED "$tag (annotated) names $release" || check release.tag FAILED "$tag is not annotated"
else
    check release.tag PASSED "$tag names $release"
fi

# release.rc-to-ga: the highest-numbered RC of the version tagged no later than the GA
version=${tag#v}
tags=$(g for-each-ref --format='%(refname:strip=2) %(creatordate:unix)' refs/tags/)
ga_date=$(awk -v t="$tag" '$1 == t { print $2 }' <<<"$tags")
rc=$(awk -v p="v$version$rc_separator" -v d="$ga_date" 'index($1, p) == 1 && $2 <= d { n = substr($1, length(p) + 1); if (n ~ /^[0-9]+$/ && n + 0 >= best) { best = n + 0; name = $1 } } END { print name }' <<<"$tags")
if [[ -z $rc ]]; then
    check release.rc-to-ga FAILED "no release candidate of $version"
else
    read -r kind ahead behind paths <<<"$(compare "$(g rev-parse "$rc^{commit}")" "$release")"
    if [[ $kind != diverged ]] && allowed $paths; then check release.rc-to-ga PASSED "$tag against $rc: $kind"
    else check release.rc-to-ga FAILED "$tag against $rc: $kind, paths: $paths"
    fi
fi

# source.protected-branch
if [[ -n $tested ]] && g for-each-ref --format='%(refname)' refs/heads/ refs/remotes/ | grep -x "refs/heads/$release_branch" >/dev/null \
    && g merge-base --is-ancestor "$tested" "refs/heads/$release_branch"; then
    check source.protected-branch PASSED "reachable from refs/heads/$release_branch"
else
    check source.protected-branch FAILED "not reachable from $release_branch"
fi
[[ -z $replace ]] && check repository.safety PASSED "full history, no replacement refs" || check repository.safety FAILED "refs/replace: $replace"

echo "verdict: $verdict"
[[ $verdict == PASSED ]]
