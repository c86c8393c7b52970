#define _GNU_SOURCE /* renameat2 */
/*
 * Scratch homes for the CLI error suites: fixtures copied from
 * tests/fixtures/errors, the CLI run in-process inside them, and the error
 * contract (exit 2, one "portshift: path:line:col: error: ..." line, nothing
 * on stdout, every byte unchanged) checked in one place.
 */
#include "fixture.h"
#include "runner.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "unpriv.h"

#define FIXTURES PS_SOURCE_DIR "/tests/fixtures/errors"

/*
 * ---- renameat(2) and fsync(2) interposition ----
 *
 * The test binaries link the core statically, so these definitions replace
 * libc's for apply.c: a test can make the Nth call fail, or (rename) kill
 * the process there as a power cut or the OOM killer would. The calls are
 * counted even when nothing is armed, so a clean run tells how many there are.
 */

static int rename_calls, rename_fail_at, rename_fail_too, rename_kill_at;

/* portshift renames with renameat (and renameat2 for RENAME_NOREPLACE),
 * from the folder descriptors it resolved beneath a home. */
int renameat2(int ofd, const char *from, int nfd, const char *to, unsigned flags)
{
    rename_calls++;
    if (rename_kill_at && rename_calls == rename_kill_at)
        raise(SIGKILL);
    if ((rename_fail_at && rename_calls == rename_fail_at) ||
        (rename_fail_too && rename_calls == rename_fail_too)) {
        errno = EACCES;
        return -1;
    }
    return (int)syscall(SYS_renameat2, ofd, from, nfd, to, flags);
}

int renameat(int ofd, const char *from, int nfd, const char *to)
{
    return renameat2(ofd, from, nfd, to, 0);
}

void fail_rename(int nth)
{
    fail_renames(nth, 0);
}

void fail_renames(int nth, int mth)
{
    rename_calls = 0;
    rename_fail_at = nth;
    rename_fail_too = mth;
    rename_kill_at = 0;
}

void kill_at_rename(int nth)
{
    fail_rename_then_kill(0, nth);
}

void fail_rename_then_kill(int fail_nth, int kill_nth)
{
    fail_renames(fail_nth, 0);
    rename_kill_at = kill_nth;
}

int renames(void)
{
    return rename_calls;
}

static int fsync_calls, fsync_fail_at;
static int fsync_dir_armed;
static struct stat fsync_dir;

/* apply issues a batch of fsyncs from several threads at once
 * (src/write/syncs.h): the count and the armed folder are atomic. */
int fsync(int fd)
{
    int nth = __atomic_add_fetch(&fsync_calls, 1, __ATOMIC_SEQ_CST);
    int at = __atomic_load_n(&fsync_fail_at, __ATOMIC_SEQ_CST);
    if (at && nth == at) {
        errno = EIO;
        return -1;
    }
    struct stat st;
    if (__atomic_load_n(&fsync_dir_armed, __ATOMIC_SEQ_CST) && fstat(fd, &st) == 0 &&
        st.st_dev == fsync_dir.st_dev && st.st_ino == fsync_dir.st_ino &&
        __atomic_exchange_n(&fsync_dir_armed, 0, __ATOMIC_SEQ_CST)) {
        errno = EIO;
        return -1;
    }
    return (int)syscall(SYS_fsync, fd);
}

void fail_fsync(int nth)
{
    __atomic_store_n(&fsync_calls, 0, __ATOMIC_SEQ_CST);
    __atomic_store_n(&fsync_fail_at, nth, __ATOMIC_SEQ_CST);
    __atomic_store_n(&fsync_dir_armed, 0, __ATOMIC_SEQ_CST);
}

void fail_fsync_of(const char *dir)
{
    fail_fsync(0);
    ck_assert_msg(stat(dir, &fsync_dir) == 0, "stat %s: %s", dir, strerror(errno));
    __atomic_store_n(&fsync_dir_armed, 1, __ATOMIC_SEQ_CST);
}

