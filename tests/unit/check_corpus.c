#define _GNU_SOURCE
/*
 * The invariants of DESIGN §2 on every tree of the shared corpus
 * (../shared/corpus, variants included), each copied to a scratch folder
 * first: the diff applies with patch and git; apply then diff is empty;
 * returning to the original offset restores every byte, also by way of other
 * offsets, and `ports` reports what it did before; the path taken does not
 * matter; only digit runs ever change, as many as the plan announced, but for
 * the marked `offset = N  # portshift` line portshift adds to a [server]
 * that has no offset, which the way back takes out again: back at the
 * original offset every byte of a deployment.toml is as it was, whether the
 * key was absent or written by hand. Every live deployment.toml of the corpus
 * is read by the strict TOML reader. Skips, saying so, when the corpus is absent.
 */
#include <check.h>

#include "../support/runner.h"
#include <ctype.h>
#include <dirent.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../support/clitext.h"
#include "../support/corpus.h"
#include "../support/tomlcase.h"
#include "../support/tree.h"
#include "../support/xalloc.h"
#include "base/strbuf.h"

static char *trees[CORPUS_MAX_TREES];
static int ntrees;

/* A scratch copy of the tree: scratch/<name>. */
typedef struct work {
    char *scratch;
    char name[256];
    char home[4096];
} work;

static void work_open(work *w, int i)
{
    w->scratch = tree_scratch();
    ck_assert_ptr_nonnull(w->scratch);
    const char *base = strrchr(trees[i], '/') + 1;
    snprintf(w->name, sizeof w->name, "%s", base);
    snprintf(w->home, sizeof w->home, "%s/%s", w->scratch, base);
    ck_assert_int_eq(tree_copy(trees[i], w->home), 0);
}

static void work_close(work *w)
{
    tree_remove(w->scratch);
    free(w->scratch);
}

static cli_result cli(const work *w, const char *fmt, long n)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, fmt, n, w->name);
    return cli_run(w->scratch, cmd);
}

static void apply_ok(const work *w, long offset)
{
    cli_result r = cli(w, "apply --offset %ld %s", offset);
    ck_assert_msg(r.status == 0, "%s: apply --offset %ld: %s", w->name, offset, r.err);
    cli_result_free(&r);
}

static long current_offset(const work *w)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "plan %s", w->name);
    cli_result r = cli_run(w->scratch, cmd);
    ck_assert_int_eq(r.status, 0);
    const char *p = strstr(r.out, "mode): offset ");
    ck_assert_ptr_nonnull(p);
    long v = strtol(p + strlen("mode): offset "), NULL, 10);
    cli_result_free(&r);
    return v;
}

static void assert_same(const snapshot *a, const snapshot *b, const char *what)
{
    char *msg = snapshot_diff(a, b);
    ck_assert_msg(msg == NULL, "%s: %s", what, msg);
}

static int is_toml(const snap_file *f)
{
    size_t n = strlen(f->rel);
    return n >= 15 && strcmp(f->rel + n - 15, "deployment.toml") == 0;
}

/* A line portshift adds to a deployment.toml, marked (README): a key line
 * ("offset = N  # portshift", "redirectPort = N  # portshift") or a table
 * header ("[server]  # portshift"). */
static int is_marked_line(const char *p, size_t n)
{
    static const char mark[] = "  # portshift";
    while (n > 0 && (p[n - 1] == '\n' || p[n - 1] == '\r'))
        n--;
    return n > sizeof mark - 1 && memcmp(p + n - (sizeof mark - 1), mark, sizeof mark - 1) == 0;
}

/* The length of the line break that ends buf[0, len) (0 when none). */
static size_t trailing_break(const char *buf, size_t len)
{
    if (len == 0 || buf[len - 1] != '\n')
        return 0;
    return len >= 2 && buf[len - 2] == '\r' ? 2 : 1;
}

/* *b becomes b without the marked lines a lacks (a new buffer), with the line
 * breaks they were added with: a line's own break, or at the end of a file
 * without a final newline the break before it; a header's blank line before
 * it. Returns how many key lines (not headers) went: each is one edit. */
static int without_added_lines(const snap_file *a, snap_file *b)
{
    char *d = malloc(b->len + 1);
    size_t dl = 0;
    int keys = 0, removed = 0;
    for (size_t i = 0; i < b->len;) {
        const char *nl = memchr(b->data + i, '\n', b->len - i);
        size_t end = nl ? (size_t)(nl - b->data) + 1 : b->len;
        if (!is_marked_line(b->data + i, end - i) ||
            memmem(a->data, a->len, b->data + i, end - i)) {
            memcpy(d + dl, b->data + i, end - i);
            dl += end - i;
            i = end;
            continue;
        }
        removed = 1;
        if (b->data[i] == '[') { /* the blank line before a header */
            size_t br = trailing_break(d, dl);
            if (br && trailing_break(d, dl - br) == br)
                dl -= br;
        } else {
            keys++;
        }
        if (!nl) /* added at the end with the break before it */
            dl -= trailing_break(d, dl);
        i = end;
    }
    if (!removed) {
        free(d);
        return 0;
    }
    b->data = d;
    b->len = dl;
    return keys;
}

