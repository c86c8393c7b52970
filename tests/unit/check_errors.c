/*
 * Bad input, through the CLI (DESIGN §2.4-§2.6, §4, §5): every refusal exits
 * 2, prints exactly one diagnostic line "portshift: path:line:col: error:
 * message" on stderr (usage errors may follow it with the usage text), writes
 * nothing on stdout, and leaves every byte of every home as it was. Each
 * defective fixture has a positive control (the same home without the defect
 * applies, changing exactly the <Offset> and the redirectPort digits), so no
 * refusal can pass vacuously.
 *
 * Fixtures: tests/fixtures/errors/<name>/, copied to a scratch folder before
 * each test (the source tree may be read-only). Expected positions were
 * counted by hand from those files; see the comments at each case.
 *
 * Permission cases (chmod 000, read-only folders) cannot be set up for root,
 * who reads and writes anything: they print a message and pass when
 * geteuid() == 0. The root-proof "unreadable" cases are a FIFO, a symlink to
 * a character device and a dangling symlink named *.xml (a directory named
 * foo.xml is not one: it is walked as a folder, correctly). Commit-time write
 * failures are simulated for everyone by interposing rename(2), as
 * check_apply.c does.
 */
#include <check.h>

#include "../support/runner.h"
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../support/tree.h"
#include "output/apply.h"

#define FIXTURES PS_SOURCE_DIR "/tests/fixtures/errors"
#define CARBON "repository/conf/carbon.xml"
#define CATALINA "repository/conf/tomcat/catalina-server.xml"

/* ---- rename(2) interposition: make the Nth rename of apply.c fail ---- */

static int rename_calls, rename_fail_at;

int rename(const char *from, const char *to)
{
    if (rename_fail_at && ++rename_calls == rename_fail_at) {
        errno = EACCES;
        return -1;
    }
    return renameat(AT_FDCWD, from, AT_FDCWD, to);
}

static void fail_rename(int nth)
{
    rename_calls = 0;
    rename_fail_at = nth;
}

/* ---- scratch homes ---- */

typedef struct fx {
    char *scratch; /* the cwd of every CLI run; homes are scratch/<name> */
} fx;

/*
 * The scratch folder of the running test. A failed assertion ends the test
 * before fx_close (with CK_FORK=no, by a jump back into Check): the next
 * fx_open removes it. Every scratch folder lives in one suite folder that
 * main removes at the end, whatever happened (see main).
 */
static char *live_scratch;

static void drop_scratch(void)
{
    if (live_scratch) {
        tree_remove(live_scratch);
        free(live_scratch);
        live_scratch = NULL;
    }
}

static void fx_open(fx *f)
{
    fail_rename(0);
    drop_scratch();
    f->scratch = tree_scratch();
    ck_assert_ptr_nonnull(f->scratch);
    live_scratch = f->scratch;
}

static void fx_close(fx *f)
{
    fail_rename(0);
    drop_scratch();
    f->scratch = NULL;
}

