/*
 * libFuzzer target for recovery (a target of its own, not part of
 * fuzz_pipeline: it needs a real interrupted apply on disk, and its finding
 * is a write outside the home, so it runs as an unprivileged user in a
 * folder of its own; see run.sh and replay.sh). The input is the crash
 * record of a home, `portshift recover`, `recover --discard`, `apply` and
 * `diff` run over it in-process (ps_cli_main), and the disk is checked after.
 *
 * Once per process, in a scratch folder under TMPDIR (run.sh and replay.sh
 * point it at a folder the runner owns):
 *
 *   run/am        the home: tests/fixtures/errors/good (carbon.xml,
 *                 tomcat/catalina-server.xml), its catalina-server.xml a
 *                 symlink to ../shared/, so applies make `link` moves
 *   run/peer      a second home, the same fixture: the other home of a
 *                 two-home apply, and the commit home or peer a record names
 *   run/shared    the file am's symlink leads to, and a decoy beside it
 *   run/outside   the sentinel: a copy of am and of shared as they were
 *                 left (staged files and all), so that a record escaping
 *                 its home finds files whose digests match
 *   tpl/N/        one template (run's four folders) per scenario: a genuine
 *                 apply of run/am (and run/peer) by the real CLI in a forked
 *                 child killed at its Kth rename (an interposer below), for
 *                 every K; some also fail one rename first, so the child is
 *                 killed while it undoes the apply (undo records, drops);
 *                 some are killed as they remove the records instead (a
 *                 commit home let go, another still holds its part).
 *                 The children draw fixed random bytes, so the staged names
 *                 are the same in every process.
 *
 * Per input, run/'s four folders get the template's contents back (the
 * folders themselves are kept: a record names its homes by device and
 * inode), the record is written as run/am/.portshift-journal (0644, the
 * runner's), four commands run, and then:
 *   - everything outside run/am (peer, shared, outside, the rest of run/
 *     and of the scratch folder, the input's template; every template at
 *     exit) is as it was, byte for
 *     byte, mode and owner; except the file am's symlink leads to, which
 *     may hold the bytes of a file shared/ held before or what an apply
 *     that succeeded wrote there, and staged files beside it, which may
 *     go; no staged file appears outside the home;
 *   - every symlink, FIFO, socket or device in run/am was in the template;
 *     every file there has one name; run/am is the same folder;
 *   - no exit status beyond 0-2, no "internal error", no descriptor leaked.
 * A violation is a finding: abort().
 *
 * Input layout:
 *   byte 0   the scenario (bits 0-6, modulo their number: RECIPES in order,
 *            each killed at rename 1, 2, ... and once not killed, or at
 *            each record's removal, so new recipes go last, or saved inputs
 *            change meaning); bit 7: keep
 *            the template's own record (or none) instead of bytes 2..
 *   byte 1   four commands, two bits each from bit 0: 0 `recover am`,
 *            1 `recover --discard am`, 2 `apply --offset 3 am`, 3 `diff am`
 *   bytes 2.. the record, where these are replaced first, so that a record
 *            of one process means the same in the next:
 *              %RUN%          the run folder (absolute); a "<bytes>:" just
 *                             before it is corrected for the path's length
 *              %AM% %PEER%    "<device> <inode>" of run/am, run/peer
 *              %ID0%..%ID3%   the ids of the scenario's records, in the
 *                             order am's record, then peer's, names them
 *              " ?:"          " <bytes>:", the bytes of the path after it
 *                             (up to a space or the line's end): a seed
 *                             written so keeps its framing when a mutation
 *                             grows or shrinks a path
 *
 * Seeds (seeds.sh): PORTSHIFT_FUZZ_SEEDS=DIR, then any one input, writes
 * every scenario's genuine record(s) in this layout to DIR and exits 0;
 * also variants of them that try to leave the home (".." paths, absolute
 * paths, a link target elsewhere). PORTSHIFT_FUZZ_VERBOSE=1 prints the
 * scenarios, each command's status and message, and keeps the scratch
 * folder of a finding.
 *
 *   tests/fuzz/run.sh [SECONDS] recovery
 */
#define _GNU_SOURCE /* renameat2 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <portshift/cli.h>
#include <portshift/portshift.h>

#include "base/path.h"
#include "base/strbuf.h"
#include "write/durable.h"
#include "write/journal.h"

#include "../support/tree.h"
#include "../support/xalloc.h"

#include "fuzz.h"

/* ---- renameat(2), unlinkat(2) and getrandom(2), interposed (the core is linked statically) ----
 */

/* Armed in the children that make the templates only. */
static int rename_calls, rename_fail_at, rename_kill_at;
static int erase_calls, erase_kill_at;
static int random_fixed;
static uint64_t random_state;

int renameat2(int ofd, const char *from, int nfd, const char *to, unsigned int flags)
{
    if (rename_fail_at || rename_kill_at) {
        rename_calls++;
        if (rename_calls == rename_kill_at)
            raise(SIGKILL);
        if (rename_calls == rename_fail_at) {
            errno = EACCES;
            return -1;
        }
    }
    return (int)syscall(SYS_renameat2, ofd, from, nfd, to, flags);
}

int renameat(int ofd, const char *from, int nfd, const char *to)
{
    return renameat2(ofd, from, nfd, to, 0);
}

/* Counts the records removed (ps_journal_erase), to die at one. */
int unlinkat(int dirfd, const char *path, int flags)
{
    if (erase_kill_at && !strcmp(path, PS_JOURNAL_NAME) && ++erase_calls == erase_kill_at)
        raise(SIGKILL);
    return (int)syscall(SYS_unlinkat, dirfd, path, flags);
}

/* splitmix64: the staged names (ps_stage_at) of a template's apply are the same in every process.
 */
ssize_t getrandom(void *buf, size_t len, unsigned int flags)
{
    if (!random_fixed)
        return syscall(SYS_getrandom, buf, len, flags);
    unsigned char *p = buf;
    for (size_t i = 0; i < len; i++) {
        uint64_t z = (random_state += 0x9e3779b97f4a7c15u);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
        p[i] = (unsigned char)(z ^ (z >> 31));
    }
    return (ssize_t)len;
}

