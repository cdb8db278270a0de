/*
 * The libgit2 floor for the audit's RC -> GA work (scripts/bench-real.sh): what a C program
 * calling libgit2 directly spends on the same questions, with no output. For every "RC GA" line
 * on stdin (scripts/audit-plumbing.py --pairs): resolve both tags to commits, count the commits
 * between both ways (git_graph_ahead_behind), ancestry (git_graph_descendant_of), the merge base
 * when diverged (git_merge_base), and the changed paths (git_diff_tree_to_tree).
 *
 * With a tag prefix, first the release tags themselves, as the audit must read them to choose
 * each GA's RC: every tag named PREFIX* listed (git_tag_list_match), resolved, its tag object
 * read for the tagger date or, for a lightweight tag, its commit for the committer date.
 *
 * build: cc -O2 scripts/bench-floor.c $(pkg-config --cflags --libs libgit2) -o bench-floor
 * usage: bench-floor REPO [TAG-PREFIX] < pairs.txt
 */
#include <git2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void check(int code, const char *what) {
    if (code < 0) {
        const git_error *e = git_error_last();
        fprintf(stderr, "bench-floor: %s: %s\n", what, e ? e->message : "error");
        exit(2);
    }
}

static git_commit *resolve(git_repository *repo, const char *name) {
    git_object *object = NULL, *peeled = NULL;
    char spec[1024];
    snprintf(spec, sizeof spec, "refs/tags/%s", name);
    check(git_revparse_single(&object, repo, spec), spec);
    check(git_object_peel(&peeled, object, GIT_OBJECT_COMMIT), "peel");
    git_object_free(object);
    return (git_commit *)peeled;
}

int main(int argc, char **argv) {
    if (argc != 2 && argc != 3) { fprintf(stderr, "usage: bench-floor REPO [TAG-PREFIX] < pairs\n"); return 64; }
    git_libgit2_init();
    git_repository *repo = NULL;
    check(git_repository_open_bare(&repo, argv[1]) == 0 ? 0 : git_repository_open(&repo, argv[1]), "open");
    char rc[512], ga[512];
    size_t total = 0;
    if (argc == 3) {
        git_strarray names = {0};
        char glob[512];
        snprintf(glob, sizeof glob, "%s*", argv[2]);
        check(git_tag_list_match(&names, glob, repo), "tag list");
        for (size_t i = 0; i < names.count; i++) {
            char ref[1024];
            git_oid id;
            git_object *object = NULL;
            snprintf(ref, sizeof ref, "refs/tags/%s", names.strings[i]);
            check(git_reference_name_to_id(&id, repo, ref), ref);
            check(git_object_lookup(&object, repo, &id, GIT_OBJECT_ANY), "lookup");
            if (git_object_type(object) == GIT_OBJECT_TAG) {
                const git_signature *tagger = git_tag_tagger((git_tag *)object);
                total += tagger ? (size_t)(tagger->when.time & 1) : 0;
            } else if (git_object_type(object) == GIT_OBJECT_COMMIT) {
                total += (size_t)(git_commit_time((git_commit *)object) & 1);
            }
            git_object_free(object);
        }
        git_strarray_dispose(&names);
    }
    while (scanf("%511s %511s", rc, ga) == 2) {
        git_commit *from = resolve(repo, rc), *to = resolve(repo, ga);
        const git_oid *a = git_commit_id(from), *b = git_commit_id(to);
        size_t ahead = 0, behind = 0;
        check(git_graph_ahead_behind(&ahead, &behind, repo, b, a), "ahead_behind");
        int descends = git_oid_equal(a, b) || git_graph_descendant_of(repo, b, a) == 1;
        if (!descends) {
            git_oid base;
            int code = git_merge_base(&base, repo, a, b);
            if (code != GIT_ENOTFOUND) check(code, "merge_base");
        }
        if (!git_oid_equal(git_commit_tree_id(from), git_commit_tree_id(to))) {
            git_tree *t1 = NULL, *t2 = NULL;
            git_diff *diff = NULL;
            check(git_commit_tree(&t1, from), "tree");
            check(git_commit_tree(&t2, to), "tree");
            check(git_diff_tree_to_tree(&diff, repo, t1, t2, NULL), "diff");
            total += git_diff_num_deltas(diff) + ahead + behind;
            git_diff_free(diff);
            git_tree_free(t1);
            git_tree_free(t2);
        }
        git_commit_free(from);
        git_commit_free(to);
    }
    git_repository_free(repo);
    git_libgit2_shutdown();
    return total == (size_t)-1;  /* keeps the work from being optimised away; always 0 */
}