/* Splits into alternating non-digit / digit runs; equal when only digit runs differ. */
static int digit_changes(const snap_file *a, const snap_file *b, int *changed)
{
    size_t i = 0, j = 0;
    *changed = 0;
    while (i < a->len || j < b->len) {
        int da = i < a->len && isdigit((unsigned char)a->data[i]);
        int db = j < b->len && isdigit((unsigned char)b->data[j]);
        if (da != db)
            return -1;
        size_t i0 = i, j0 = j;
        while (i < a->len && (isdigit((unsigned char)a->data[i]) != 0) == da)
            i++;
        while (j < b->len && (isdigit((unsigned char)b->data[j]) != 0) == db)
            j++;
        if (i - i0 != j - j0 || memcmp(a->data + i0, b->data + j0, i - i0) != 0) {
            if (!da)
                return -1; /* a byte outside a number changed */
            (*changed)++;
        }
    }
    return 0;
}

/* patch and git are there to prove a diff applies (set by main). */
static int have_patch_tools;

START_TEST(diff_applies_and_apply_is_idempotent)
{
    work w;
    work_open(&w, _i);
    snapshot before, after;
    snapshot_take(&before, w.home);

    cli_result r = cli(&w, "diff --offset %ld %s", 3);
    ck_assert_msg(r.status == 1, "%s: diff exit %d: %s", w.name, r.status, r.err);
    ck_assert_msg(strstr(r.out, "--- a/") && strstr(r.out, "+++ b/"), "%s: no diff", w.name);
    char patch[4200];
    snprintf(patch, sizeof patch, "%s/offset3.patch", w.scratch);
    FILE *fp = fopen(patch, "w");
    fputs(r.out, fp);
    fclose(fp);
    cli_result_free(&r);
    if (have_patch_tools) {
        ck_assert_msg(
            run_cmd("cd '%s' && patch -p1 --dry-run -s < '%s' >/dev/null", w.scratch, patch) == 0,
            "%s: patch rejects the diff", w.name);
        ck_assert_msg(run_cmd("cd '%s' && git apply --check '%s'", w.scratch, patch) == 0,
                      "%s: git apply rejects the diff", w.name);
    } else {
        /* The rest of the case (apply, idempotence) still runs; the suite
         * reports skipped, never passed, for want of the proof. */
        case_skipped("diff_applies_and_apply_is_idempotent",
                     "git and patch are needed to prove the diff applies");
    }

    r = cli(&w, "plan --offset %ld %s", 3);
    ck_assert_int_eq(r.status, 0);
    const char *last = strrchr(r.out, '\n');
    while (last > r.out && last[-1] != '\n')
        last--;
    long planned = strtol(last, NULL, 10);
    cli_result_free(&r);

    apply_ok(&w, 3);
    snapshot_take(&after, w.home);
    ck_assert_int_eq(before.count, after.count);
    int total = 0;
    for (size_t i = 0; i < before.count; i++) {
        int changed;
        snap_file b = after.files[i];
        if (is_toml(&b)) /* the keys portshift added: the only non-digit changes allowed */
            total += without_added_lines(&before.files[i], &b);
        ck_assert_msg(digit_changes(&before.files[i], &b, &changed) == 0,
                      "%s: %s: bytes outside a number changed", w.name, before.files[i].rel);
        total += changed;
        if (b.data != after.files[i].data)
            free(b.data);
    }
    ck_assert_msg(total == planned, "%s: %d numbers changed, plan announced %ld edits", w.name,
                  total, planned);

    r = cli(&w, "diff --offset %ld %s", 3);
    ck_assert_msg(r.status == 0 && r.out[0] == '\0', "%s: second diff not empty (exit %d)", w.name,
                  r.status);
    cli_result_free(&r);
    snapshot_free(&before);
    snapshot_free(&after);
    work_close(&w);
}
END_TEST