/* ---- the fixture (tests/fixtures/errors/good, verbatim) ---- */

#define CARBON "repository/conf/carbon.xml"
#define CATALINA "repository/conf/tomcat/catalina-server.xml"

static const char CARBON_XML[] =
    "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n"
    "<!-- portshift test fixture: a minimal Carbon 4.4.9 home (tests/unit/check_errors.c) -->\n"
    "<Server xmlns=\"http://wso2.org/projects/carbon/carbon.xml\">\n"
    "    <Version>4.4.9</Version>\n"
    "    <Ports>\n"
    "        <Offset>0</Offset>\n"
    "        <JMX>\n"
    "            <RMIRegistryPort>9999</RMIRegistryPort>\n"
    "        </JMX>\n"
    "    </Ports>\n"
    "</Server>\n";

static const char CATALINA_XML[] =
    "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n"
    "<Server port=\"8005\">\n"
    "    <Service name=\"Catalina\">\n"
    "        <Connector protocol=\"org.apache.coyote.http11.Http11NioProtocol\"\n"
    "                   port=\"9763\"\n"
    "                   redirectPort=\"9443\"/>\n"
    "        <Connector protocol=\"org.apache.coyote.http11.Http11NioProtocol\"\n"
    "                   port=\"9443\"/>\n"
    "    </Service>\n"
    "</Server>\n";

/* ---- state ---- */

static const char *const FOLDERS[] = {"am", "outside", "peer", "shared"}; /* run/'s, sorted */
#define NFOLDERS 4
#define LINKED "shared/catalina-server.xml" /* where am's symlink leads, relative to run/ */

/* One file or folder, as lstat and its bytes (a symlink: its text) show it. */
typedef struct entry {
    char *rel;
    mode_t mode;
    uid_t uid;
    gid_t gid;
    nlink_t nlink;
    ino_t ino;
    struct timespec ctime;
    char *data;
    size_t len;
} entry;

typedef struct entries {
    entry *v;
    size_t n, cap;
} entries;

#define MAX_IDS 4

typedef struct scenario {
    char *what;      /* "apply --offset 3 am peer, fail 4, kill 6" */
    char *tpl;       /* tpl/N */
    entries outside; /* tpl/N's peer, shared and outside */
    entries am;      /* tpl/N's am */
    char *ids[MAX_IDS];
    size_t nids;
    char *am_record; /* the genuine record of am (in place or staged), or NULL */
    size_t am_len;
    char *peer_record; /* the same for peer */
    size_t peer_len;
} scenario;

static char *scratch, *run_dir, *tpl_dir, *am_dir;
static char am_id[64], peer_id[64];
static ino_t am_ino;
static scenario *scen;
static size_t nscen;
static entries tpl_stamp; /* every template, as stat sees it */
static int verbose;

static void remove_scratch(void)
{
    if (scratch)
        tree_remove(scratch);
}

#define FINDING(...)                                                                               \
    do {                                                                                           \
        fprintf(stderr, "fuzz_recovery: " __VA_ARGS__);                                            \
        fputc('\n', stderr);                                                                       \
        if (verbose)                                                                               \
            fprintf(stderr, "fuzz_recovery: the folder is %s\n", scratch);                         \
        else                                                                                       \
            remove_scratch();                                                                      \
        abort();                                                                                   \
    } while (0)

/* Setting up failed: not a finding about portshift, but nothing can run. */
#define BROKEN(...)                                                                                \
    do {                                                                                           \
        fprintf(stderr, "fuzz_recovery: " __VA_ARGS__);                                            \
        fputc('\n', stderr);                                                                       \
        remove_scratch();                                                                          \
        exit(1);                                                                                   \
    } while (0)

static char *at(const char *dir, const char *rel)
{
    return ps_path_join(dir, rel);
}

/* ---- files ---- */

static void put(const char *path, const char *data, size_t len, mode_t mode)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, mode);
    if (fd < 0 || fchmod(fd, mode) < 0 || (len && write(fd, data, len) != (ssize_t)len))
        BROKEN("cannot write %s: %s", path, strerror(errno));
    close(fd);
}

static void mkdirs(const char *dir, const char *rel)
{
    char *p = xstrdup(rel);
    for (char *s = p; (s = strchr(s, '/')); s++) {
        *s = '\0';
        char *d = at(dir, p);
        if (mkdir(d, 0755) < 0 && errno != EEXIST)
            BROKEN("cannot create %s: %s", d, strerror(errno));
        free(d);
        *s = '/';
    }
    free(p);
}

static void put_rel(const char *dir, const char *rel, const char *data, mode_t mode)
{
    mkdirs(dir, rel);
    char *p = at(dir, rel);
    put(p, data, strlen(data), mode);
    free(p);
}

static char *slurp(int dirfd, const char *name, size_t *len)
{
    int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        if (fd >= 0)
            close(fd);
        return NULL;
    }
    char *b = xmalloc((size_t)st.st_size + 1);
    size_t got = 0;
    for (ssize_t n;
         got < (size_t)st.st_size && (n = read(fd, b + got, (size_t)st.st_size - got)) > 0;)
        got += (size_t)n;
    b[got] = '\0';
    *len = got;
    close(fd);
    return b;
}

/* Empties folder `dir` (kept itself). */
static void clear(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        BROKEN("cannot open %s: %s", dir, strerror(errno));
    for (struct dirent *e; (e = readdir(d));) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        char *p = at(dir, e->d_name);
        if (tree_remove(p) < 0)
            BROKEN("cannot remove %s: %s", p, strerror(errno));
        free(p);
    }
    closedir(d);
    chmod(dir, 0755);
}