int fsyncs(void)
{
    return __atomic_load_n(&fsync_calls, __ATOMIC_SEQ_CST);
}

/* unlinkat(2) of a crash record, made to fail (EBUSY) while armed. */
static int record_unlink_fails;

int unlinkat(int dirfd, const char *path, int flags)
{
    const char *base = strrchr(path, '/');
    if (record_unlink_fails && strcmp(base ? base + 1 : path, ".portshift-journal") == 0) {
        errno = EBUSY;
        return -1;
    }
    return (int)syscall(SYS_unlinkat, dirfd, path, flags);
}

void fail_record_removal(int on)
{
    record_unlink_fails = on;
}

/* ---- scratch homes ---- */

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

void fx_open(fx *f)
{
    fail_rename(0);
    fail_fsync(0);
    drop_scratch();
    f->scratch = tree_scratch();
    f->as_nobody = 0;
    ck_assert_ptr_nonnull(f->scratch);
    live_scratch = f->scratch;
}

void fx_close(fx *f)
{
    fail_rename(0);
    fail_fsync(0);
    drop_scratch();
    f->scratch = NULL;
}

/* scratch/rel, in one of a few rotating buffers so a call can hold several. */
const char *in(const fx *f, const char *fmt, ...)
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
void fx_add(const fx *f, const char *fixture, const char *name)
{
    char src[4096];
    snprintf(src, sizeof src, "%s/%s", FIXTURES, fixture);
    ck_assert_msg(access(src, R_OK) == 0, "fixture %s missing", src);
    ck_assert_msg(tree_copy(src, in(f, "%s", name)) == 0, "cannot copy %s", src);
}

void fx_example(const fx *f, const char *name)
{
    char src[4096];
    snprintf(src, sizeof src, "%s/examples/apim-2.6-home", PS_SOURCE_DIR);
    ck_assert_msg(tree_copy(src, in(f, "%s", name)) == 0, "cannot copy %s", src);
}

void put(const char *path, const char *text)
{
    FILE *fp = fopen(path, "wb");
    ck_assert_msg(fp != NULL, "cannot create %s: %s", path, strerror(errno));
    fputs(text, fp);
    ck_assert_int_eq(fclose(fp), 0);
}

/* What cli_as_nobody's child sends back through a file: status, then out and
 * err, each length first. The child reports failures by its exit status: a
 * Check assertion there would end up in the wrong process. */
typedef struct cli_call {
    const fx *f;
    const char *cmd;
    FILE *to;
} cli_call;

static int cli_child(void *arg)
{
    cli_call *c = arg;
    cli_result r = cli_run(c->f->scratch, c->cmd);
    size_t olen = strlen(r.out), elen = strlen(r.err);
    int ok = fwrite(&r.status, sizeof r.status, 1, c->to) == 1 &&
             fwrite(&olen, sizeof olen, 1, c->to) == 1 && fwrite(r.out, 1, olen, c->to) == olen &&
             fwrite(&elen, sizeof elen, 1, c->to) == 1 && fwrite(r.err, 1, elen, c->to) == elen &&
             fflush(c->to) == 0;
    cli_result_free(&r);
    return ok ? 0 : 1;
}

static char *take_text(FILE *from, const char *cmd)
{
    size_t len;
    ck_assert_msg(fread(&len, sizeof len, 1, from) == 1, "%s as nobody: output cut short", cmd);
    char *text = malloc(len + 1);
    ck_assert_msg(fread(text, 1, len, from) == len, "%s as nobody: output cut short", cmd);
    text[len] = '\0';
    return text;
}

/* cli_run in a child that has dropped to nobody, its result passed back. */
static cli_result cli_as_nobody(const fx *f, const char *cmd)
{
    FILE *tmp = tmpfile();
    ck_assert_msg(tmp != NULL, "tmpfile: %s", strerror(errno));
    cli_call c = {f, cmd, tmp};
    ck_assert_msg(as_nobody(cli_child, &c) == 0, "%s as nobody: the child failed", cmd);
    rewind(tmp);
    cli_result r;
    ck_assert_msg(fread(&r.status, sizeof r.status, 1, tmp) == 1, "%s as nobody: no result", cmd);
    r.out = take_text(tmp, cmd);
    r.err = take_text(tmp, cmd);
    fclose(tmp);
    return r;
}

