/*
 * The unified diff writer against the tools that consume it: round trips
 * through GNU patch and git apply for generated and random cases, and
 * agreement with GNU diff -u where the alignment is unambiguous.
 */
#include "report/diff.h"

#include <check.h>

#include "../support/runner.h"
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../support/numbered.h"
#include "base/strbuf.h"

#define HDR(p) "--- a/" p "\n+++ b/" p "\n"

/* ---- generated cases ---------------------------------------------------- */

struct rng {
    uint64_t s;
};

static uint64_t rng_next(struct rng *r)
{
    r->s ^= r->s >> 12; /* xorshift64* */
    r->s ^= r->s << 25;
    r->s ^= r->s >> 27;
    return r->s * 2685821657736338717u;
}

static size_t rng_below(struct rng *r, size_t n)
{
    return (size_t)(rng_next(r) % n);
}

struct gen_case {
    const char *path;
    ps_strbuf old, new_;
};

#define BYTES(s) s, sizeof s - 1

/* Unusual line contents, including ones that look like diff syntax. */
static const struct {
    const char *s;
    size_t len;
} odd_lines[] = {{BYTES("")},
                 {BYTES(" ")},
                 {BYTES("\t")},
                 {BYTES("--- a/x")},
                 {BYTES("+++ b/x")},
                 {BYTES("@@ -1 +1 @@")},
                 {BYTES("\\ No newline at end of file")},
                 {BYTES("a\0b")},
                 {BYTES("cr\rinside")},
                 {BYTES("-")},
                 {BYTES("+")}};

static const char *const paths[] = {"app.conf", "conf/server.xml", "deep/er/path/settings.ini",
                                    "with space/my file.properties"};

static void put_token(ps_strbuf *b, unsigned t)
{
    unsigned word = t >> 1;
    size_t nodd = sizeof odd_lines / sizeof *odd_lines;
    if (word >= 1000 && word - 1000 < nodd)
        ps_strbuf_add(b, odd_lines[word - 1000].s, odd_lines[word - 1000].len);
    else
        ps_strbuf_printf(b, "w%u", word);
    ps_strbuf_puts(b, t & 1 ? "\r\n" : "\n");
}

static void render(ps_strbuf *b, const unsigned *tok, size_t n, int final_newline)
{
    ps_strbuf_add(b, "", 0);
    for (size_t i = 0; i < n; i++)
        put_token(b, tok[i]);
    if (!final_newline && b->len)
        b->data[--b->len] = '\0';
}

/*
 * A random file and an edited copy. `unique` gives every line distinct text,
 * so that the alignment is unambiguous and GNU diff's output is the only
 * right answer; otherwise lines come from a small alphabet and repeat a lot.
 */
static void random_case(struct rng *r, int unique, struct gen_case *c)
{
    size_t n = rng_below(r, 6) == 0 ? rng_below(r, 3) : rng_below(r, 90);
    if (rng_below(r, 25) == 0)
        n = 2000 + rng_below(r, 2000);
    size_t alphabet = 2 + rng_below(r, 14);
    int crlf = rng_below(r, 4) == 0, mixed = rng_below(r, 8) == 0;
    unsigned fresh = 5000;
    size_t cap = n + 64, m = 0;
    unsigned *a = ps_xmalloc(cap * sizeof *a), *b = ps_xmalloc(cap * sizeof *b);

    for (size_t i = 0; i < n; i++) {
        unsigned word;
        if (unique)
            word = (unsigned)(100000 + i);
        else if (rng_below(r, 20) == 0)
            word = 1000 + (unsigned)rng_below(r, sizeof odd_lines / sizeof *odd_lines);
        else
            word = (unsigned)rng_below(r, alphabet);
        unsigned eol = mixed ? (unsigned)rng_below(r, 2) : (unsigned)crlf;
        a[i] = word << 1 | eol;
    }
    memcpy(b, a, n * sizeof *a);
    m = n;
    size_t edits = rng_below(r, 7);
    for (size_t e = 0; e < edits && m + 8 < cap; e++) {
        size_t at = rng_below(r, m + 1), len = 1 + rng_below(r, 3);
        unsigned word = unique ? fresh++ : (unsigned)rng_below(r, alphabet + 2);
        unsigned tok = word << 1 | (unsigned)crlf;
        switch (rng_below(r, 3)) {
        case 0: /* insert */
            memmove(b + at + len, b + at, (m - at) * sizeof *b);
            for (size_t k = 0; k < len; k++)
                b[at + k] = unique ? (fresh++ << 1 | (unsigned)crlf) : tok;
            m += len;
            break;
        case 1: /* delete */
            if (at + len > m)
                len = m - at;
            memmove(b + at, b + at + len, (m - at - len) * sizeof *b);
            m -= len;
            break;
        default: /* replace */
            if (at < m)
                b[at] = tok;
            break;
        }
    }

    int old_nl = rng_below(r, 5) != 0;
    int new_nl = rng_below(r, 6) == 0 ? !old_nl : old_nl;
    c->path = paths[rng_below(r, sizeof paths / sizeof *paths)];
    ps_strbuf_free(&c->old);
    ps_strbuf_free(&c->new_);
    render(&c->old, a, n, old_nl);
    render(&c->new_, b, m, new_nl);
    free(a);
    free(b);
}

