/*
 * The unified diff writer against the tools that consume it: round trips
 * through GNU patch and git apply for hand-made and random edit lists, and
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
#include "../support/xalloc.h"
#include "base/strbuf.h"

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

/* A file, an edit list of it, and the bytes the edits make of it. */
struct gen_case {
    const char *path;
    ps_strbuf old;
    ps_edit *edits;
    size_t nedits, cap;
    char *new_;
    size_t new_len;
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

static void case_clear(struct gen_case *c)
{
    ps_strbuf_free(&c->old);
    for (size_t i = 0; i < c->nedits; i++)
        free(c->edits[i].text);
    free(c->edits);
    free(c->new_);
    *c = (struct gen_case){.old = PS_STRBUF_INIT};
}

static void add_edit(struct gen_case *c, size_t start, size_t end, char *text)
{
    ps_edit *e = XPUSH(c->edits, c->nedits, c->cap);
    *e = (ps_edit){.span = {start, end}, .text = text};
}

/* The new bytes of a case whose old bytes and edits are set. */
static void case_done(struct gen_case *c)
{
    ps_strbuf_add(&c->old, "", 0);
    c->new_ = edits_applied(c->old.data, c->old.len, c->edits, c->nedits, &c->new_len);
}

/* A line for a random file: "w<word>" or an odd line; no line end. `unique` words are fresh. */
static char *random_text(struct rng *r, int unique, unsigned *fresh, size_t alphabet)
{
    if (unique)
        return xasprintf("w%u", (*fresh)++);
    if (rng_below(r, 20) == 0) {
        size_t k = rng_below(r, sizeof odd_lines / sizeof *odd_lines);
        if (!memchr(odd_lines[k].s, '\0', odd_lines[k].len)) /* an edit's text is a C string */
            return xstrdup(odd_lines[k].s);
    }
    return xasprintf("w%zu", rng_below(r, alphabet));
}

/*
 * A random file and a random edit list of it, in the shapes a plan makes and
 * more: a number inside a line, a whole line's text, lines inserted at a line
 * start, lines taken out, a line end changed, the final newline added or
 * taken away, several edits on one line or on touching lines. `unique` gives
 * every line (old and new) distinct text, so that the alignment is
 * unambiguous and GNU diff's output is the only right answer; otherwise lines
 * come from a small alphabet and repeat a lot.
 */
static void random_case(struct rng *r, int unique, struct gen_case *c)
{
    case_clear(c);
    size_t n = rng_below(r, 6) == 0 ? rng_below(r, 3) : rng_below(r, 90);
    if (rng_below(r, 25) == 0)
        n = 2000 + rng_below(r, 2000);
    size_t alphabet = 2 + rng_below(r, 14);
    int crlf = rng_below(r, 4) == 0, mixed = rng_below(r, 8) == 0;
    unsigned fresh = 100000;
    size_t *start = xmalloc((n + 1) * sizeof *start);
    size_t *text_end = xmalloc((n + 1) * sizeof *text_end);
    for (size_t i = 0; i < n; i++) {
        start[i] = c->old.len;
        if (!unique && rng_below(r, 20) == 0) {
            size_t k = rng_below(r, sizeof odd_lines / sizeof *odd_lines);
            ps_strbuf_add(&c->old, odd_lines[k].s, odd_lines[k].len);
        } else {
            ps_strbuf_printf(&c->old, "w%zu", unique ? fresh++ : rng_below(r, alphabet));
        }
        text_end[i] = c->old.len;
        ps_strbuf_puts(&c->old, (mixed ? rng_below(r, 2) : (size_t)crlf) ? "\r\n" : "\n");
    }
    start[n] = c->old.len;
    const char *eol = crlf ? "\r\n" : "\n";
    int final_nl = n == 0 || rng_below(r, 5) != 0;
    if (!final_nl) { /* the last line loses its line end */
        c->old.len = text_end[n - 1];
        c->old.data[c->old.len] = '\0';
        start[n] = c->old.len;
    }

    /* Walk the lines, editing some: edits come out in order and never overlap. */
    size_t per = 1 + rng_below(r, 30);
    for (size_t i = 0; i <= n; i++) {
        if (rng_below(r, per) != 0)
            continue;
        if (i == n || rng_below(r, 4) == 0) { /* lines inserted before line i */
            ps_strbuf t = PS_STRBUF_INIT;
            int at_end_unterminated = i == n && !final_nl && n > 0;
            size_t lines = 1 + rng_below(r, 3);
            for (size_t k = 0; k < lines; k++) {
                char *line = random_text(r, unique, &fresh, alphabet);
                ps_strbuf_printf(&t, "%s%s%s", at_end_unterminated ? eol : "", line,
                                 at_end_unterminated ? "" : eol);
                free(line);
            }
            add_edit(c, start[i], start[i], ps_strbuf_detach(&t, NULL));
            if (i == n)
                break;
        }
        switch (rng_below(r, 4)) {
        case 0: { /* lines taken out */
            size_t len = 1 + rng_below(r, 3);
            if (i + len > n)
                len = n - i;
            add_edit(c, start[i], start[i + len], xstrdup(""));
            i += len - 1;
            break;
        }
        case 1: /* the line's text */
            add_edit(c, start[i], text_end[i], random_text(r, unique, &fresh, alphabet));
            break;
        case 2: { /* a number inside it, and maybe a second one on the same line */
            const char *p = c->old.data + start[i];
            size_t len = text_end[i] - start[i];
            if (len < 2 || p[0] != 'w')
                break;
            size_t mid = start[i] + 1 + rng_below(r, len - 1);
            add_edit(c, start[i] + 1, mid, xasprintf("%u", unique ? fresh++ : 7u));
            if (mid < text_end[i] && rng_below(r, 2))
                add_edit(c, mid, text_end[i], xasprintf("%u", unique ? fresh++ : 9u));
            break;
        }
        default: /* the line end */
            if (text_end[i] < start[i + 1])
                add_edit(c, text_end[i], start[i + 1],
                         xstrdup(start[i + 1] - text_end[i] == 2 ? "\n" : "\r\n"));
            break;
        }
    }
    /* The final newline added or taken away, past every other edit. */
    size_t last_end = c->nedits ? c->edits[c->nedits - 1].span.end : 0;
    if (n && rng_below(r, 6) == 0) {
        if (!final_nl)
            add_edit(c, start[n], start[n], xstrdup(eol));
        else if (last_end <= text_end[n - 1])
            add_edit(c, text_end[n - 1], start[n], xstrdup(""));
    }
    free(start);
    free(text_end);
    c->path = paths[rng_below(r, sizeof paths / sizeof *paths)];
    case_done(c);
}

/* Hand-made shapes, as round-trip cases: one edit of a small file, numbered
 * files with line edits, and a large file. */
static size_t fixed_case(size_t k, struct gen_case *c)
{
    static const struct {
        const char *old;
        size_t start, end;
        const char *text;
    } one[] = {
        {"", 0, 0, "a\nb\n"},
        {"a\nb\n", 0, 4, ""},
        {"a\nb", 3, 3, "\nc\n"},
        {"x", 1, 1, "\n"},
        {"x\n", 1, 2, ""},
        {"x", 0, 1, "y"},
        {"a\r\nb\r\n", 4, 6, "\n"},
        {"a\nb\n", 3, 4, "\r"},
        {"k\na\na\nz\n", 2, 3, "b"},
        {"a\na\n", 0, 0, "a\n"},
        {"k=9443\nk=9446\n", 2, 6, "9446"},
        {"a = 1\nb = 2", 11, 11, "\n\n[server]  # portshift\noffset = 3  # portshift"},
        {"a = 1\nb = 2\n\n[server]  # portshift\noffset = 3  # portshift", 11, 54, ""},
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
        {"19-", "20-"},
        {"3+new", "4=four", "5=five"},
    };
    size_t none = sizeof one / sizeof *one, nedits = sizeof edits / sizeof *edits;

    case_clear(c);
    c->path = paths[k % (sizeof paths / sizeof *paths)];
    if (k < none) {
        ps_strbuf_puts(&c->old, one[k].old);
        add_edit(c, one[k].start, one[k].end, xstrdup(one[k].text));
    } else if (k < none + 2 * nedits) {
        size_t e = (k - none) / 2;
        const char *eol = (k - none) % 2 ? "\r\n" : "\n";
        const char *list[5] = {edits[e][0], edits[e][1], edits[e][2], edits[e][3], NULL};
        char *o = numbered_edits(20, eol, list, &c->edits, &c->nedits);
        c->cap = c->nedits;
        ps_strbuf_puts(&c->old, o);
        free(o);
    } else if (k == none + 2 * nedits) {
        char *o = numbered_edits(30000, "\n", EDITS("100=changed", "15000-", "29990+added"),
                                 &c->edits, &c->nedits);
        c->cap = c->nedits;
        ps_strbuf_puts(&c->old, o);
        free(o);
    } else {
        return 0;
    }
    case_done(c);
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
    char *cmd = xasprintf("rm -rf '%s'", sb->root);
    ck_assert_int_eq(sh(cmd), 0);
    free(cmd);
}

/* Creates the directories leading to `path`. */
static void make_parents(const char *path)
{
    char *p = xstrdup(path);
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
    char *cmd = xasprintf("%s --version >/dev/null 2>&1", tool);
    int works = sh(cmd) == 0;
    free(cmd);
    if (!works) {
        char *why = xasprintf("`%s` does not run; the checks through it did not run", tool);
        case_skipped(test, why);
        free(why);
    }
    return works;
}

/* Writes old as <dir>/<tool>/<path>, applies the diff there with `apply`, and demands new. */
static void apply_and_compare(const char *dir, const char *tool, const char *apply,
                              const struct gen_case *c, const char *what)
{
    char *target = xasprintf("%s/%s/%s", dir, tool, c->path);
    write_file(target, c->old.data, c->old.len);
    char *cmd = xasprintf("cd '%s/%s' && %s", dir, tool, apply);
    ck_assert_msg(sh(cmd) == 0, "%s: `%s` failed (files kept in %s)", what, cmd, dir);
    size_t len;
    char *result = read_whole(target, &len);
    ck_assert_msg(len == c->new_len && memcmp(result, c->new_, len) == 0,
                  "%s: %s does not reproduce the new file (files kept in %s)", what, tool, dir);
    free(result);
    free(cmd);
    free(target);
}

static void round_trip(struct sandbox *sb, const struct gen_case *c, int use_patch, int use_git,
                       const char *what)
{
    ps_strbuf diff = PS_STRBUF_INIT;
    int hunks = ps_diff_unified(&diff, c->path, c->old.data, c->old.len, c->edits, c->nedits);
    int same = c->old.len == c->new_len && memcmp(c->old.data, c->new_, c->old.len) == 0;
    ck_assert_msg(hunks >= 0, "%s: the edit list was refused", what);
    /* Edits that change bytes may still give the same file (a line taken out here, the same
     * line added a few lines on): then a diff is right too, and must round-trip. */
    ck_assert_msg(hunks > 0 || same, "%s: no hunk, but the edits change the file", what);
    ck_assert_msg((diff.len == 0) == (hunks == 0), "%s: %d hunks in %zu bytes", what, hunks,
                  diff.len);
    if (hunks == 0) {
        ps_strbuf_free(&diff);
        return;
    }

    char *dir = xasprintf("%s/%u", sb->root, sb->next++);
    char *diff_path = xasprintf("%s/case.diff", dir);
    write_file(diff_path, diff.data, diff.len);
    if (use_patch)
        apply_and_compare(dir, "patch",
                          "patch -p1 -s -F0 --batch --no-backup-if-mismatch "
                          "-i ../case.diff",
                          c, what);
    if (use_git) {
        char *git = xasprintf("GIT_CEILING_DIRECTORIES='%s' GIT_CONFIG_NOSYSTEM=1 "
                              "GIT_CONFIG_GLOBAL=/dev/null git apply -p1 --whitespace=nowarn "
                              "../case.diff",
                              sb->root);
        apply_and_compare(dir, "git", git, c, what);
        free(git);
    }
    /* Passed: only failures keep their files. */
    char *rm = xasprintf("rm -rf '%s'", dir);
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
    struct gen_case c = {.old = PS_STRBUF_INIT};
    char what[64];
    size_t k;
    for (k = 0; fixed_case(k, &c); k++) {
        snprintf(what, sizeof what, "fixed case %zu", k);
        round_trip(&sb, &c, use_patch, use_git, what);
    }
    ck_assert_uint_gt(k, 30);

    struct rng r = {0x9e3779b97f4a7c15u};
    for (int i = 0; i < 400; i++) {
        random_case(&r, i % 4 == 0, &c);
        snprintf(what, sizeof what, "random case %d", i);
        round_trip(&sb, &c, use_patch, use_git, what);
    }
    case_clear(&c);
    sandbox_close(&sb);
}
END_TEST

START_TEST(every_line_edited_round_trips)
{
    /* A 20000-line file with every line's number changed: 20000 touching edits, one run. */
    if (!tool_works("every_line_edited_round_trips", "patch"))
        return;
    struct gen_case c = {.path = "rewrite.txt", .old = PS_STRBUF_INIT};
    for (size_t i = 0; i < 20000; i++) {
        size_t at = c.old.len + 5;
        ps_strbuf_printf(&c.old, "port=%zu\n", 1000 + i % 40);
        add_edit(&c, at, at + 4, xasprintf("%zu", 2000 + i % 40));
    }
    case_done(&c);
    ps_strbuf diff = PS_STRBUF_INIT;
    ck_assert_int_eq(ps_diff_unified(&diff, c.path, c.old.data, c.old.len, c.edits, c.nedits), 1);
    ck_assert_ptr_nonnull(strstr(diff.data, "\n@@ -1,20000 +1,20000 @@\n-port=1000\n"));
    ps_strbuf_free(&diff);
    struct sandbox sb;
    sandbox_open(&sb);
    round_trip(&sb, &c, 1, 0, "every line");
    sandbox_close(&sb);
    case_clear(&c);
}
END_TEST

START_TEST(matches_gnu_diff_when_unambiguous)
{
    if (!tool_works("matches_gnu_diff_when_unambiguous", "diff"))
        return;

    struct sandbox sb;
    sandbox_open(&sb);
    struct gen_case c = {.old = PS_STRBUF_INIT};
    struct rng r = {0x2545f4914f6cdd1du};
    int compared = 0;
    for (int i = 0; i < 300; i++) {
        /* Distinct lines make the alignment unique (the inserted ones are fresh too). */
        random_case(&r, 1, &c);
        if (strchr(c.path, ' '))
            continue; /* GNU diff writes no tab after such a name */
        ps_strbuf mine = PS_STRBUF_INIT;
        ck_assert_int_ge(ps_diff_unified(&mine, c.path, c.old.data, c.old.len, c.edits, c.nedits),
                         0);

        char *old_path = xasprintf("%s/old", sb.root);
        char *new_path = xasprintf("%s/new", sb.root);
        char *out_path = xasprintf("%s/gnu.diff", sb.root);
        write_file(old_path, c.old.data, c.old.len);
        write_file(new_path, c.new_, c.new_len);
        char *cmd = xasprintf("diff -a -u --label 'a/%s' --label 'b/%s' '%s' '%s' > '%s'", c.path,
                              c.path, old_path, new_path, out_path);
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
    ck_assert_int_gt(compared, 150);
    case_clear(&c);
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
    tcase_add_test(tools, every_line_edited_round_trips);
    tcase_add_test(tools, matches_gnu_diff_when_unambiguous);
    suite_add_tcase(s, tools);
    return s;
}

int main(void)
{
    return run_suite_status(diff_tools_suite());
}