/* cp -a of what folder `src` holds into the folder `dst`, in-process. */
static void copy_into(const char *src, const char *dst)
{
    DIR *d = opendir(src);
    if (!d)
        BROKEN("cannot open %s: %s", src, strerror(errno));
    for (struct dirent *e; (e = readdir(d));) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        char *s = at(src, e->d_name), *t = at(dst, e->d_name);
        struct stat st;
        if (lstat(s, &st) < 0)
            BROKEN("cannot stat %s: %s", s, strerror(errno));
        if (S_ISDIR(st.st_mode)) {
            if (mkdir(t, 0700) < 0)
                BROKEN("cannot create %s: %s", t, strerror(errno));
            copy_into(s, t);
            chmod(t, st.st_mode & 07777);
        } else if (S_ISLNK(st.st_mode)) {
            char link[4096];
            ssize_t n = readlink(s, link, sizeof link - 1);
            if (n < 0)
                BROKEN("cannot read %s: %s", s, strerror(errno));
            link[n] = '\0';
            if (symlink(link, t) < 0)
                BROKEN("cannot create %s: %s", t, strerror(errno));
        } else if (S_ISREG(st.st_mode)) {
            size_t len;
            char *b = slurp(AT_FDCWD, s, &len);
            if (!b)
                BROKEN("cannot read %s", s);
            put(t, b, len, st.st_mode & 07777);
            free(b);
        } else {
            BROKEN("%s: not a file, folder or symlink", s);
        }
        free(s);
        free(t);
    }
    closedir(d);
}

/* ---- snapshots ---- */

static void entries_free(entries *es)
{
    for (size_t i = 0; i < es->n; i++) {
        free(es->v[i].rel);
        free(es->v[i].data);
    }
    free(es->v);
    *es = (entries){0};
}

static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int entry_cmp(const void *a, const void *b)
{
    return strcmp(((const entry *)a)->rel, ((const entry *)b)->rel);
}

/* Everything under root/rel (rel itself too when not ""), with bytes when `bytes`. */
static void walk(entries *es, const char *root, const char *rel, int bytes)
{
    char *path = *rel ? at(root, rel) : xstrdup(root);
    struct stat st;
    if (lstat(path, &st) < 0) {
        free(path);
        return;
    }
    if (*rel) {
        entry *e = XPUSH(es->v, es->n, es->cap);
        *e = (entry){.rel = xstrdup(rel),
                     .mode = st.st_mode,
                     .uid = st.st_uid,
                     .gid = st.st_gid,
                     .nlink = st.st_nlink,
                     .ino = st.st_ino,
                     .ctime = st.st_ctim};
        if (bytes && S_ISREG(st.st_mode)) {
            e->data = slurp(AT_FDCWD, path, &e->len);
        } else if (bytes && S_ISLNK(st.st_mode)) {
            char link[4096];
            ssize_t n = readlink(path, link, sizeof link);
            e->len = n > 0 ? (size_t)n : 0;
            e->data = xstrndup(link, e->len);
        }
    }
    if (S_ISDIR(st.st_mode)) {
        DIR *d = opendir(path);
        for (struct dirent *de; d && (de = readdir(d));) {
            if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
                continue;
            char *sub = *rel ? xasprintf("%s/%s", rel, de->d_name) : xstrdup(de->d_name);
            walk(es, root, sub, bytes);
            free(sub);
        }
        if (d)
            closedir(d);
    }
    free(path);
}

static void take(entries *es, const char *root, const char *const *rels, size_t n, int bytes)
{
    *es = (entries){0};
    for (size_t i = 0; i < n; i++)
        walk(es, root, rels[i], bytes);
    if (es->n)
        qsort(es->v, es->n, sizeof *es->v, entry_cmp);
}

static const char *type_of(mode_t m)
{
    return S_ISREG(m)    ? "file"
           : S_ISDIR(m)  ? "folder"
           : S_ISLNK(m)  ? "symlink"
           : S_ISFIFO(m) ? "FIFO"
           : S_ISSOCK(m) ? "socket"
                         : "device";
}

static int same_meta(const entry *a, const entry *b)
{
    return a->mode == b->mode && a->uid == b->uid && a->gid == b->gid &&
           (S_ISDIR(a->mode) || a->nlink == b->nlink);
}

static int same_bytes(const entry *a, const entry *b)
{
    return a->len == b->len && (!a->len || memcmp(a->data, b->data, a->len) == 0);
}

/* ---- the template's tokens ---- */

static int starts(const char *p, const char *end, const char *word)
{
    size_t n = strlen(word);
    return (size_t)(end - p) >= n && memcmp(p, word, n) == 0;
}

/* b ends with "<digits>:": adds delta to the number (a path's length before a path that grew). */
static void fix_length(ps_strbuf *b, long delta)
{
    if (!b->len || b->data[b->len - 1] != ':')
        return;
    size_t end = b->len - 1, start = end;
    while (start > 0 && end - start < 18 && b->data[start - 1] >= '0' && b->data[start - 1] <= '9')
        start--;
    if (start == end)
        return;
    long v = strtol(b->data + start, NULL, 10) + delta;
    if (v <= 0)
        return;
    b->len = start;
    ps_strbuf_printf(b, "%ld:", v);
}

/* The input as the record it stands for in this process (see the top). */
static char *expand(const scenario *sc, const char *p, size_t len, size_t *out_len)
{
    ps_strbuf b = PS_STRBUF_INIT;
    const char *end = p + len;
    long delta = (long)strlen(run_dir) - 5;
    while (p < end) {
        int k = -1;
        if (starts(p, end, "%ID") && end - p >= 5 && p[3] >= '0' && p[3] < '0' + MAX_IDS &&
            p[4] == '%')
            k = p[3] - '0';
        if (starts(p, end, "%RUN%")) {
            fix_length(&b, delta);
            ps_strbuf_puts(&b, run_dir);
            p += 5;
        } else if (starts(p, end, "%AM%")) {
            ps_strbuf_puts(&b, am_id);
            p += 4;
        } else if (starts(p, end, "%PEER%")) {
            ps_strbuf_puts(&b, peer_id);
            p += 6;
        } else if (k >= 0 && (size_t)k < sc->nids) {
            ps_strbuf_puts(&b, sc->ids[k]);
            p += 5;
        } else {
            ps_strbuf_add(&b, p, 1);
            p++;
        }
    }
    /* " ?:": the length of the path that follows, up to a space or a line's end. */
    ps_strbuf r = PS_STRBUF_INIT;
    for (size_t i = 0; i < b.len;) {
        if (i && b.data[i - 1] == ' ' && b.len - i >= 2 && b.data[i] == '?' &&
            b.data[i + 1] == ':') {
            size_t n = 0;
            while (i + 2 + n < b.len && b.data[i + 2 + n] != ' ' && b.data[i + 2 + n] != '\n')
                n++;
            ps_strbuf_printf(&r, "%zu:", n);
            i += 2;
        } else {
            ps_strbuf_add(&r, b.data + i++, 1);
        }
    }
    ps_strbuf_free(&b);
    return ps_strbuf_detach(&r, out_len);
}