/* The hand-made shapes above, and a few more, as round-trip cases. */
static size_t fixed_case(size_t k, struct gen_case *c)
{
    static const char *const pairs[][2] = {
        {"", "a\nb\n"},
        {"a\nb\n", ""},
        {"a\nb", "a\nb\nc\n"},
        {"x", "x\n"},
        {"x\n", "x"},
        {"x", "y"},
        {"a\r\nb\r\n", "a\r\nb\n"},
        {"a\nb\n", "a\nb\r"},
        {"k\na\na\nz\n", "k\nb\na\nz\n"},
        {"X\nc\nc\nc\nb\nb\nb\nb\nb\nt1\nt2\nt3\nt4\n",
         "Y\nc\nc\nc\nb\nb\nb\nb\nb\nb\nt1\nt2\nt3\nt4\n"},
    };
    static const char *const edits[][4] = {
        {"10=port = 8081"},
        {"1=LINE 1", "20=LINE 20"},
        {"3=LINE 3", "15=LINE 15"},
        {"8=LINE 8", "13=LINE 13"},
        {"5=LINE 5", "12=LINE 12"},
        {"5=LINE 5", "13=LINE 13"},
        {"10+inserted"},
        {"0+first"},
        {"20+last"},
        {"10-"},
        {"1-"},
        {"20-", "19-"},
    };
    size_t npairs = sizeof pairs / sizeof *pairs, nedits = sizeof edits / sizeof *edits;

    ps_strbuf_free(&c->old);
    ps_strbuf_free(&c->new_);
    c->path = paths[k % (sizeof paths / sizeof *paths)];
    if (k < npairs) {
        ps_strbuf_puts(&c->old, pairs[k][0]);
        ps_strbuf_puts(&c->new_, pairs[k][1]);
    } else if (k < npairs + 2 * nedits) {
        size_t e = (k - npairs) / 2;
        const char *eol = (k - npairs) % 2 ? "\r\n" : "\n";
        const char *list[5] = {edits[e][0], edits[e][1], edits[e][2], edits[e][3], NULL};
        char *o = numbered_eol(20, eol, NULL), *n = numbered_eol(20, eol, list);
        ps_strbuf_puts(&c->old, o);
        ps_strbuf_puts(&c->new_, n);
        free(o);
        free(n);
    } else if (k == npairs + 2 * nedits) {
        char *o = numbered(30000, NULL);
        char *n = numbered(30000, EDITS("100=changed", "15000-", "29990+added"));
        ps_strbuf_puts(&c->old, o);
        ps_strbuf_puts(&c->new_, n);
        free(o);
        free(n);
    } else {
        return 0;
    }
    ps_strbuf_add(&c->old, "", 0);
    ps_strbuf_add(&c->new_, "", 0);
    return 1;
}

/* ---- a scratch directory and the external tools ------------------------ */

struct sandbox {
    char root[4096];
    unsigned next;
};

static int sh(const char *cmd)
{
    int st = system(cmd);
    return st != -1 && WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void sandbox_open(struct sandbox *sb)
{
    const char *tmp = getenv("TMPDIR");
    if (!tmp || !*tmp || strchr(tmp, '\''))
        tmp = "/tmp";
    snprintf(sb->root, sizeof sb->root, "%s/check_diff.XXXXXX", tmp);
    ck_assert_msg(mkdtemp(sb->root) != NULL, "mkdtemp: %s", strerror(errno));
    sb->next = 0;
}

static void sandbox_close(struct sandbox *sb)
{
    char *cmd = ps_xasprintf("rm -rf '%s'", sb->root);
    ck_assert_int_eq(sh(cmd), 0);
    free(cmd);
}

/* Creates the directories leading to `path`. */
static void make_parents(const char *path)
{
    char *p = ps_xstrdup(path);
    for (char *s = strchr(p + 1, '/'); s; s = strchr(s + 1, '/')) {
        *s = '\0';
        ck_assert_msg(mkdir(p, 0777) == 0 || errno == EEXIST, "mkdir %s: %s", p, strerror(errno));
        *s = '/';
    }
    free(p);
}

static void write_file(const char *path, const char *data, size_t len)
{
    make_parents(path);
    FILE *f = fopen(path, "wb");
    ck_assert_msg(f != NULL, "%s: %s", path, strerror(errno));
    ck_assert_uint_eq(fwrite(data, 1, len, f), len);
    ck_assert_int_eq(fclose(f), 0);
}

static char *read_whole(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "%s: %s", path, strerror(errno));
    ps_strbuf b = PS_STRBUF_INIT;
    char chunk[65536];
    size_t got;
    while ((got = fread(chunk, 1, sizeof chunk, f)) > 0)
        ps_strbuf_add(&b, chunk, got);
    fclose(f);
    return ps_strbuf_detach(&b, len);
}