cli_result cli(const fx *f, const char *fmt, ...)
{
    char cmd[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    return f->as_nobody ? cli_as_nobody(f, cmd) : cli_run(f->scratch, cmd);
}

void fx_unprivileged(fx *f, const char *test)
{
    unprivileged_dir(f->scratch, test);
    f->as_nobody = geteuid() == 0;
}

/* ---- the error contract ---- */

static int starts_with(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

/*
 * Exit 2, nothing on stdout, and stderr's first line exactly
 * "portshift: <path>:<line>:<col>: error: ..." (the position parts left out
 * when path is NULL or line is 0; col ANY_COL accepts any column, which is
 * returned) containing `needle`. With `usage`, one line more follows, and
 * nothing after it: "see 'portshift COMMAND --help'" (git's manners; the
 * synopsis of every command would bury the error); otherwise that line is
 * all of stderr.
 */
int expect_error(const cli_result *r, const char *what, const char *path, int line, int col,
                 const char *needle, int usage)
{
    ck_assert_msg(r->status == 2, "%s: exit %d, expected 2; stderr: %s", what, r->status, r->err);
    ck_assert_msg(r->out[0] == '\0', "%s: wrote to stdout:\n%s", what, r->out);
    const char *nl = strchr(r->err, '\n');
    ck_assert_msg(nl != NULL, "%s: no diagnostic line on stderr: '%s'", what, r->err);
    char first[2048];
    snprintf(first, sizeof first, "%.*s", (int)(nl - r->err), r->err);
    if (usage) {
        const char *end = strchr(nl + 1, '\n');
        ck_assert_msg(starts_with(nl + 1, "see 'portshift ") && end && end[1] == '\0' &&
                          end - nl > 7 && strncmp(end - 7, "--help'", 7) == 0,
                      "%s: not one line \"see 'portshift ... --help'\" after '%s':\n%s", what,
                      first, nl + 1);
    } else
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

void assert_same(const snapshot *a, const snapshot *b, const char *what)
{
    char *msg = snapshot_diff(a, b);
    ck_assert_msg(msg == NULL, "%s: the scratch folder changed: %s", what, msg);
}

const char *const APPLY_DIFF_PLAN[] = {"apply", "diff", "plan", NULL};
const char *const APPLY_DIFF[] = {"apply", "diff", NULL};
const char *const APPLY[] = {"apply", NULL};

/* Runs each `cmds[i] args` and checks the error contract and an unchanged scratch folder. */
int refused(const fx *f, const char *const *cmds, const char *args, const char *path, int line,
            int col, const char *needle)
{
    int got = col;
    for (size_t i = 0; cmds[i]; i++) {
        char what[1024];
        snprintf(what, sizeof what, "%s %s", cmds[i], args);
        snapshot before, after;
        snapshot_take(&before, f->scratch);
        cli_result r = cli(f, "%s", what);
        got = expect_error(&r, what, path, line, col, needle, 0);
        cli_result_free(&r);
        snapshot_take(&after, f->scratch);
        assert_same(&before, &after, what);
        snapshot_free(&before);
        snapshot_free(&after);
    }
    return got;
}

void diff_pending(const fx *f, const char *args, const char *why)
{
    cli_result r = cli(f, "diff %s", args);
    ck_assert_msg(r.status == 1, "diff %s (%s): exit %d: %s", args, why, r.status, r.err);
    cli_result_free(&r);
}

int fx_suite_root(const char *name)
{
    if (tmpdir_for_nobody() < 0) {
        perror(name);
        return -1;
    }
    const char *tmp = getenv("TMPDIR");
    static char root[4096];
    snprintf(root, sizeof root, "%s/portshift-%s.XXXXXX", tmp && *tmp ? tmp : "/tmp", name);
    /* Searchable by everyone (not listable): a case run as nobody reaches its scratch folder. */
    if (!mkdtemp(root) || chmod(root, 0711) != 0 || setenv("TMPDIR", root, 1) != 0) {
        perror(name);
        return -1;
    }
    return 0;
}

void fx_suite_done(void)
{
    const char *root = getenv("TMPDIR");
    if (root)
        tree_remove(root);
}

int fx_run_suite(const char *name, Suite *s)
{
    if (fx_suite_root(name) < 0)
        return 1;
    int status = run_suite_status(s);
    fx_suite_done();
    return status;
}

fx fx_current;

void fx_setup(void)
{
    fx_open(&fx_current);
}

void fx_teardown(void)
{
    fx_close(&fx_current);
}

const char *fx_at(const char *rel)
{
    return in(&fx_current, "%s", rel);
}

/* A usage error: exit 2, "portshift: error: ..." mentioning `needle`, then where to read more. */
void usage_refused(const fx *f, const char *cmdline, const char *needle)
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

void fx_replace(const char *path, const char *from, const char *to)
{
    snap_file file = {(char *)path, NULL, 0};
    FILE *fp = fopen(path, "rb");
    ck_assert_msg(fp != NULL, "cannot open %s: %s", path, strerror(errno));
    struct stat st;
    ck_assert_int_eq(fstat(fileno(fp), &st), 0);
    file.data = malloc((size_t)st.st_size + 1);
    file.len = fread(file.data, 1, (size_t)st.st_size, fp);
    fclose(fp);
    replace_once(&file, from, to);
    fp = fopen(path, "wb");
    ck_assert_msg(fp != NULL, "cannot write %s: %s", path, strerror(errno));
    ck_assert_uint_eq(fwrite(file.data, 1, file.len, fp), file.len);
    ck_assert_int_eq(fclose(fp), 0);
    free(file.data);
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

snap_file *snap_find(snapshot *s, const char *rel)
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

/* `apply args` succeeds, saying only its summary on stderr, and changes
 * exactly the offset and redirect of each of names[] (moved to n), nothing
 * else. */
void applies(const fx *f, const char *args, const char *const *names, long n)
{
    snapshot before, after, want;
    snapshot_take(&before, f->scratch);
    cli_result r = cli(f, "apply %s", args);
    ck_assert_msg(r.status == 0, "positive control: apply %s: exit %d: %s", args, r.status, r.err);
    size_t homes = 0;
    while (names[homes])
        homes++;
    char said[256]; /* two files and two edits a home: carbon.xml and the redirect */
    snprintf(said, sizeof said, "portshift: applied: %zu home%s, %zu files, %zu edits\n", homes,
             homes == 1 ? "" : "s", 2 * homes, 2 * homes);
    ck_assert_msg(strcmp(r.err, said) == 0, "positive control: apply %s: stderr: %s", args, r.err);
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

void applies_home(const fx *f, const char *name, long n)
{
    char args[512];
    snprintf(args, sizeof args, "--offset %ld %s", n, name);
    const char *names[] = {name, NULL};
    applies(f, args, names, n);
}

void killed(const fx *f, int fail_nth, int kill_nth, const char *cmd)
{
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        fail_rename_then_kill(fail_nth, kill_nth);
        cli_result r = cli(f, "%s", cmd);
        _exit(r.status == 0 ? 10 : 11);
    }
    int status;
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert_msg(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
                  "%s: not killed at rename %d (exit %d)", cmd, kill_nth,
                  WIFEXITED(status) ? WEXITSTATUS(status) : -1);
}

void expect_tree(const fx *f, const char *want, const char *got, const char *what)
{
    snapshot a, b;
    snapshot_take(&a, in(f, "%s", want));
    snapshot_take(&b, in(f, "%s", got));
    char *msg = snapshot_diff(&a, &b);
    ck_assert_msg(msg == NULL, "%s: %s", what, msg);
    snapshot_free(&a);
    snapshot_free(&b);
}