/* " <digits>:" becomes " ?:" (the harness counts the bytes): a mutation
 * inside a path keeps the record framed. */
static char *free_lengths(const char *p, size_t len, size_t *out_len)
{
    ps_strbuf b = PS_STRBUF_INIT;
    for (size_t i = 0; i < len;) {
        size_t d = 0;
        while (i && p[i - 1] == ' ' && i + d < len && p[i + d] >= '0' && p[i + d] <= '9')
            d++;
        if (d && i + d < len && p[i + d] == ':') {
            ps_strbuf_puts(&b, "?:");
            i += d + 1;
        } else {
            ps_strbuf_add(&b, p + i++, 1);
        }
    }
    return ps_strbuf_detach(&b, out_len);
}

/* The reverse: a record of this process as an input any process reads the same. */
static char *tokens(const scenario *sc, const char *p, size_t len, size_t *out_len)
{
    ps_strbuf b = PS_STRBUF_INIT;
    const char *end = p + len;
    long delta = (long)strlen(run_dir) - 5;
    while (p < end) {
        size_t k = 0;
        while (k < sc->nids && !starts(p, end, sc->ids[k]))
            k++;
        int spaced = b.len && b.data[b.len - 1] == ' ';
        if (starts(p, end, run_dir)) {
            fix_length(&b, -delta);
            ps_strbuf_puts(&b, "%RUN%");
            p += strlen(run_dir);
        } else if (spaced && starts(p, end, am_id) && starts(p + strlen(am_id), end, " ")) {
            ps_strbuf_puts(&b, "%AM%");
            p += strlen(am_id);
        } else if (spaced && starts(p, end, peer_id) && starts(p + strlen(peer_id), end, " ")) {
            ps_strbuf_puts(&b, "%PEER%");
            p += strlen(peer_id);
        } else if (k < sc->nids) {
            ps_strbuf_printf(&b, "%%ID%zu%%", k);
            p += strlen(sc->ids[k]);
        } else {
            ps_strbuf_add(&b, p, 1);
            p++;
        }
    }
    return ps_strbuf_detach(&b, out_len);
}

/* ---- the CLI ---- */

static const char *const COMMANDS[4] = {"recover", "recover --discard", "apply --offset 3", "diff"};

/* Runs `words` (NULL-terminated) with `home` last; the status. */
static int cli(const char *const *words, const char *home, char **message)
{
    char *argv[16];
    int argc = 0;
    argv[argc++] = "portshift";
    for (; *words && argc < 14; words++)
        argv[argc++] = (char *)*words;
    if (home)
        argv[argc++] = (char *)home;
    argv[argc] = NULL;
    FILE *out = fopen("/dev/null", "w");
    size_t len;
    FILE *err = open_memstream(message, &len);
    if (!out || !err)
        BROKEN("cannot open /dev/null or a memory stream");
    int status = ps_cli_main(argc, argv, out, err);
    fclose(out);
    fclose(err);
    return status;
}

/* One command of an input: `recover am`, ... (COMMANDS[c]). */
static int command(unsigned c, int record_says_internal)
{
    const char *words[5] = {0};
    char *line = xstrdup(COMMANDS[c]);
    size_t n = 0;
    for (char *w = strtok(line, " "); w && n < 4; w = strtok(NULL, " "))
        words[n++] = w;
    char *message = NULL;
    int status = cli(words, am_dir, &message);
    if (verbose)
        fprintf(stderr, "fuzz_recovery: %s am: exit %d%s%s", COMMANDS[c], status,
                *message ? ": " : "\n", message);
    if (status < 0 || status > 2)
        FINDING("%s am: exit %d: %s", COMMANDS[c], status, message);
    /* A message quotes the record: one that holds the words proves nothing. */
    if (!record_says_internal && strstr(message, "internal error"))
        FINDING("%s am: %s", COMMANDS[c], message);
    free(message);
    free(line);
    return status;
}

/* ---- the templates ---- */

/* run/ as an apply finds it: am (its catalina-server.xml a symlink to shared/), peer, shared. */
static void reset_base(void)
{
    for (size_t i = 0; i < NFOLDERS; i++) {
        char *d = at(run_dir, FOLDERS[i]);
        clear(d);
        free(d);
    }
    char *peer = at(run_dir, "peer"), *shared = at(run_dir, "shared");
    put_rel(am_dir, CARBON, CARBON_XML, 0644);
    mkdirs(am_dir, CATALINA);
    char *link = at(am_dir, CATALINA);
    if (symlink("../../../../" LINKED, link) < 0)
        BROKEN("cannot create %s: %s", link, strerror(errno));
    free(link);
    put_rel(peer, CARBON, CARBON_XML, 0644);
    put_rel(peer, CATALINA, CATALINA_XML, 0644);
    put_rel(shared, "catalina-server.xml", CATALINA_XML, 0644);
    put_rel(shared, "other.xml", CATALINA_XML, 0644);
    free(peer);
    free(shared);
}

/* `words` in a child killed at its kill_at-th rename (0: never) after failing
 * its fail_at-th (0: none): 1 when it was killed. */