/* scratch/rel, in one of a few rotating buffers so a call can hold several. */
static const char *in(const fx *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static const char *in(const fx *f, const char *fmt, ...)
{
    static char bufs[8][4096];
    static int next;
    char *b = bufs[next++ % 8];
    char rel[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(rel, sizeof rel, fmt, ap);
    va_end(ap);
    snprintf(b, 4096, "%s/%s", f->scratch, rel);
    return b;
}

/* Copies fixture `fixture` to scratch/<name>. */
static void fx_add(const fx *f, const char *fixture, const char *name)
{
    char src[4096];
    snprintf(src, sizeof src, "%s/%s", FIXTURES, fixture);
    ck_assert_msg(access(src, R_OK) == 0, "fixture %s missing", src);
    ck_assert_msg(tree_copy(src, in(f, "%s", name)) == 0, "cannot copy %s", src);
}

static void put(const char *path, const char *text)
{
    FILE *fp = fopen(path, "wb");
    ck_assert_msg(fp != NULL, "cannot create %s: %s", path, strerror(errno));
    fputs(text, fp);
    ck_assert_int_eq(fclose(fp), 0);
}

static cli_result cli(const fx *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static cli_result cli(const fx *f, const char *fmt, ...)
{
    char cmd[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    return cli_run(f->scratch, cmd);
}

static int is_root(const char *test)
{
    if (geteuid() != 0)
        return 0;
    printf("errors: %s: skipped: running as root, who can read and write any file\n", test);
    return 1;
}

/* ---- the error contract ---- */

enum { ANY_COL = -1 };

static int starts_with(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

/*
 * Exit 2, nothing on stdout, and stderr's first line exactly
 * "portshift: <path>:<line>:<col>: error: ..." (the position parts left out
 * when path is NULL or line is 0; col ANY_COL accepts any column, which is
 * returned) containing `needle`. With `usage`, the usage text may follow (it
 * must, in fact); otherwise that line is all of stderr.
 */
static int expect_error(const cli_result *r, const char *what, const char *path, int line, int col,
                        const char *needle, int usage)
{
    ck_assert_msg(r->status == 2, "%s: exit %d, expected 2; stderr: %s", what, r->status, r->err);
    ck_assert_msg(r->out[0] == '\0', "%s: wrote to stdout:\n%s", what, r->out);
    const char *nl = strchr(r->err, '\n');
    ck_assert_msg(nl != NULL, "%s: no diagnostic line on stderr: '%s'", what, r->err);
    char first[2048];
    snprintf(first, sizeof first, "%.*s", (int)(nl - r->err), r->err);
    if (usage)
        ck_assert_msg(strstr(nl + 1, "usage:") != NULL, "%s: no usage text after '%s'", what,
                      first);
    else
        ck_assert_msg(nl[1] == '\0', "%s: more than one line on stderr:\n%s", what, r->err);
    ck_assert_msg(starts_with(first, "portshift: ") && strstr(first, "error:"),
                  "%s: not a portshift error line: '%s'", what, first);

    char want[1400];
    int got_col = col;
    if (!path)
        snprintf(want, sizeof want, "portshift: error: ");
    else if (line <= 0)
        snprintf(want, sizeof want, "portshift: %s: error: ", path);
    else if (col > 0)
        snprintf(want, sizeof want, "portshift: %s:%d:%d: error: ", path, line, col);
    else
        snprintf(want, sizeof want, "portshift: %s:%d:", path, line);
    ck_assert_msg(starts_with(first, want), "%s: expected '%s...', got '%s'", what, want, first);
    if (path && line > 0 && col <= 0) {
        char *end;
        got_col = (int)strtol(first + strlen(want), &end, 10);
        ck_assert_msg(end != first + strlen(want) && got_col > 0 && starts_with(end, ": error: "),
                      "%s: expected '%s<col>: error: ...', got '%s'", what, want, first);
    }
    if (needle)
        ck_assert_msg(strstr(first, needle) != NULL, "%s: '%s' does not mention '%s'", what, first,
                      needle);
    return got_col;
}

static void assert_same(const snapshot *a, const snapshot *b, const char *what)
{
    char *msg = snapshot_diff(a, b);
    ck_assert_msg(msg == NULL, "%s: the scratch folder changed: %s", what, msg);
}

static const char *const APPLY_DIFF_PLAN[] = {"apply", "diff", "plan", NULL};
static const char *const APPLY_DIFF[] = {"apply", "diff", NULL};
static const char *const APPLY[] = {"apply", NULL};

/* Runs each `cmds[i] args` and checks the error contract and an unchanged scratch folder. */
static void refused(const fx *f, const char *const *cmds, const char *args, const char *path,
                    int line, int col, const char *needle)
{
    for (size_t i = 0; cmds[i]; i++) {
        char what[1024];
        snprintf(what, sizeof what, "%s %s", cmds[i], args);
        snapshot before, after;
        snapshot_take(&before, f->scratch);
        cli_result r = cli(f, "%s", what);
        expect_error(&r, what, path, line, col, needle, 0);
        cli_result_free(&r);
        snapshot_take(&after, f->scratch);
        assert_same(&before, &after, what);
        snapshot_free(&before);
        snapshot_free(&after);
    }
}

/* A usage error: exit 2, "portshift: error: ..." mentioning `needle`, then the usage text. */
static void usage_refused(const fx *f, const char *cmdline, const char *needle)
{
    snapshot before, after;
    snapshot_take(&before, f->scratch);
    cli_result r = cli(f, "%s", cmdline);
    expect_error(&r, *cmdline ? cmdline : "(no arguments)", NULL, 0, 0, needle, 1);
    cli_result_free(&r);
    snapshot_take(&after, f->scratch);
    assert_same(&before, &after, cmdline);
    snapshot_free(&before);
    snapshot_free(&after);
}

/* ---- positive controls: exactly the offset and the redirect move ---- */

static const char *find_bytes(const char *hay, size_t n, const char *needle)
{
    size_t m = strlen(needle);
    for (size_t i = 0; m <= n && i <= n - m; i++)
        if (memcmp(hay + i, needle, m) == 0)
            return hay + i;
    return NULL;
}

static void replace_once(snap_file *file, const char *from, const char *to)
{
    const char *at = find_bytes(file->data, file->len, from);
    ck_assert_msg(at != NULL, "%s: '%s' not found", file->rel, from);
    size_t off = (size_t)(at - file->data), fl = strlen(from), tl = strlen(to);
    ck_assert_msg(!find_bytes(at + 1, file->len - off - 1, from), "%s: '%s' twice", file->rel,
                  from);
    char *data = malloc(file->len - fl + tl + 1);
    memcpy(data, file->data, off);
    memcpy(data + off, to, tl);
    memcpy(data + off + tl, file->data + off + fl, file->len - off - fl);
    free(file->data);
    file->data = data;
    file->len = file->len - fl + tl;
}

static void snapshot_copy(snapshot *dst, const snapshot *src)
{
    dst->count = src->count;
    dst->files = calloc(src->count ? src->count : 1, sizeof *dst->files);
    for (size_t i = 0; i < src->count; i++) {
        dst->files[i].rel = strdup(src->files[i].rel);
        dst->files[i].len = src->files[i].len;
        dst->files[i].data = malloc(src->files[i].len + 1);
        if (src->files[i].len)
            memcpy(dst->files[i].data, src->files[i].data, src->files[i].len);
    }
}

static snap_file *snap_find(snapshot *s, const char *rel)
{
    for (size_t i = 0; i < s->count; i++)
        if (strcmp(s->files[i].rel, rel) == 0)
            return &s->files[i];
    ck_abort_msg("%s not in the snapshot", rel);
    return NULL;
}

/* What home `name` (offset 0, fixture layout) looks like at offset n. */
static void expect_shift(snapshot *s, const char *name, long n)
{
    char rel[512], from[64], to[64];
    snprintf(rel, sizeof rel, "%s/%s", name, CARBON);
    snprintf(to, sizeof to, "<Offset>%ld</Offset>", n);
    replace_once(snap_find(s, rel), "<Offset>0</Offset>", to);
    snprintf(rel, sizeof rel, "%s/%s", name, CATALINA);
    snprintf(from, sizeof from, "redirectPort=\"9443\"");
    snprintf(to, sizeof to, "redirectPort=\"%ld\"", 9443 + n);
    replace_once(snap_find(s, rel), from, to);
}

/* `apply args` succeeds, silently on stderr, and changes exactly the
 * offset and redirect of each of names[] (moved to n), nothing else. */
static void applies(const fx *f, const char *args, const char *const *names, long n)
{
    snapshot before, after, want;
    snapshot_take(&before, f->scratch);
    cli_result r = cli(f, "apply %s", args);
    ck_assert_msg(r.status == 0, "positive control: apply %s: exit %d: %s", args, r.status, r.err);
    ck_assert_msg(r.err[0] == '\0', "positive control: apply %s: stderr: %s", args, r.err);
    cli_result_free(&r);
    snapshot_take(&after, f->scratch);
    snapshot_copy(&want, &before);
    for (size_t i = 0; names[i]; i++)
        expect_shift(&want, names[i], n);
    char *msg = snapshot_diff(&want, &after);
    ck_assert_msg(msg == NULL, "positive control: apply %s: %s", args, msg);
    snapshot_free(&before);
    snapshot_free(&after);
    snapshot_free(&want);
}

static void applies_home(const fx *f, const char *name, long n)
{
    char args[512];
    snprintf(args, sizeof args, "--offset %ld %s", n, name);
    const char *names[] = {name, NULL};
    applies(f, args, names, n);
}

/* ---- the fixture without a defect ---- */

START_TEST(good_home_applies)
{
    fx f;
    fx_open(&f);
    fx_add(&f, "good", "home");
    cli_result r = cli(&f, "diff --offset 3 home");
    ck_assert_msg(r.status == 1, "diff: exit %d: %s", r.status, r.err);
    ck_assert_ptr_nonnull(strstr(r.out, "--- a/home/" CARBON "\n"));
    ck_assert_ptr_nonnull(strstr(r.out, "+++ b/home/" CATALINA "\n"));
    cli_result_free(&r);
    applies_home(&f, "home", 3);
    r = cli(&f, "diff --offset 3 home");
    ck_assert_msg(r.status == 0 && r.out[0] == '\0', "diff after apply: exit %d", r.status);
    cli_result_free(&r);
    fx_close(&f);
}
END_TEST

/* ---- 1. not well-formed XML ---- */

/*
 * notwf/repository/conf/etc/bad.xml, line 5 (1-based), 47 bytes:
 *     "        <parameter name=\"port\">8280</transport>"
 * opens <parameter> at column 9 and closes it with </transport>: the error
 * is on line 5, at a column between the unclosed tag (9) and the end of the
 * line (48). libxml2 places the column where it noticed, so only the range
 * is pinned.
 */
START_TEST(not_well_formed_refused)
{
    fx f;
    fx_open(&f);
    fx_add(&f, "notwf", "home");
    for (size_t i = 0; APPLY_DIFF_PLAN[i]; i++) {
        char what[256];
        snprintf(what, sizeof what, "%s --offset 3 home", APPLY_DIFF_PLAN[i]);
        snapshot before, after;
        snapshot_take(&before, f.scratch);
        cli_result r = cli(&f, "%s", what);
        int col = expect_error(&r, what, "home/repository/conf/etc/bad.xml", 5, ANY_COL,
                               "not well-formed", 0);
        ck_assert_msg(col >= 9 && col <= 48, "%s: column %d is not on the bad tag", what, col);
        cli_result_free(&r);
        snapshot_take(&after, f.scratch);
        assert_same(&before, &after, what);
        snapshot_free(&before);
        snapshot_free(&after);
    }
    fx_close(&f);
}
END_TEST

START_TEST(not_well_formed_control)
{
    fx f;
    fx_open(&f);
    fx_add(&f, "notwf", "home");
    ck_assert_int_eq(unlink(in(&f, "home/repository/conf/etc/bad.xml")), 0);
    applies_home(&f, "home", 3);
    fx_close(&f);
}
END_TEST

/* ---- 2. XXE ---- */

/*
 * xxe/repository/conf/etc/xxe.xml line 3 is "  <!DOCTYPE x [<!ENTITY e SYSTEM
 * \"file:///etc/passwd\">]><x>&e;</x>": the DOCTYPE starts at 3:3.
 */
START_TEST(xxe_refused)
{
    fx f;
    fx_open(&f);
    fx_add(&f, "xxe", "home");
    refused(&f, APPLY_DIFF_PLAN, "--offset 3 home", "home/repository/conf/etc/xxe.xml", 3, 3, NULL);
    /* and nothing of /etc/passwd was read into a diagnostic */
    cli_result r = cli(&f, "diff --offset 3 home");
    ck_assert_ptr_null(strstr(r.err, "root:"));
    cli_result_free(&r);
    fx_close(&f);
}
END_TEST

START_TEST(xxe_control)
{
    fx f;
    fx_open(&f);
    fx_add(&f, "xxe", "home");
    ck_assert_int_eq(unlink(in(&f, "home/repository/conf/etc/xxe.xml")), 0);
    applies_home(&f, "home", 3);
    fx_close(&f);
}
END_TEST

/* ---- 3. billion laughs ---- */

/* laughs/repository/conf/etc/laughs.xml: "<!DOCTYPE lolz [" opens line 2. */
START_TEST(billion_laughs_refused)
{
    fx f;
    fx_open(&f);
    fx_add(&f, "laughs", "home");
    for (size_t i = 0; APPLY_DIFF_PLAN[i]; i++) {
        char what[256];
        snprintf(what, sizeof what, "%s --offset 3 home", APPLY_DIFF_PLAN[i]);
        snapshot before, after;
        snapshot_take(&before, f.scratch);
        cli_result r = cli(&f, "%s", what); /* a hang fails on the test case's timeout */
        expect_error(&r, what, "home/repository/conf/etc/laughs.xml", 2, 1, NULL, 0);
        cli_result_free(&r);
        snapshot_take(&after, f.scratch);
        assert_same(&before, &after, what);
        snapshot_free(&before);
        snapshot_free(&after);
    }
    fx_close(&f);
}
END_TEST

START_TEST(billion_laughs_control)
{
    fx f;
    fx_open(&f);
    fx_add(&f, "laughs", "home");
    ck_assert_int_eq(unlink(in(&f, "home/repository/conf/etc/laughs.xml")), 0);
    applies_home(&f, "home", 3);
    fx_close(&f);
}
END_TEST

/* ---- 4. a port pushed past 65535 ---- */

/*
 * overflow/ has no JMX ports, so the first listener an offset can push past
 * 65535 is the connector on catalina-server.xml line 5,
 * "                   port=\"9763\"": 19 spaces and port=" (6 bytes), the
 * digits start at 5:26. (The shutdown port 8005 on line 2 is fixed: never
 * moved.) 9763 + 55772 = 65535 is still a port; + 55773 is not, and at 55773
 * the connector 9443 (line 8) stays in range, so 9763 is the only culprit.
 */
START_TEST(port_past_65535_refused)
{
    fx f;
    fx_open(&f);
    fx_add(&f, "overflow", "home");
    const char *cat = "home/" CATALINA;
    refused(&f, APPLY_DIFF_PLAN, "--offset 60000 home", cat, 5, 26, "past 65535");
    refused(&f, APPLY_DIFF, "home=60000", cat, 5, 26, "past 65535");
    refused(&f, APPLY_DIFF, "--offset 55773 home", cat, 5, 26, "past 65535");
    fx_close(&f);
}
END_TEST

START_TEST(port_at_65535_applies)
{
    fx f;
    fx_open(&f);
    fx_add(&f, "overflow", "home");
    applies_home(&f, "home", 55772);
    fx_close(&f);
}
END_TEST

START_TEST(port_overflow_control)
{
    fx f;
    fx_open(&f);
    fx_add(&f, "overflow", "home");
    applies_home(&f, "home", 3);
    fx_close(&f);
}
END_TEST

/* ---- 5. bad offsets ---- */

/* Usage errors: the diagnostic line may be followed by the usage text. */
START_TEST(bad_offsets_refused)
{
    static const struct {
        const char *args, *needle;
    } cases[] = {
        {"--offset -1 home", "-1"},
        {"--offset=-1 home", "-1"},
        {"--offset abc home", "abc"},
        {"--offset 3abc home", "3abc"},
        {"--offset 0x10 home", "0x10"},
        {"--offset 65536 home", "65536"},
        {"--offset 99999999999999999999 home", "99999999999999999999"},
        {"home --offset", "--offset"},
        {"home=-2", "-2"},
        {"home=abc", "abc"},
        {"home=", "offset"},
    };
    fx f;
    fx_open(&f);
    fx_add(&f, "good", "home");
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
        for (size_t c = 0; APPLY_DIFF[c]; c++) {
            char cmd[256];
            snprintf(cmd, sizeof cmd, "%s %s", APPLY_DIFF[c], cases[i].args);
            usage_refused(&f, cmd, cases[i].needle);
        }
    applies_home(&f, "home", 3); /* control */
    fx_close(&f);
}
END_TEST

/* ---- 6, 7. not a Carbon home, missing home ---- */

START_TEST(not_a_home_refused)
{
    fx f;
    fx_open(&f);
    ck_assert_int_eq(mkdir(in(&f, "empty"), 0755), 0);
    refused(&f, APPLY_DIFF_PLAN, "--offset 3 empty", "empty", 0, 0, "not a Carbon home");
    /* a conf folder without carbon.xml or deployment.toml is no better */
    ck_assert_int_eq(run_cmd("mkdir -p '%s'", in(&f, "confonly/repository/conf")), 0);
    refused(&f, APPLY_DIFF, "--offset 3 confonly", "confonly", 0, 0, "not a Carbon home");
    /* a regular file */
    put(in(&f, "file"), "<Server/>\n");
    refused(&f, APPLY_DIFF, "--offset 3 file", "file", 0, 0, NULL);
    fx_close(&f);
}
END_TEST

START_TEST(missing_home_refused)
{
    fx f;
    fx_open(&f);
    refused(&f, APPLY_DIFF_PLAN, "--offset 3 nosuch", "nosuch", 0, 0, NULL);
    refused(&f, APPLY_DIFF, "nosuch=3", "nosuch", 0, 0, NULL);
    fx_close(&f);
}
END_TEST

/* ---- 8. unreadable and missing config files ---- */

START_TEST(unreadable_file_refused)
{
    if (is_root("unreadable_file_refused (chmod 000 file)"))
        return;
    fx f;
    fx_open(&f);
    fx_add(&f, "good", "home");
    const char *secret = in(&f, "home/repository/conf/secret.xml");
    put(secret, "<secret/>\n");
    snapshot before, after;
    snapshot_take(&before, f.scratch);
    ck_assert_int_eq(chmod(secret, 0), 0);
    refused(&f, APPLY_DIFF_PLAN, "--offset 3 home", "home/repository/conf/secret.xml", 0, 0, NULL);
    ck_assert_int_eq(chmod(secret, 0644), 0);
    snapshot_take(&after, f.scratch);
    assert_same(&before, &after, "chmod 000 file");
    snapshot_free(&before);
    snapshot_free(&after);
    applies_home(&f, "home", 3); /* control: readable again */
    fx_close(&f);
}
END_TEST

START_TEST(unreadable_dir_refused)
{
    if (is_root("unreadable_dir_refused (chmod 000 folder)"))
        return;
    fx f;
    fx_open(&f);
    fx_add(&f, "good", "home");
    const char *etc = in(&f, "home/repository/conf/etc");
    ck_assert_int_eq(mkdir(etc, 0755), 0);
    put(in(&f, "home/repository/conf/etc/x.xml"), "<x/>\n");
    snapshot before, after;
    snapshot_take(&before, f.scratch);
    ck_assert_int_eq(chmod(etc, 0), 0);
    refused(&f, APPLY_DIFF_PLAN, "--offset 3 home", "home/repository/conf/etc", 0, 0, NULL);
    ck_assert_int_eq(chmod(etc, 0755), 0);
    snapshot_take(&after, f.scratch);
    assert_same(&before, &after, "chmod 000 folder");
    snapshot_free(&before);
    snapshot_free(&after);
    applies_home(&f, "home", 3);
    fx_close(&f);
}
END_TEST

/* A dangling symlink named *.xml is a missing config file. Root too. */
START_TEST(dangling_symlink_refused)
{
    fx f;
    fx_open(&f);
    fx_add(&f, "good", "home");
    const char *gone = in(&f, "home/repository/conf/gone.xml");
    ck_assert_int_eq(symlink("nowhere.xml", gone), 0);
    refused(&f, APPLY_DIFF_PLAN, "--offset 3 home", "home/repository/conf/gone.xml", 0, 0, NULL);
    ck_assert_int_eq(unlink(gone), 0);
    applies_home(&f, "home", 3);
    fx_close(&f);
}
END_TEST

/* A folder named foo.xml is a folder (walked, not read): no error. */
START_TEST(folder_named_xml_is_walked)
{
    fx f;
    fx_open(&f);
    fx_add(&f, "good", "home");
    ck_assert_int_eq(mkdir(in(&f, "home/repository/conf/foo.xml"), 0755), 0);
    put(in(&f, "home/repository/conf/foo.xml/inner.xml"), "<inner/>\n");
    applies_home(&f, "home", 3);
    fx_close(&f);
}
END_TEST

/* A config file that is a character device: not a regular file. Root too. */
START_TEST(device_file_refused)
{
    if (access("/dev/zero", R_OK) != 0) {
        printf("errors: device_file_refused: skipped: no /dev/zero\n");
        return;
    }
    fx f;
    fx_open(&f);
    fx_add(&f, "good", "home");
    const char *zero = in(&f, "home/repository/conf/zero.xml");
    ck_assert_int_eq(symlink("/dev/zero", zero), 0);
    refused(&f, APPLY_DIFF_PLAN, "--offset 3 home", "home/repository/conf/zero.xml", 0, 0, NULL);
    ck_assert_int_eq(unlink(zero), 0);
    applies_home(&f, "home", 3);
    fx_close(&f);
}
END_TEST

/*
 * A FIFO named *.xml: refused as not a regular file. A reader that open(2)s
 * a FIFO without O_NONBLOCK waits for a writer forever: such a run fails on
 * the test case's timeout. (The snapshot helper itself would block on the
 * FIFO: it is taken with the FIFO absent.) Root too.
 */
START_TEST(fifo_refused_without_blocking)
{
    fx f;
    fx_open(&f);
    fx_add(&f, "good", "home");
    const char *fifo = in(&f, "home/repository/conf/pipe.xml");
    char fifo_path[4096];
    snprintf(fifo_path, sizeof fifo_path, "%s", fifo);
    for (size_t i = 0; APPLY_DIFF_PLAN[i]; i++) {
        char what[256];
        snprintf(what, sizeof what, "%s --offset 3 home", APPLY_DIFF_PLAN[i]);
        snapshot before, after;
        snapshot_take(&before, f.scratch);
        ck_assert_int_eq(mkfifo(fifo_path, 0644), 0);
        cli_result r = cli(&f, "%s", what);
        ck_assert_int_eq(unlink(fifo_path), 0);
        expect_error(&r, what, "home/repository/conf/pipe.xml", 0, 0, NULL, 0);
        cli_result_free(&r);
        snapshot_take(&after, f.scratch);
        assert_same(&before, &after, what);
        snapshot_free(&before);
        snapshot_free(&after);
    }
    applies_home(&f, "home", 3);
    fx_close(&f);
}
END_TEST

/* ---- 9. a running server ---- */

START_TEST(running_server_refused)
{
    fx f;
    fx_open(&f);
    fx_add(&f, "good", "home");
    char pid[32];
    snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
    put(in(&f, "home/wso2carbon.pid"), pid);
    refused(&f, APPLY, "--offset 3 home", "home", 0, 0, "running");
    refused(&f, APPLY, "home=3", "home", 0, 0, "running");
    /* diff writes nothing: a running server does not stop it */
    cli_result r = cli(&f, "diff --offset 3 home");
    ck_assert_msg(r.status == 1, "diff with a running server: exit %d: %s", r.status, r.err);
    cli_result_free(&r);
    /* Nothing to change: nothing to refuse either. */
    snapshot before, after;
    snapshot_take(&before, f.scratch);
    r = cli(&f, "apply --offset 0 home");
    ck_assert_msg(r.status == 0 && r.err[0] == '\0', "apply at the current offset: exit %d: %s",
                  r.status, r.err);
    cli_result_free(&r);
    snapshot_take(&after, f.scratch);
    assert_same(&before, &after, "apply at the current offset, server running");
    snapshot_free(&before);
    snapshot_free(&after);
    /* --force: applies, and the pid file is left alone */
    applies(&f, "--force --offset 3 home", (const char *const[]){"home", NULL}, 3);
    fx_close(&f);
}
END_TEST

/*
 * A pid file naming no live process does not stop apply. The pid is
 * /proc/sys/kernel/pid_max (pids stay below it), else a reaped child's.
 */
START_TEST(stale_pid_file_applies)
{
    fx f;
    fx_open(&f);
    fx_add(&f, "good", "home");
    long dead = 0;
    FILE *fp = fopen("/proc/sys/kernel/pid_max", "r");
    if (fp) {
        if (fscanf(fp, "%ld", &dead) != 1)
            dead = 0;
        fclose(fp);
    }
    if (dead <= 0) {
        pid_t child = fork();
        ck_assert_int_ge(child, 0);
        if (child == 0)
            _exit(0);
        ck_assert_int_eq(waitpid(child, NULL, 0), child);
        dead = (long)child;
    }
    char pid[32];
    snprintf(pid, sizeof pid, "%ld\n", dead);
    put(in(&f, "home/wso2carbon.pid"), pid);
    applies_home(&f, "home", 3);
    fx_close(&f);
}
END_TEST

/* ---- 10. another apply holds the lock ---- */

START_TEST(locked_home_refused)
{
    fx f;
    fx_open(&f);
    fx_add(&f, "good", "home");
    int lock;
    ps_error err;
    ck_assert_msg(ps_home_lock(in(&f, "home"), &lock, &err) == 0, "lock: %s", err.message);
    refused(&f, APPLY, "--offset 3 home", "home", 0, 0, "another portshift");
    cli_result r = cli(&f, "diff --offset 3 home"); /* reading needs no lock */
    ck_assert_msg(r.status == 1, "diff of a locked home: exit %d: %s", r.status, r.err);
    cli_result_free(&r);
    ps_home_unlock(lock);
    applies_home(&f, "home", 3);
    fx_close(&f);
}
END_TEST

/* ---- 11. read-only folders, unwritable targets ---- */

/*
 * The tomcat folder is read-only: carbon.xml (sorted first) can be staged,
 * catalina-server.xml cannot. Nothing may change, and no temp file may be
 * left behind (the snapshot lists dot files too).
 */
START_TEST(readonly_dir_refused)
{
    if (is_root("readonly_dir_refused (read-only folder)"))
        return;
    fx f;
    fx_open(&f);
    fx_add(&f, "good", "home");
    const char *tomcat = in(&f, "home/repository/conf/tomcat");
    ck_assert_int_eq(chmod(tomcat, 0555), 0);
    refused(&f, APPLY, "--offset 3 home", "home/" CATALINA, 0, 0, NULL);
    cli_result r = cli(&f, "diff --offset 3 home");
    ck_assert_msg(r.status == 1, "diff with a read-only folder: exit %d: %s", r.status, r.err);
    cli_result_free(&r);
    ck_assert_int_eq(chmod(tomcat, 0755), 0);
    applies_home(&f, "home", 3);
    fx_close(&f);
}
END_TEST

/* catalina-server.xml is a symlink into a read-only folder outside the home. */
START_TEST(readonly_symlink_target_refused)
{
    if (is_root("readonly_symlink_target_refused (read-only folder)"))
        return;
    fx f;
    fx_open(&f);
    fx_add(&f, "good", "home");
    ck_assert_int_eq(mkdir(in(&f, "ro"), 0755), 0);
    ck_assert_int_eq(rename(in(&f, "home/" CATALINA), in(&f, "ro/catalina-server.xml")), 0);
    ck_assert_int_eq(symlink(in(&f, "ro/catalina-server.xml"), in(&f, "home/" CATALINA)), 0);
    ck_assert_int_eq(chmod(in(&f, "ro"), 0555), 0);
    refused(&f, APPLY, "--offset 3 home", "home/" CATALINA, 0, 0, NULL);
    ck_assert_int_eq(chmod(in(&f, "ro"), 0755), 0);
    cli_result r = cli(&f, "apply --offset 3 home");
    ck_assert_msg(r.status == 0, "control: exit %d: %s", r.status, r.err);
    cli_result_free(&r);
    struct stat st;
    ck_assert_int_eq(lstat(in(&f, "home/" CATALINA), &st), 0);
    ck_assert_msg(S_ISLNK(st.st_mode), "the symlink was replaced by a file");
    fx_close(&f);
}
END_TEST

/* A read-only (0444) config file in a writable folder: replaced, mode kept. */
START_TEST(readonly_file_applies_keeping_mode)
{
    fx f;
    fx_open(&f);
    fx_add(&f, "good", "home");
    const char *cat = in(&f, "home/" CATALINA);
    char path[4096];
    snprintf(path, sizeof path, "%s", cat);
    ck_assert_int_eq(chmod(path, 0444), 0);
    applies_home(&f, "home", 3);
    struct stat st;
    ck_assert_int_eq(stat(path, &st), 0);
    ck_assert_int_eq(st.st_mode & 07777, 0444);
    fx_close(&f);
}
END_TEST

/*
 * The target becomes unwritable between staging and commit: the second
 * rename (catalina-server.xml) fails after carbon.xml was renamed into
 * place. carbon.xml must be put back.
 */
START_TEST(commit_failure_rolls_back)
{
    fx f;
    fx_open(&f);
    fx_add(&f, "good", "home");
    snapshot before, after;
    snapshot_take(&before, f.scratch);
    fail_rename(2);
    cli_result r = cli(&f, "apply --offset 3 home");
    fail_rename(0);
    expect_error(&r, "apply (2nd rename fails)", "home/" CATALINA, 0, 0, NULL, 0);
    cli_result_free(&r);
    snapshot_take(&after, f.scratch);
    assert_same(&before, &after, "apply (2nd rename fails)");
    snapshot_free(&before);
    snapshot_free(&after);
    applies_home(&f, "home", 3);
    fx_close(&f);
}
END_TEST

/*
 * The same with --backup. DESIGN §4: a failed apply has written nothing. A
 * <file>.bak from an earlier apply is the user's only copy of the original:
 * a failed apply must neither replace it nor leave new .bak files behind.
 */
START_TEST(commit_failure_with_backup_writes_nothing)
{
    fx f;
    fx_open(&f);
    fx_add(&f, "good", "home");
    put(in(&f, "home/" CARBON ".bak"), "an earlier backup of carbon.xml\n");
    snapshot before, after;
    snapshot_take(&before, f.scratch);
    fail_rename(2); /* renames: carbon.xml, then catalina-server.xml fails; backups come last */
    cli_result r = cli(&f, "apply --backup --offset 3 home");
    fail_rename(0);
    expect_error(&r, "apply --backup (2nd rename fails)", "home/" CATALINA, 0, 0, NULL, 0);
    cli_result_free(&r);
    snapshot_take(&after, f.scratch);
    assert_same(&before, &after, "apply --backup (2nd rename fails)");
    snapshot_free(&before);
    snapshot_free(&after);
    fx_close(&f);
}
END_TEST

/* ---- 12. several homes: all or nothing ---- */

START_TEST(two_homes_one_bad_refused)
{
    fx f;
    fx_open(&f);
    fx_add(&f, "good", "a");
    fx_add(&f, "notwf", "b");
    const char *bad = "b/repository/conf/etc/bad.xml";
    for (size_t i = 0; APPLY_DIFF[i]; i++) {
        static const char *const orders[] = {"%s a=3 b=3", "%s b=3 a=3", "%s --offset 3 a b"};
        for (size_t o = 0; o < 3; o++) {
            char what[256];
            snprintf(what, sizeof what, orders[o], APPLY_DIFF[i]);
            snapshot before, after;
            snapshot_take(&before, f.scratch);
            cli_result r = cli(&f, "%s", what);
            expect_error(&r, what, bad, 5, ANY_COL, "not well-formed", 0);
            cli_result_free(&r);
            snapshot_take(&after, f.scratch);
            assert_same(&before, &after, what);
            snapshot_free(&before);
            snapshot_free(&after);
        }
    }
    fx_close(&f);
}
END_TEST

START_TEST(two_homes_one_overflows_refused)
{
    fx f;
    fx_open(&f);
    fx_add(&f, "good", "a");
    fx_add(&f, "overflow", "b");
    refused(&f, APPLY_DIFF, "a=3 b=60000", "b/" CATALINA, 5, 26, "past 65535");
    fx_close(&f);
}
END_TEST

START_TEST(two_homes_one_not_a_home_refused)
{
    fx f;
    fx_open(&f);
    fx_add(&f, "good", "a");
    ck_assert_int_eq(mkdir(in(&f, "b"), 0755), 0);
    refused(&f, APPLY_DIFF, "a=3 b=3", "b", 0, 0, "not a Carbon home");
    fx_close(&f);
}
END_TEST

START_TEST(two_homes_one_running_refused)
{
    fx f;
    fx_open(&f);
    fx_add(&f, "good", "a");
    fx_add(&f, "good", "b");
    char pid[32];
    snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
    put(in(&f, "b/wso2carbon.pid"), pid);
    refused(&f, APPLY, "a=3 b=3", "b", 0, 0, "running");
    fx_close(&f);
}
END_TEST

/* b's tomcat folder is read-only: a's files are staged first, then b fails. */
START_TEST(two_homes_one_readonly_refused)
{
    if (is_root("two_homes_one_readonly_refused (read-only folder)"))
        return;
    fx f;
    fx_open(&f);
    fx_add(&f, "good", "a");
    fx_add(&f, "good", "b");
    ck_assert_int_eq(chmod(in(&f, "b/repository/conf/tomcat"), 0555), 0);
    refused(&f, APPLY, "a=3 b=3", "b/" CATALINA, 0, 0, NULL);
    fx_close(&f);
}
END_TEST

/* Commit order a/carbon, a/catalina, b/carbon, b/catalina: the 3rd fails. */
START_TEST(two_homes_commit_failure_rolls_back)
{
    fx f;
    fx_open(&f);
    fx_add(&f, "good", "a");
    fx_add(&f, "good", "b");
    snapshot before, after;
    snapshot_take(&before, f.scratch);
    fail_rename(3);
    cli_result r = cli(&f, "apply a=3 b=3");
    fail_rename(0);
    expect_error(&r, "apply a=3 b=3 (3rd rename fails)", "b/" CARBON, 0, 0, NULL, 0);
    cli_result_free(&r);
    snapshot_take(&after, f.scratch);
    assert_same(&before, &after, "apply a=3 b=3 (3rd rename fails)");
    snapshot_free(&before);
    snapshot_free(&after);
    applies(&f, "a=3 b=3", (const char *const[]){"a", "b", NULL}, 3); /* control */
    fx_close(&f);
}
END_TEST

/*
 * One home named twice with two targets contradicts itself (a typo, most
 * likely: "a=3 ./a=5"): an input error for diff as for apply, not a silent
 * choice of one of the two, and not a lock conflict (no other portshift is
 * running).
 */
START_TEST(same_home_twice_refused)
{
    fx f;
    fx_open(&f);
    fx_add(&f, "good", "home");
    char what[256];
    snprintf(what, sizeof what, "%s home=3 home=5", APPLY_DIFF[_i]);
    snapshot before, after;
    snapshot_take(&before, f.scratch);
    cli_result r = cli(&f, "%s", what);
    expect_error(&r, what, "home", 0, 0, NULL, 0);
    ck_assert_msg(strstr(r.err, "another portshift") == NULL,
                  "%s: blames a concurrent portshift: %s", what, r.err);
    cli_result_free(&r);
    snapshot_take(&after, f.scratch);
    assert_same(&before, &after, what);
    snapshot_free(&before);
    snapshot_free(&after);
    fx_close(&f);
}
END_TEST

/* The same home twice with the same target is not a contradiction: one apply. */
START_TEST(same_home_twice_same_target_applies)
{
    fx f;
    fx_open(&f);
    fx_add(&f, "good", "home");
    applies(&f, "home=3 ./home=3", (const char *const[]){"home", NULL}, 3);
    fx_close(&f);
}
END_TEST

/* ---- 13. unknown command, unknown option ---- */

/* Usage errors: here stderr holds more than one line (the error, then the usage text). */
START_TEST(usage_errors)
{
    fx f;
    fx_open(&f);
    fx_add(&f, "good", "home");
    usage_refused(&f, "frobnicate --offset 3 home", "frobnicate");
    usage_refused(&f, "apply --frobnicate --offset 3 home", "--frobnicate");
    usage_refused(&f, "diff --frobnicate --offset 3 home", "--frobnicate");
    usage_refused(&f, "diff --backup --offset 3 home", "--backup"); /* apply's option */
    usage_refused(&f, "diff --force --offset 3 home", "--force");
    usage_refused(&f, "apply --json --offset 3 home", "--json"); /* plan's option */
    usage_refused(&f, "apply --offset 3", "HOME");
    usage_refused(&f, "", NULL);
    applies_home(&f, "home", 3);
    fx_close(&f);
}
END_TEST

int main(void)
{
    /* All scratch folders inside one, removed at the end even after failures. */
    const char *tmp = getenv("TMPDIR");
    char root[4096];
    snprintf(root, sizeof root, "%s/portshift-errors.XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(root) || setenv("TMPDIR", root, 1) != 0) {
        perror("errors: scratch root");
        return 1;
    }
    Suite *s = suite_create("errors");
    TCase *tc = tcase_create("errors");
    tcase_set_timeout(tc, 60);
    /* Inputs that could make a careless reader hang: a short timeout is the check. */
    TCase *hang = tcase_create("no hang");
    tcase_set_timeout(hang, 10);
    tcase_add_test(hang, billion_laughs_refused);
    tcase_add_test(hang, fifo_refused_without_blocking);
    suite_add_tcase(s, hang);
    tcase_add_test(tc, good_home_applies);
    tcase_add_test(tc, not_well_formed_refused);
    tcase_add_test(tc, not_well_formed_control);
    tcase_add_test(tc, xxe_refused);
    tcase_add_test(tc, xxe_control);
    tcase_add_test(tc, billion_laughs_control);
    tcase_add_test(tc, port_past_65535_refused);
    tcase_add_test(tc, port_at_65535_applies);
    tcase_add_test(tc, port_overflow_control);
    tcase_add_test(tc, bad_offsets_refused);
    tcase_add_test(tc, not_a_home_refused);
    tcase_add_test(tc, missing_home_refused);
    tcase_add_test(tc, unreadable_file_refused);
    tcase_add_test(tc, unreadable_dir_refused);
    tcase_add_test(tc, dangling_symlink_refused);
    tcase_add_test(tc, folder_named_xml_is_walked);
    tcase_add_test(tc, device_file_refused);
    tcase_add_test(tc, running_server_refused);
    tcase_add_test(tc, stale_pid_file_applies);
    tcase_add_test(tc, locked_home_refused);
    tcase_add_test(tc, readonly_dir_refused);
    tcase_add_test(tc, readonly_symlink_target_refused);
    tcase_add_test(tc, readonly_file_applies_keeping_mode);
    tcase_add_test(tc, commit_failure_rolls_back);
    tcase_add_test(tc, commit_failure_with_backup_writes_nothing);
    tcase_add_test(tc, two_homes_one_bad_refused);
    tcase_add_test(tc, two_homes_one_overflows_refused);
    tcase_add_test(tc, two_homes_one_not_a_home_refused);
    tcase_add_test(tc, two_homes_one_running_refused);
    tcase_add_test(tc, two_homes_one_readonly_refused);
    tcase_add_test(tc, two_homes_commit_failure_rolls_back);
    tcase_add_loop_test(tc, same_home_twice_refused, 0, 2); /* apply, diff */
    tcase_add_test(tc, same_home_twice_same_target_applies);
    tcase_add_test(tc, usage_errors);
    suite_add_tcase(s, tc);
    int failed = run_suite(s);
    tree_remove(root);
    return failed ? 1 : 0;
}