/* 1 when `cmd` runs; else the case is reported skipped (never passed) for what needs it. */
static int tool_works(const char *test, const char *tool)
{
    char *cmd = ps_xasprintf("%s --version >/dev/null 2>&1", tool);
    int works = sh(cmd) == 0;
    free(cmd);
    if (!works) {
        char *why = ps_xasprintf("`%s` does not run; the checks through it did not run", tool);
        case_skipped(test, why);
        free(why);
    }
    return works;
}

/* Writes old as <dir>/<tool>/<path>, applies the diff there with `apply`, and demands new. */
static void apply_and_compare(const char *dir, const char *tool, const char *apply,
                              const struct gen_case *c, const char *what)
{
    char *target = ps_xasprintf("%s/%s/%s", dir, tool, c->path);
    write_file(target, c->old.data, c->old.len);
    char *cmd = ps_xasprintf("cd '%s/%s' && %s", dir, tool, apply);
    ck_assert_msg(sh(cmd) == 0, "%s: `%s` failed (files kept in %s)", what, cmd, dir);
    size_t len;
    char *result = read_whole(target, &len);
    ck_assert_msg(len == c->new_.len && memcmp(result, c->new_.data, len) == 0,
                  "%s: %s does not reproduce the new file (files kept in %s)", what, tool, dir);
    free(result);
    free(cmd);
    free(target);
}

static void round_trip(struct sandbox *sb, const struct gen_case *c, int use_patch, int use_git,
                       const char *what)
{
    ps_strbuf diff = PS_STRBUF_INIT;
    int hunks = ps_diff_unified(&diff, c->path, c->old.data, c->old.len, c->new_.data, c->new_.len);
    int same = c->old.len == c->new_.len && memcmp(c->old.data, c->new_.data, c->old.len) == 0;
    ck_assert_msg((hunks == 0) == same, "%s: %d hunks", what, hunks);
    ck_assert_msg((diff.len == 0) == same, "%s: output despite equal inputs", what);
    if (same) {
        ps_strbuf_free(&diff);
        return;
    }

    char *dir = ps_xasprintf("%s/%u", sb->root, sb->next++);
    char *diff_path = ps_xasprintf("%s/case.diff", dir);
    write_file(diff_path, diff.data, diff.len);
    if (use_patch)
        apply_and_compare(dir, "patch",
                          "patch -p1 -s -F0 --batch --no-backup-if-mismatch "
                          "-i ../case.diff",
                          c, what);
    if (use_git) {
        char *git = ps_xasprintf("GIT_CEILING_DIRECTORIES='%s' GIT_CONFIG_NOSYSTEM=1 "
                                 "GIT_CONFIG_GLOBAL=/dev/null git apply -p1 --whitespace=nowarn "
                                 "../case.diff",
                                 sb->root);
        apply_and_compare(dir, "git", git, c, what);
        free(git);
    }
    /* Passed: only failures keep their files. */
    char *rm = ps_xasprintf("rm -rf '%s'", dir);
    ck_assert_int_eq(sh(rm), 0);
    free(rm);
    free(diff_path);
    free(dir);
    ps_strbuf_free(&diff);
}