static int interrupted(const char *const *words, int fail_at, int kill_at, int kill_erase,
                       uint64_t seed)
{
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0)
        BROKEN("cannot fork: %s", strerror(errno));
    if (pid == 0) {
        random_fixed = 1;
        random_state = seed;
        rename_calls = 0;
        rename_fail_at = fail_at;
        rename_kill_at = kill_at;
        erase_calls = 0;
        erase_kill_at = kill_erase;
        char *message = NULL;
        if (chdir(run_dir) < 0)
            _exit(12);
        int status = cli(words, NULL, &message);
        if (verbose && *message)
            fprintf(stderr, "fuzz_recovery: the template's apply: %s", message);
        _exit(status == 0 ? 10 : 11);
    }
    int status;
    if (waitpid(pid, &status, 0) != pid)
        BROKEN("cannot wait: %s", strerror(errno));
    if (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
        return 1;
    if (!WIFEXITED(status) || WEXITSTATUS(status) < 10)
        BROKEN("an interrupted apply ended with status %d", status);
    if (WEXITSTATUS(status) == 11 && !fail_at)
        BROKEN("a template's apply failed");
    return 0;
}

/* The record a home holds: in place, or staged when the child died renaming it. */
static char *record_of(const char *home, size_t *len)
{
    int fd = open(home, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        BROKEN("cannot open %s: %s", home, strerror(errno));
    char *r = slurp(fd, PS_JOURNAL_NAME, len);
    DIR *d = r ? NULL : fdopendir(dup(fd));
    for (struct dirent *e; d && !r && (e = readdir(d));)
        if (ps_is_staged_name(e->d_name) &&
            starts(e->d_name, e->d_name + strlen(e->d_name), "." PS_JOURNAL_NAME))
            r = slurp(fd, e->d_name, len);
    if (d)
        closedir(d);
    close(fd);
    return r;
}

static void add_id(scenario *sc, const char *id)
{
    if (!id || sc->nids == MAX_IDS)
        return;
    for (size_t i = 0; i < sc->nids; i++)
        if (!strcmp(sc->ids[i], id))
            return;
    sc->ids[sc->nids++] = xstrdup(id);
}

static void ids_of(scenario *sc, const char *record, size_t len)
{
    ps_journal j;
    ps_error err;
    if (!record || ps_journal_parse(&j, record, len, "record", &err) < 0)
        return;
    add_id(sc, j.id);
    add_id(sc, j.undo_id);
    ps_journal_free(&j);
}

/* run/ as the child left it becomes template N. */
static void keep_template(const char *what)
{
    scenario *sc = &scen[nscen];
    *sc = (scenario){.what = xstrdup(what)};
    char *n = xasprintf("%zu", nscen);
    sc->tpl = at(tpl_dir, n);
    free(n);
    /* The sentinel: am and shared as they are now, staged files and records too. */
    char *outside = at(run_dir, "outside");
    for (size_t i = 0; i < 2; i++) {
        const char *from = i ? "shared" : "am";
        char *src = at(run_dir, from), *dst = at(outside, from);
        if (mkdir(dst, 0755) < 0)
            BROKEN("cannot create %s: %s", dst, strerror(errno));
        copy_into(src, dst);
        free(src);
        free(dst);
    }
    free(outside);
    if (mkdir(sc->tpl, 0755) < 0)
        BROKEN("cannot create %s: %s", sc->tpl, strerror(errno));
    for (size_t i = 0; i < NFOLDERS; i++) {
        char *src = at(run_dir, FOLDERS[i]), *dst = at(sc->tpl, FOLDERS[i]);
        if (mkdir(dst, 0755) < 0)
            BROKEN("cannot create %s: %s", dst, strerror(errno));
        copy_into(src, dst);
        free(src);
        free(dst);
    }
    static const char *const beside[] = {"outside", "peer", "shared"};
    take(&sc->outside, sc->tpl, beside, 3, 1);
    static const char *const home[] = {"am"};
    take(&sc->am, sc->tpl, home, 1, 1);
    char *peer = at(run_dir, "peer");
    sc->am_record = record_of(am_dir, &sc->am_len);
    sc->peer_record = record_of(peer, &sc->peer_len);
    free(peer);
    ids_of(sc, sc->am_record, sc->am_len);
    ids_of(sc, sc->peer_record, sc->peer_len);
    if (verbose)
        fprintf(stderr, "fuzz_recovery: scenario %zu: %s\n", nscen, what);
    nscen++;
}

/* How each template is made: an apply, the rename it fails first (0: none),
 * and whether it dies at a rename or at a record's removal (`erase`: the
 * apply's renames are all done, some homes have let their record go). */
static const struct recipe {
    const char *words[7];
    int fail_at;
    int erase;
} RECIPES[] = {
    {{"apply", "--offset", "3", "am", NULL}, 0, 0},
    {{"apply", "--offset", "3", "--backup", "am", NULL}, 0, 0},
    {{"apply", "--offset", "3", "am", "peer", NULL}, 0, 0},
    {{"apply", "--offset", "3", "peer", "am", NULL}, 0, 0},
    {{"apply", "--offset", "3", "--backup", "am", NULL}, 4, 0}, /* a backup: undone */
    {{"apply", "--offset", "3", "am", "peer", NULL}, 3, 0},     /* am's first file */
    {{"apply", "--offset", "3", "am", "peer", NULL}, 5, 0},     /* peer's first file */
    {{"apply", "--offset", "3", "peer", "am", NULL}, 4, 0},
    {{"apply", "--offset", "3", "peer", "am", NULL}, 6, 0},
    {{"apply", "--offset", "3", "am", "peer", NULL}, 0, 1},
    {{"apply", "--offset", "3", "peer", "am", NULL}, 0, 1},
    {{"apply", "--offset", "3", "am", "peer", NULL}, 5, 1}, /* the undo's records */
    {{"apply", "--offset", "3", "peer", "am", NULL}, 6, 1},
};

static void make_templates(void)
{
    size_t cap = 0;
    for (size_t r = 0; r < sizeof RECIPES / sizeof *RECIPES; r++) {
        const struct recipe *rc = &RECIPES[r];
        ps_strbuf line = PS_STRBUF_INIT;
        for (size_t w = 0; rc->words[w]; w++)
            ps_strbuf_printf(&line, "%s%s", w ? " " : "", rc->words[w]);
        if (rc->fail_at)
            ps_strbuf_printf(&line, ", rename %d fails", rc->fail_at);
        for (int k = rc->erase ? 1 : rc->fail_at + 1;; k++) {
            reset_base();
            int killed = interrupted(rc->words, rc->fail_at, rc->erase ? 0 : k, rc->erase ? k : 0,
                                     r * 1000 + (uint64_t)k);
            if (!killed && rc->erase)
                break; /* the same as the recipe's without `erase`, not killed */
            char *what = !killed     ? xasprintf("%s, not killed", line.data)
                         : rc->erase ? xasprintf("%s, killed removing record %d", line.data, k)
                                     : xasprintf("%s, killed at rename %d", line.data, k);
            if (nscen == cap) {
                cap = cap ? cap * 2 : 32;
                scen = xrealloc(scen, cap * sizeof *scen);
            }
            keep_template(what);
            free(what);
            if (!killed || k > 64)
                break;
        }
        ps_strbuf_free(&line);
    }
    if (nscen > 128)
        BROKEN("%zu scenarios: byte 0 chooses among 128 at most", nscen);
}

/* ---- seeds ---- */

static void write_seed(const char *dir, const char *name, unsigned char which, unsigned char script,
                       const char *record, size_t len)
{
    char *path = at(dir, name);
    char *b = xmalloc(len + 2);
    b[0] = (char)which;
    b[1] = (char)script;
    if (len)
        memcpy(b + 2, record, len);
    put(path, b, len + 2, 0644);
    free(b);
    free(path);
}

/* A record's paths moved: beneath the home behind `prefix`, or absolute under `abs`;
 * a link's target (and staged file) into folder `link_dir`. */
static char *forged(const scenario *sc, const char *prefix, const char *abs, const char *link_dir,
                    size_t *len)
{
    ps_journal j;
    ps_error err;
    if (!sc->am_record || ps_journal_parse(&j, sc->am_record, sc->am_len, "record", &err) < 0)
        return NULL;
    ps_journal_part *parts[2] = {&j.part, &j.undo};
    int changed = 0;
    for (size_t p = 0; p < 2; p++) {
        for (size_t i = 0; i < parts[p]->nmoves; i++) {
            ps_journal_move *m = &parts[p]->moves[i];
            char **paths[3] = {&m->link, &m->staged, &m->target};
            for (size_t k = m->link ? 0 : 1; k < 3; k++) {
                char *now = NULL;
                if (!m->link && prefix)
                    now = xasprintf("%s%s", prefix, *paths[k]);
                else if (!m->link && abs)
                    now = xasprintf("%s/%s", abs, *paths[k]);
                else if (m->link && k == 0 && prefix)
                    now = xasprintf("%s%s", prefix, *paths[k]);
                else if (m->link && k > 0 && link_dir)
                    now = xasprintf("%s/%s", link_dir, ps_path_base(*paths[k]));
                if (now) {
                    free(*paths[k]);
                    *paths[k] = now;
                    changed = 1;
                }
            }
        }
        for (size_t i = 0; i < parts[p]->ndrops && (prefix || abs); i++) {
            char *now = prefix ? xasprintf("%s%s", prefix, parts[p]->drops[i])
                               : xasprintf("%s/%s", abs, parts[p]->drops[i]);
            free(parts[p]->drops[i]);
            parts[p]->drops[i] = now;
            changed = 1;
        }
    }
    char *r = NULL;
    if (changed) {
        ps_strbuf b = PS_STRBUF_INIT;
        ps_journal_format(&j, &b);
        r = tokens(sc, b.data, b.len, len);
        ps_strbuf_free(&b);
    }
    ps_journal_free(&j);
    return r;
}

enum { RECOVER, DISCARD, APPLY, DIFF };
#define SCRIPT(a, b, c, d) ((a) | (b) << 2 | (c) << 4 | (d) << 6)
static const unsigned char FINISH = SCRIPT(RECOVER, APPLY, DIFF, RECOVER);
static const unsigned char DROP = SCRIPT(DISCARD, APPLY, DIFF, RECOVER);

static void write_seeds(const char *dir)
{
    char *outside_am = xasprintf("%s/outside/am", run_dir);
    char *outside_shared = xasprintf("%s/outside/shared", run_dir);
    for (size_t i = 0; i < nscen; i++) {
        const scenario *sc = &scen[i];
        unsigned char n = (unsigned char)i;
        char name[64];
        size_t len;
        char *r;
        if (sc->am_record) {
            r = tokens(sc, sc->am_record, sc->am_len, &len);
            snprintf(name, sizeof name, "%02zu-am-finish", i);
            write_seed(dir, name, n, FINISH, r, len);
            snprintf(name, sizeof name, "%02zu-am-discard", i);
            write_seed(dir, name, n, DROP, r, len);
            size_t flen;
            char *f = free_lengths(r, len, &flen);
            snprintf(name, sizeof name, "%02zu-am-lengths-free", i);
            write_seed(dir, name, n, FINISH, f, flen);
            free(f);
            free(r);
        } else {
            snprintf(name, sizeof name, "%02zu-none", i);
            write_seed(dir, name, n | 0x80, FINISH, NULL, 0);
        }
        if (sc->peer_record) { /* peer's record in am: a copy of peer, by its claim */
            r = tokens(sc, sc->peer_record, sc->peer_len, &len);
            snprintf(name, sizeof name, "%02zu-peer-in-am", i);
            write_seed(dir, name, n, FINISH, r, len);
            free(r);
        }
        static const struct {
            const char *name, *prefix;
            int abs, link;
        } FORGE[] = {{"dotdot", "../outside/am/", 0, 1},
                     {"peer", "../peer/", 0, 0},
                     {"absolute", NULL, 1, 0},
                     {"link-elsewhere", NULL, 0, 1}};
        for (size_t f = 0; f < sizeof FORGE / sizeof *FORGE; f++) {
            r = forged(sc, FORGE[f].prefix, FORGE[f].abs ? outside_am : NULL,
                       FORGE[f].link ? outside_shared : NULL, &len);
            if (!r)
                continue;
            snprintf(name, sizeof name, "%02zu-forged-%s-finish", i, FORGE[f].name);
            write_seed(dir, name, n, FINISH, r, len);
            snprintf(name, sizeof name, "%02zu-forged-%s-discard", i, FORGE[f].name);
            write_seed(dir, name, n, DROP, r, len);
            free(r);
        }
    }
    free(outside_am);
    free(outside_shared);
}

/* ---- setup ---- */

static void cleanup(void)
{
    remove_scratch();
    for (size_t i = 0; i < nscen; i++) {
        free(scen[i].what);
        free(scen[i].tpl);
        entries_free(&scen[i].outside);
        entries_free(&scen[i].am);
        for (size_t k = 0; k < scen[i].nids; k++)
            free(scen[i].ids[k]);
        free(scen[i].am_record);
        free(scen[i].peer_record);
    }
    free(scen);
    entries_free(&tpl_stamp);
    free(scratch);
    free(run_dir);
    free(tpl_dir);
    free(am_dir);
}

static int seeding;
static void check_templates(const char *tpl);

/* At exit, every template (an input checks its own only). */
static void check_all_templates(void)
{
    if (scratch && nscen && !seeding)
        check_templates(tpl_dir);
}

static void setup(void)
{
    verbose = getenv("PORTSHIFT_FUZZ_VERBOSE") != NULL;
    const char *tmp = getenv("TMPDIR");
    char *tpl = xasprintf("%s/portshift-recovery.XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(tpl))
        BROKEN("cannot create %s: %s", tpl, strerror(errno));
    /* The path a record holds is the resolved one. */
    scratch = realpath(tpl, NULL);
    if (!scratch)
        BROKEN("cannot resolve %s: %s", tpl, strerror(errno));
    free(tpl);
    atexit(cleanup);
#ifdef PS_SANITIZED
    __sanitizer_set_death_callback(remove_scratch); /* a sanitizer's report ends the process */
#endif
    run_dir = at(scratch, "run");
    tpl_dir = at(scratch, "tpl");
    am_dir = at(run_dir, "am");
    if (mkdir(run_dir, 0755) < 0 || mkdir(tpl_dir, 0755) < 0)
        BROKEN("cannot create folders in %s: %s", scratch, strerror(errno));
    for (size_t i = 0; i < NFOLDERS; i++) {
        char *d = at(run_dir, FOLDERS[i]);
        struct stat st;
        if (mkdir(d, 0755) < 0 || stat(d, &st) < 0)
            BROKEN("cannot create %s: %s", d, strerror(errno));
        if (!strcmp(FOLDERS[i], "am"))
            am_ino = st.st_ino;
        if (!strcmp(FOLDERS[i], "am") || !strcmp(FOLDERS[i], "peer"))
            snprintf(FOLDERS[i][0] == 'a' ? am_id : peer_id, sizeof am_id, "%ju %ju",
                     (uintmax_t)st.st_dev, (uintmax_t)st.st_ino);
        free(d);
    }
    make_templates();
    static const char *const all[] = {""};
    take(&tpl_stamp, tpl_dir, all, 1, 0);
    atexit(check_all_templates);
    const char *seeds = getenv("PORTSHIFT_FUZZ_SEEDS");
    if (seeds && *seeds) {
        seeding = 1;
        write_seeds(seeds);
        fprintf(stderr, "fuzz_recovery: %zu scenarios, seeds written to %s\n", nscen, seeds);
        cleanup();
        _exit(0);
    }
}

/* ---- per input ---- */

static void restore(const scenario *sc)
{
    for (size_t i = 0; i < NFOLDERS; i++) {
        char *d = at(run_dir, FOLDERS[i]), *s = at(sc->tpl, FOLDERS[i]);
        clear(d);
        copy_into(s, d);
        free(d);
        free(s);
    }
}

static void write_record(const scenario *sc, const uint8_t *data, size_t size)
{
    size_t len;
    char *r = expand(sc, (const char *)data, size, &len);
    char *path = at(am_dir, PS_JOURNAL_NAME);
    put(path, r, len, 0644);
    free(path);
    free(r);
}

static int count_fds(void)
{
    DIR *d = opendir("/proc/self/fd");
    int n = 0;
    for (struct dirent *e; d && (e = readdir(d));)
        n += e->d_name[0] != '.';
    if (d)
        closedir(d);
    return n;
}

/* The names folder `dir` holds must be exactly names[0..n) (sorted). */
static void only(const char *dir, const char *const *names, size_t n)
{
    struct dirent **v;
    int got = scandir(dir, &v, NULL, alphasort);
    if (got < 0)
        FINDING("cannot list %s: %s", dir, strerror(errno));
    size_t k = 0;
    for (int i = 0; i < got; i++) {
        const char *name = v[i]->d_name;
        if (strcmp(name, ".") && strcmp(name, "..")) {
            if (k >= n || strcmp(name, names[k]))
                FINDING("%s/%s: not what the folder held", dir, name);
            k++;
        }
        free(v[i]);
    }
    free(v);
    if (k != n)
        FINDING("%s: lost an entry", dir);
}

/* tpl/ holds 0..nscen-1. */
static void only_templates(void)
{
    char **names = xcalloc(nscen + 1, sizeof *names);
    for (size_t i = 0; i < nscen; i++)
        names[i] = xstrdup(ps_path_base(scen[i].tpl));
    qsort(names, nscen, sizeof *names, name_cmp);
    only(tpl_dir, (const char *const *)names, nscen);
    ps_free_strings(names, nscen);
}

/* path is rel or beneath it ("": anything). */
static int under(const char *path, const char *rel)
{
    size_t n = strlen(rel);
    return !n || (!strncmp(path, rel, n) && (!path[n] || path[n] == '/'));
}

/* Template tpl (the folder tpl_dir: all of them) is as it was made: stat alone tells. */
static void check_templates(const char *tpl)
{
    const char *rel = strcmp(tpl, tpl_dir) ? ps_path_base(tpl) : "";
    entries now;
    const char *const rels[] = {rel};
    take(&now, tpl_dir, rels, 1, 0);
    size_t i = 0;
    while (i < tpl_stamp.n && !under(tpl_stamp.v[i].rel, rel))
        i++;
    for (size_t k = 0; k < now.n; k++, i++) {
        const entry *a = i < tpl_stamp.n ? &tpl_stamp.v[i] : NULL, *b = &now.v[k];
        if (!a || strcmp(a->rel, b->rel) || !same_meta(a, b) || a->ino != b->ino ||
            a->ctime.tv_sec != b->ctime.tv_sec || a->ctime.tv_nsec != b->ctime.tv_nsec)
            FINDING("tpl/%s: a template changed", b->rel);
    }
    if (i < tpl_stamp.n && under(tpl_stamp.v[i].rel, rel))
        FINDING("tpl/%s: gone from a template", tpl_stamp.v[i].rel);
    entries_free(&now);
}

/* What an apply that succeeded left in the file am's symlink leads to. */
typedef struct written {
    entry v[4];
    size_t n;
} written;

/* The file am's symlink leads to (its relative path in run/: LINKED), as it is now. */
static void read_linked(entry *e)
{
    char *p = at(run_dir, LINKED);
    *e = (entry){0};
    e->data = slurp(AT_FDCWD, p, &e->len);
    free(p);
}

/* The file am's symlink leads to holds the bytes of a file shared/ held
 * before, or bytes an apply that succeeded wrote there. */
static int linked_ok(const scenario *sc, const entry *now, const written *w)
{
    for (size_t i = 0; i < w->n; i++)
        if (same_bytes(&w->v[i], now))
            return 1;
    for (size_t i = 0; i < sc->outside.n; i++) {
        const entry *e = &sc->outside.v[i];
        if (S_ISREG(e->mode) && !strncmp(e->rel, "shared/", 7) && same_bytes(e, now))
            return 1;
    }
    return 0;
}

static int staged_beside_linked(const char *rel)
{
    static const char prefix[] = "shared/.catalina-server.xml";
    return !strncmp(rel, prefix, sizeof prefix - 1) && !strchr(rel + 7, '/') &&
           ps_is_staged_name(rel + 7);
}

static void check_outside(const scenario *sc, const written *w)
{
    static const char *const top[] = {"run", "tpl"};
    only(scratch, top, 2);
    only(run_dir, FOLDERS, NFOLDERS);
    entries now;
    static const char *const beside[] = {"outside", "peer", "shared"};
    take(&now, run_dir, beside, 3, 1);
    size_t i = 0, j = 0;
    const entries *was = &sc->outside;
    while (i < was->n || j < now.n) {
        int c = i == was->n ? 1 : j == now.n ? -1 : strcmp(was->v[i].rel, now.v[j].rel);
        if (c < 0) {
            if (!(S_ISREG(was->v[i].mode) && staged_beside_linked(was->v[i].rel)))
                FINDING("%s: gone (outside the home)", was->v[i].rel);
            i++;
            continue;
        }
        if (c > 0)
            FINDING("%s: a %s appeared outside the home", now.v[j].rel, type_of(now.v[j].mode));
        const entry *a = &was->v[i], *b = &now.v[j];
        if (!same_meta(a, b))
            FINDING("%s: type, mode, owner or links changed (outside the home): %o %u:%u %ju -> "
                    "%o %u:%u %ju",
                    a->rel, (unsigned)a->mode, (unsigned)a->uid, (unsigned)a->gid,
                    (uintmax_t)a->nlink, (unsigned)b->mode, (unsigned)b->uid, (unsigned)b->gid,
                    (uintmax_t)b->nlink);
        if (!S_ISDIR(a->mode) && !same_bytes(a, b) &&
            !(!strcmp(a->rel, LINKED) && linked_ok(sc, b, w)))
            FINDING("%s: changed (outside the home)", a->rel);
        i++;
        j++;
    }
    entries_free(&now);
    /* The templates: their folder's names, and the input's own template
     * whole (a write changes ctime); every template at exit. */
    only_templates();
    check_templates(sc->tpl);
}

static void check_home(const scenario *sc)
{
    struct stat st;
    if (lstat(am_dir, &st) < 0 || !S_ISDIR(st.st_mode) || st.st_ino != am_ino)
        FINDING("run/am is not the home folder it was");
    entries now;
    static const char *const home[] = {"am"};
    take(&now, run_dir, home, 1, 1);
    for (size_t i = 0; i < now.n; i++) {
        const entry *e = &now.v[i];
        if (S_ISREG(e->mode) && e->nlink != 1)
            FINDING("%s: a file with %ju names in the home", e->rel, (uintmax_t)e->nlink);
        if (S_ISREG(e->mode) || S_ISDIR(e->mode))
            continue;
        size_t k = 0;
        while (k < sc->am.n && strcmp(sc->am.v[k].rel, e->rel))
            k++;
        if (k == sc->am.n || sc->am.v[k].mode != e->mode || !same_bytes(&sc->am.v[k], e))
            FINDING("%s: a %s portshift made in the home", e->rel, type_of(e->mode));
    }
    entries_free(&now);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!scratch)
        setup();
    if (size < 2)
        return 0;
    const scenario *sc = &scen[(data[0] & 0x7f) % nscen];
    unsigned script = data[1];
    int fds = count_fds();
    if (verbose)
        fprintf(stderr, "fuzz_recovery: scenario %zu: %s\n", (size_t)(sc - scen), sc->what);
    restore(sc);
    if (!(data[0] & 0x80))
        write_record(sc, data + 2, size - 2);
    int internal = !(data[0] & 0x80) && memmem(data + 2, size - 2, "internal", 8) != NULL;
    written w = {0};
    for (int k = 0; k < 4; k++) {
        unsigned c = script >> (2 * k) & 3;
        entry before, after;
        if (c == APPLY)
            read_linked(&before);
        if (command(c, internal) == 0 && c == APPLY) {
            read_linked(&after);
            if (after.data && !(before.data && same_bytes(&before, &after)))
                w.v[w.n++] = after;
            else
                free(after.data);
        }
        if (c == APPLY)
            free(before.data);
    }
    check_outside(sc, &w);
    check_home(sc);
    for (size_t i = 0; i < w.n; i++)
        free(w.v[i].data);
    if (count_fds() != fds)
        FINDING("%d descriptors open after the input, %d before", count_fds(), fds);
    return 0;
}