START_TEST(reversible_and_path_independent)
{
    work w;
    work_open(&w, _i);
    long orig = current_offset(&w);
    snapshot base, s;
    snapshot_take(&base, w.home);
    char cmd[512];
    snprintf(cmd, sizeof cmd, "ports %s", w.name);
    cli_result ports_before = cli_run(w.scratch, cmd);
    ck_assert_int_eq(ports_before.status, 0);

    apply_ok(&w, 3);
    apply_ok(&w, orig);
    snapshot_take(&s, w.home);
    assert_same(&base, &s, "original -> 3 -> original");
    snapshot_free(&s);
    cli_result ports_after = cli_run(w.scratch, cmd);
    ck_assert_msg(strcmp(ports_before.out, ports_after.out) == 0,
                  "%s: ports differ after original -> 3 -> original", w.name);
    cli_result_free(&ports_before);
    cli_result_free(&ports_after);

    apply_ok(&w, 1);
    apply_ok(&w, 2);
    snapshot snap12;
    snapshot_take(&snap12, w.home);
    apply_ok(&w, orig);
    snapshot_take(&s, w.home);
    assert_same(&base, &s, "original -> 1 -> 2 -> original");
    snapshot_free(&s);

    apply_ok(&w, 2);
    snapshot_take(&s, w.home);
    assert_same(&snap12, &s, "original -> 1 -> 2 against original -> 2");
    snapshot_free(&s);
    snapshot_free(&snap12);

    apply_ok(&w, orig);
    apply_ok(&w, 5);
    apply_ok(&w, 6);
    snapshot snap56;
    snapshot_take(&snap56, w.home);
    apply_ok(&w, orig);
    apply_ok(&w, 6);
    snapshot_take(&s, w.home);
    assert_same(&snap56, &s, "original -> 5 -> 6 against original -> 6");
    snapshot_free(&s);
    snapshot_free(&snap56);
    apply_ok(&w, orig);
    snapshot_take(&s, w.home);
    assert_same(&base, &s, "back to the original");
    snapshot_free(&s);
    snapshot_free(&base);
    work_close(&w);
}
END_TEST

/* The home's deployment.toml (the one portshift reads), or NULL. */
static const snap_file *home_toml(const snapshot *s)
{
    for (size_t i = 0; i < s->count; i++)
        if (strcmp(s->files[i].rel, "repository/conf/deployment.toml") == 0 ||
            strcmp(s->files[i].rel, "conf/deployment.toml") == 0)
            return &s->files[i];
    return NULL;
}

/*
 * A deployment.toml whose `offset = 0` the user wrote (unmarked, right after
 * its [server] header): 0 -> 3 -> 0 replaces it in place and leaves it, every
 * byte as it was, the redirectPort key portshift adds included; 0 -> 2 -> 3
 * gives the bytes of 0 -> 3; and a tree without the key has its own pass
 * above (the product's default -> 3 -> default). Trees with no
 * deployment.toml pass.
 */
START_TEST(hand_written_offset_round_trips)
{
    work w;
    work_open(&w, _i);
    snapshot s0;
    snapshot_take(&s0, w.home);
    const snap_file *t = home_toml(&s0);
    if (!t) {
        snapshot_free(&s0);
        work_close(&w);
        return;
    }
    const char *hdr = "[server]\n";
    const char *at = memmem(t->data, t->len, hdr, strlen(hdr));
    ck_assert_msg(at && (at == t->data || at[-1] == '\n'), "%s: no [server] line", w.name);
    size_t cut = (size_t)(at - t->data) + strlen(hdr);
    char path[4400];
    snprintf(path, sizeof path, "%s/%s", w.home, t->rel);
    FILE *fp = fopen(path, "wb");
    ck_assert_ptr_nonnull(fp);
    fwrite(t->data, 1, cut, fp);
    fputs("offset = 0\n", fp);
    fwrite(t->data + cut, 1, t->len - cut, fp);
    ck_assert_int_eq(fclose(fp), 0);
    snapshot_free(&s0);

    snapshot base, s;
    snapshot_take(&base, w.home);
    ck_assert_int_eq(current_offset(&w), 0);
    apply_ok(&w, 3);
    snapshot_take(&s, w.home);
    const snap_file *t3 = home_toml(&s);
    ck_assert_msg(memmem(t3->data, t3->len, "[server]\noffset = 3\n", 20) != NULL,
                  "%s: the hand-written key is not replaced in place", w.name);
    ck_assert_msg(memmem(t3->data, t3->len, "offset = 3  # portshift", 23) == NULL,
                  "%s: a marked line added next to the user's key", w.name);
    /* A home that renders catalina-server.xml gets its redirect key (README). */
    char tpl[4400];
    snprintf(tpl, sizeof tpl,
             "%s/repository/resources/conf/templates/repository/conf/tomcat/catalina-server.xml.j2",
             w.home);
    if (access(tpl, F_OK) == 0)
        ck_assert_msg(memmem(t3->data, t3->len, "\nredirectPort = 9446  # portshift", 33),
                      "%s: no redirectPort = 9446 written at offset 3", w.name);
    snapshot three;
    snapshot_take(&three, w.home);
    snapshot_free(&s);
    apply_ok(&w, 0);
    snapshot_take(&s, w.home);
    assert_same(&base, &s, "hand-written offset = 0 -> 3 -> 0");
    snapshot_free(&s);
    apply_ok(&w, 2);
    apply_ok(&w, 3);
    snapshot_take(&s, w.home);
    assert_same(&three, &s, "hand-written offset = 0 -> 2 -> 3 against 0 -> 3");
    snapshot_free(&s);
    snapshot_free(&three);
    snapshot_free(&base);
    work_close(&w);
}
END_TEST