START_TEST(round_trips_through_patch_and_git_apply)
{
    int use_patch = tool_works("round_trips_through_patch_and_git_apply", "patch");
    int use_git = tool_works("round_trips_through_patch_and_git_apply", "git");
    if (!use_patch && !use_git)
        return;

    struct sandbox sb;
    sandbox_open(&sb);
    struct gen_case c = {NULL, PS_STRBUF_INIT, PS_STRBUF_INIT};
    char what[64];
    size_t k;
    for (k = 0; fixed_case(k, &c); k++) {
        snprintf(what, sizeof what, "fixed case %zu", k);
        round_trip(&sb, &c, use_patch, use_git, what);
    }
    ck_assert_uint_gt(k, 30);

    struct rng r = {0x9e3779b97f4a7c15u};
    for (int i = 0; i < 300; i++) {
        random_case(&r, i % 4 == 0, &c);
        snprintf(what, sizeof what, "random case %d", i);
        round_trip(&sb, &c, use_patch, use_git, what);
    }
    ps_strbuf_free(&c.old);
    ps_strbuf_free(&c.new_);
    sandbox_close(&sb);
}
END_TEST

START_TEST(wholesale_rewrite_round_trips)
{
    /* Two unrelated 20000-line files over a small vocabulary: the edit distance is far above
     * the search's cost limit, so this takes the non-minimal path, which must still be right. */
    if (!tool_works("wholesale_rewrite_round_trips", "patch"))
        return;
    struct rng r = {42};
    unsigned *a = ps_xmalloc(20000 * sizeof *a), *b = ps_xmalloc(20000 * sizeof *b);
    for (size_t i = 0; i < 20000; i++) {
        a[i] = (unsigned)rng_below(&r, 40) << 1;
        b[i] = (unsigned)rng_below(&r, 40) << 1;
    }
    struct gen_case c = {"rewrite.txt", PS_STRBUF_INIT, PS_STRBUF_INIT};
    render(&c.old, a, 20000, 1);
    render(&c.new_, b, 20000, 1);
    struct sandbox sb;
    sandbox_open(&sb);
    round_trip(&sb, &c, 1, 0, "rewrite");
    sandbox_close(&sb);
    ps_strbuf_free(&c.old);
    ps_strbuf_free(&c.new_);
    free(a);
    free(b);
}
END_TEST

START_TEST(matches_gnu_diff_when_unambiguous)
{
    if (!tool_works("matches_gnu_diff_when_unambiguous", "diff"))
        return;

    struct sandbox sb;
    sandbox_open(&sb);
    struct gen_case c = {NULL, PS_STRBUF_INIT, PS_STRBUF_INIT};
    struct rng r = {0x2545f4914f6cdd1du};
    int compared = 0;
    for (int i = 0; i < 200; i++) {
        /* Distinct lines make the alignment unique (the inserted ones are fresh too). */
        random_case(&r, 1, &c);
        if (strchr(c.path, ' '))
            continue; /* GNU diff writes no tab after such a name */
        ps_strbuf mine = PS_STRBUF_INIT;
        ps_diff_unified(&mine, c.path, c.old.data, c.old.len, c.new_.data, c.new_.len);

        char *old_path = ps_xasprintf("%s/old", sb.root);
        char *new_path = ps_xasprintf("%s/new", sb.root);
        char *out_path = ps_xasprintf("%s/gnu.diff", sb.root);
        write_file(old_path, c.old.data, c.old.len);
        write_file(new_path, c.new_.data, c.new_.len);
        char *cmd = ps_xasprintf("diff -a -u --label 'a/%s' --label 'b/%s' '%s' '%s' > '%s'",
                                 c.path, c.path, old_path, new_path, out_path);
        int rc = sh(cmd);
        ck_assert_msg(rc == 0 || rc == 1, "`%s` failed", cmd);
        size_t len;
        char *gnu = read_whole(out_path, &len);
        ck_assert_msg(len == mine.len && memcmp(gnu, mine.data ? mine.data : "", len) == 0,
                      "case %d differs from GNU diff (files kept in %s):\n%s\n--- versus ---\n%s",
                      i, sb.root, gnu, mine.data ? mine.data : "");
        compared++;
        free(gnu);
        free(cmd);
        free(old_path);
        free(new_path);
        free(out_path);
        ps_strbuf_free(&mine);
    }
    ck_assert_int_gt(compared, 100);
    ps_strbuf_free(&c.old);
    ps_strbuf_free(&c.new_);
    sandbox_close(&sb);
}
END_TEST

static Suite *diff_tools_suite(void)
{
    Suite *s = suite_create("diff_tools");
    /* These run external programs many times; valgrind makes them slower still. */
    TCase *tools = tcase_create("tools");
    tcase_set_timeout(tools, 600);
    tcase_add_test(tools, round_trips_through_patch_and_git_apply);
    tcase_add_test(tools, wholesale_rewrite_round_trips);
    tcase_add_test(tools, matches_gnu_diff_when_unambiguous);
    suite_add_tcase(s, tools);
    return s;
}

int main(void)
{
    return run_suite_status(diff_tools_suite());
}