/* ---- every live deployment.toml is TOML 1.0 ---- */

static char **tomls;
static size_t ntomls, ctomls;

static int collect_toml(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    if (flag == FTW_F && strcmp(path + ftw->base, "deployment.toml") == 0)
        *XPUSH(tomls, ntomls, ctomls) = strdup(path);
    return 0;
}

/* The strict reader takes every deployment.toml the products ship (the file
 * portshift reads; deployment-full.toml is WSO2's reference text, never read). */
START_TEST(live_deployment_toml_is_strict_toml)
{
    const char *path = tomls[_i];
    ps_toml t;
    ps_error err;
    int rc = toml_parse_file(&t, path, &err);
    ps_toml_free(&t);
    ck_assert_msg(rc == 0, "%s:%d:%d: %s", path, err.line, err.col, err.message);
}
END_TEST

/*
 * Every JSON document, of every corpus tree, as users get it: one call with
 * all the trees (the host they make), validated against its schema.
 */
static const struct {
    const char *cmd, *schema;
} json_docs[] = {
    {"plan --json --offset 5", "plan.schema.json"},
    {"ports --json", "plan.schema.json"},
    {"check --json", "check.schema.json"},
    {"batch --json", "batch.schema.json"},
    {"facts --host-name km1.example", "facts.schema.json"},
};

START_TEST(every_json_document_validates)
{
    if (!have_validator()) {
        case_skipped("every_json_document_validates",
                     "python3 with jsonschema (python3-jsonschema) not found");
        return;
    }
    ps_strbuf cmd = PS_STRBUF_INIT;
    ps_strbuf_puts(&cmd, json_docs[_i].cmd);
    for (int t = 0; t < ntrees; t++)
        ps_strbuf_printf(&cmd, " %s", trees[t]);
    char *dir = tree_scratch();
    cli_result r = cli_run(dir, cmd.data);
    ck_assert_msg(r.status == 0 || (r.status == 1 && strncmp(cmd.data, "check", 5) == 0),
                  "%s: exit %d: %s", json_docs[_i].cmd, r.status, r.err);
    validate(dir, r.out, json_docs[_i].schema, json_docs[_i].cmd);
    cli_result_free(&r);
    tree_remove(dir);
    free(dir);
    ps_strbuf_free(&cmd);
}
END_TEST

int main(void)
{
    const char *dir = getenv("PS_CORPUS_DIR");
    ntrees = corpus_trees(trees);
    if (ntrees == 0) {
        printf("corpus: %s not found: skipping the corpus conformance suite\n", PS_CORPUS_DIR);
        return PS_SKIPPED;
    }
    have_patch_tools =
        run_cmd("git --version >/dev/null 2>&1 && patch --version >/dev/null 2>&1") == 0;
    Suite *s = suite_create("corpus");
    TCase *tc = tcase_create("invariants");
    tcase_set_timeout(tc, 300);
    tcase_add_loop_test(tc, diff_applies_and_apply_is_idempotent, 0, ntrees);
    tcase_add_loop_test(tc, reversible_and_path_independent, 0, ntrees);
    tcase_add_loop_test(tc, hand_written_offset_round_trips, 0, ntrees);
    tcase_add_loop_test(tc, every_json_document_validates, 0,
                        (int)(sizeof json_docs / sizeof json_docs[0]));
    suite_add_tcase(s, tc);
    nftw(dir && *dir ? dir : PS_CORPUS_DIR, collect_toml, 16, FTW_PHYS);
    printf("corpus: %d trees, %zu deployment.toml files\n", ntrees, ntomls);
    if (ntomls == 0) {
        printf("corpus: no deployment.toml under %s\n", dir && *dir ? dir : PS_CORPUS_DIR);
        return 1;
    }
    tc = tcase_create("deployment.toml");
    tcase_add_loop_test(tc, live_deployment_toml_is_strict_toml, 0, (int)ntomls);
    suite_add_tcase(s, tc);
    int status = run_suite_status(s); /* 77 when the validator is missing */
    for (int i = 0; i < ntrees; i++)
        free(trees[i]);
    for (size_t i = 0; i < ntomls; i++)
        free(tomls[i]);
    free(tomls);
    return status;
}
