#include "write/journal.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/error.h"
#include "base/path.h"
#include "write/beneath.h"
#include "write/durable.h"
#include "parse/file.h"

#define MAGIC "portshift journal 2\n"

int ps_journal_new_id(ps_journal *j)
{
    /* Unique by construction, not by chance: no two live processes share a
     * pid, and one process counts its records. */
    static unsigned counter;
    struct timespec t;
    clock_gettime(CLOCK_REALTIME, &t);
    char *id = ps_asprintf("%lx-%llx.%09ld-%u", (unsigned long)getpid(), (long long)t.tv_sec,
                           t.tv_nsec, __atomic_fetch_add(&counter, 1, __ATOMIC_RELAXED));
    if (!id)
        return -1;
    free(j->id);
    j->id = id;
    return 0;
}

int ps_home_id_set(ps_home_id *id, dev_t dev, ino_t ino, const char *path)
{
    char *copy = ps_strdup(path);
    if (!copy)
        return -1;
    free(id->path);
    *id = (ps_home_id){dev, ino, copy};
    return 0;
}

int ps_journal_add_peer(ps_journal *j, dev_t dev, ino_t ino, const char *path)
{
    char *copy = ps_strdup(path);
    ps_home_id *p = copy ? PS_TRY_PUSH(j->peers, j->npeers, j->cappeers) : NULL;
    if (!p) {
        free(copy);
        return -1;
    }
    *p = (ps_home_id){dev, ino, copy};
    return 0;
}

int ps_journal_add_move(ps_journal_part *p, const ps_journal_move *m)
{
    ps_journal_move copy = *m;
    copy.link = m->link ? ps_strdup(m->link) : NULL;
    copy.staged = ps_strdup(m->staged);
    copy.target = ps_strdup(m->target);
    ps_journal_move *to = (!m->link || copy.link) && copy.staged && copy.target
                              ? PS_TRY_PUSH(p->moves, p->nmoves, p->capmoves)
                              : NULL;
    if (!to) {
        free(copy.link);
        free(copy.staged);
        free(copy.target);
        return -1;
    }
    *to = copy;
    return 0;
}

/* Takes `staged` (the part frees it), or frees it when out of memory. */
static int add_drop_owned(ps_journal_part *p, char *staged)
{
    char **to = staged ? PS_TRY_PUSH(p->drops, p->ndrops, p->capdrops) : NULL;
    if (!to) {
        free(staged);
        return -1;
    }
    *to = staged;
    return 0;
}

int ps_journal_add_drop(ps_journal_part *p, const char *staged)
{
    return add_drop_owned(p, ps_strdup(staged));
}

static void part_free(ps_journal_part *p)
{
    for (size_t i = 0; i < p->nmoves; i++) {
        free(p->moves[i].link);
        free(p->moves[i].staged);
        free(p->moves[i].target);
    }
    for (size_t i = 0; i < p->ndrops; i++)
        free(p->drops[i]);
    free(p->moves);
    free(p->drops);
}

void ps_journal_free(ps_journal *j)
{
    free(j->home.path);
    free(j->commit.path);
    for (size_t i = 0; i < j->npeers; i++)
        free(j->peers[i].path);
    part_free(&j->part);
    part_free(&j->undo);
    free(j->peers);
    free(j->id);
    free(j->undo_id);
    memset(j, 0, sizeof *j);
}

int ps_journal_is_commit(const ps_journal *j)
{
    return j->home.dev == j->commit.dev && j->home.ino == j->commit.ino;
}

int ps_journal_is_done(const ps_journal *j)
{
    return !j->undo_id && j->part.nmoves == 0 && j->part.ndrops == 0;
}

/* ---- the text ---- */

static void put_path(ps_strbuf *out, const char *path)
{
    ps_strbuf_printf(out, " %zu:", strlen(path));
    ps_strbuf_puts(out, path);
}

static void put_id(ps_strbuf *out, const char *word, const ps_home_id *id)
{
    ps_strbuf_printf(out, "%s %ju %ju", word, (uintmax_t)id->dev, (uintmax_t)id->ino);
    put_path(out, id->path);
    ps_strbuf_puts(out, "\n");
}

static void put_digest(ps_strbuf *out, int present, uint64_t d)
{
    if (present)
        ps_strbuf_printf(out, " %016" PRIx64, d);
    else
        ps_strbuf_puts(out, " -");
}

static void put_part(ps_strbuf *out, const ps_journal_part *p);

void ps_journal_format(const ps_journal *j, ps_strbuf *out)
{
    ps_strbuf_puts(out, MAGIC);
    ps_strbuf_printf(out, "id %s\n", j->id);
    put_id(out, "home", &j->home);
    put_id(out, "commit", &j->commit);
    for (size_t i = 0; i < j->npeers; i++)
        put_id(out, "peer", &j->peers[i]);
    put_part(out, &j->part);
    if (j->undo_id) {
        ps_strbuf_printf(out, "undo %s\n", j->undo_id);
        put_part(out, &j->undo);
    }
    ps_strbuf_puts(out, "end\n");
}

static void put_part(ps_strbuf *out, const ps_journal_part *p)
{
    for (size_t i = 0; i < p->nmoves; i++) {
        const ps_journal_move *m = &p->moves[i];
        ps_strbuf_puts(out, m->outside ? "start" : m->link ? "link" : "move");
        if (m->outside)
            ps_strbuf_printf(out, " %ju %ju %ju", (uintmax_t)m->dev, (uintmax_t)m->ino,
                             (uintmax_t)m->staged_ino);
        if (m->link)
            put_path(out, m->link);
        put_path(out, m->staged);
        put_path(out, m->target);
        put_digest(out, m->had_old, m->old_digest);
        put_digest(out, 1, m->new_digest);
        ps_strbuf_puts(out, "\n");
    }
    for (size_t i = 0; i < p->ndrops; i++) {
        ps_strbuf_puts(out, "drop");
        put_path(out, p->drops[i]);
        ps_strbuf_puts(out, "\n");
    }
}

typedef struct reader {
    const char *data;
    size_t len, pos;
    const char *path;
    ps_lines lines;
    ps_error *err;
} reader;

static int fail_at(reader *r, size_t at, const char *msg, const char *arg)
{
    int line, col;
    ps_lines_pos(&r->lines, at, &line, &col);
    return ps_error_set(r->err, r->path, line, col, "%s%s", msg, arg ? arg : "");
}

static int take(reader *r, const char *word)
{
    size_t n = strlen(word);
    if (r->len - r->pos < n || memcmp(r->data + r->pos, word, n) != 0)
        return 0;
    r->pos += n;
    return 1;
}

static int expect(reader *r, const char *word)
{
    return take(r, word) ? 0
                         : fail_at(r, r->pos, "expected ", word[0] == '\n' ? "end of line" : word);
}

/* A decimal number of at most 20 digits, no sign, no leading zero. */
static int read_number(reader *r, uintmax_t *out)
{
    size_t at = r->pos, digits = 0;
    uintmax_t v = 0;
    while (r->pos < r->len && r->data[r->pos] >= '0' && r->data[r->pos] <= '9') {
        unsigned d = (unsigned)(r->data[r->pos++] - '0');
        if (++digits > 20 || v > (UINTMAX_MAX - d) / 10)
            return fail_at(r, at, "number out of range", NULL);
        v = v * 10 + d;
    }
    if (!digits || (digits > 1 && r->data[at] == '0'))
        return fail_at(r, at, "expected a number", NULL);
    *out = v;
    return 0;
}

enum path_kind { PATH_ABSOLUTE, PATH_BENEATH };

/* " <bytes>:<path>": 1 to PATH_MAX bytes, no NUL, of the kind asked for. */
static int read_path(reader *r, enum path_kind kind, char **out)
{
    uintmax_t n;
    if (expect(r, " ") < 0)
        return -1;
    size_t at = r->pos;
    if (read_number(r, &n) < 0 || n == 0 || n > PATH_MAX)
        return fail_at(r, at, "expected the length of a path (1 to 4096 bytes)", NULL);
    if (expect(r, ":") < 0)
        return -1;
    if (r->len - r->pos < n)
        return fail_at(r, at, "path runs past the end of the record", NULL);
    const char *p = r->data + r->pos;
    char *s = ps_strndup(p, (size_t)n);
    if (!s)
        return ps_error_oom(r->err);
    int ok = !memchr(p, '\0', (size_t)n) &&
             (kind == PATH_ABSOLUTE ? s[0] == '/' && (s[1] == '\0' || ps_rel_is_beneath(s + 1))
                                    : ps_rel_is_beneath(s));
    if (!ok) {
        free(s);
        return fail_at(r, r->pos,
                       kind == PATH_ABSOLUTE
                           ? "not a resolved absolute path"
                           : "not a path beneath the home (absolute, '.' or '..')",
                       NULL);
    }
    *out = s;
    r->pos += (size_t)n;
    return 0;
}

static int read_id(reader *r, ps_home_id *id)
{
    uintmax_t dev, ino;
    if (expect(r, " ") < 0 || read_number(r, &dev) < 0 || expect(r, " ") < 0 ||
        read_number(r, &ino) < 0 || read_path(r, PATH_ABSOLUTE, &id->path) < 0)
        return -1;
    id->dev = (dev_t)dev;
    id->ino = (ino_t)ino;
    return expect(r, "\n");
}

static int hexval(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* " <16 hex digits>", or " -" where `absent_ok`. */
static int read_digest(reader *r, int absent_ok, int *present, uint64_t *d)
{
    if (expect(r, " ") < 0)
        return -1;
    *present = 1;
    *d = 0;
    if (absent_ok && take(r, "-")) {
        *present = 0;
        return 0;
    }
    size_t at = r->pos;
    for (int i = 0; i < 16; i++) {
        int v = r->pos < r->len ? hexval(r->data[r->pos]) : -1;
        if (v < 0)
            return fail_at(r, at, "expected a digest (16 hex digits)", NULL);
        *d = *d << 4 | (uint64_t)v;
        r->pos++;
    }
    return 0;
}

enum move_kind { MOVE_BENEATH, MOVE_LINK, MOVE_START };

static int read_move(reader *r, ps_journal_part *part, enum move_kind how)
{
    ps_journal_move m = {0};
    int rc = -1, present;
    size_t at = r->pos;
    enum path_kind kind = how == MOVE_BENEATH ? PATH_BENEATH : PATH_ABSOLUTE;
    if (how == MOVE_LINK && read_path(r, PATH_BENEATH, &m.link) < 0)
        goto done;
    if (how == MOVE_START) {
        uintmax_t dev, ino, staged_ino;
        if (expect(r, " ") < 0 || read_number(r, &dev) < 0 || expect(r, " ") < 0 ||
            read_number(r, &ino) < 0 || expect(r, " ") < 0 || read_number(r, &staged_ino) < 0)
            goto done;
        m.outside = 1;
        m.dev = (dev_t)dev;
        m.ino = (ino_t)ino;
        m.staged_ino = (ino_t)staged_ino;
    }
    if (read_path(r, kind, &m.staged) < 0 || read_path(r, kind, &m.target) < 0 ||
        read_digest(r, 1, &m.had_old, &m.old_digest) < 0 ||
        read_digest(r, 0, &present, &m.new_digest) < 0)
        goto done;
    if (!ps_is_staged_for(m.staged, m.target)) {
        fail_at(r, at, "not a file staged beside the one it replaces: ", m.staged);
        goto done;
    }
    if (expect(r, "\n") < 0)
        goto done;
    rc = ps_journal_add_move(part, &m) < 0 ? ps_error_oom(r->err) : 0;
done:
    free(m.link);
    free(m.staged);
    free(m.target);
    return rc;
}

/* Lengths checked by hand: an id is what ps_journal_new_id makes. */
static int read_id_word(reader *r, char **out)
{
    size_t at = r->pos;
    while (r->pos < r->len && r->data[r->pos] != '\n' && r->pos - at < 64) {
        char c = r->data[r->pos];
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || c == '-' || c == '.'))
            break;
        r->pos++;
    }
    if (r->pos == at)
        return fail_at(r, at, "expected an id", NULL);
    *out = ps_strndup(r->data + at, r->pos - at);
    return *out ? expect(r, "\n") : ps_error_oom(r->err);
}

static int read_part(reader *r, ps_journal_part *p)
{
    for (;;) {
        enum move_kind how = take(r, "link")    ? MOVE_LINK
                             : take(r, "start") ? MOVE_START
                             : take(r, "move")  ? MOVE_BENEATH
                                                : (enum move_kind) - 1;
        if (how == (enum move_kind) - 1)
            break;
        if (read_move(r, p, how) < 0)
            return -1;
    }
    while (take(r, "drop")) {
        size_t drop_at = r->pos + 1;
        char *staged;
        if (read_path(r, PATH_BENEATH, &staged) < 0)
            return -1;
        if (add_drop_owned(p, staged) < 0)
            return ps_error_oom(r->err);
        if (!ps_is_staged_name(ps_path_base(staged)))
            return fail_at(r, drop_at, "not a staged file: ", staged);
        if (expect(r, "\n") < 0)
            return -1;
    }
    return 0;
}

static int parse_items(reader *r, ps_journal *j)
{
    if (!take(r, MAGIC))
        return fail_at(r, 0, "not a portshift journal (or not this version of one)", NULL);
    if (expect(r, "id ") < 0 || read_id_word(r, &j->id) < 0 || expect(r, "home") < 0 ||
        read_id(r, &j->home) < 0 || expect(r, "commit") < 0 || read_id(r, &j->commit) < 0)
        return -1;
    while (take(r, "peer")) {
        ps_home_id *p = PS_TRY_PUSH(j->peers, j->npeers, j->cappeers);
        if (!p)
            return ps_error_oom(r->err);
        *p = (ps_home_id){0};
        if (read_id(r, p) < 0)
            return -1;
    }
    if (read_part(r, &j->part) < 0)
        return -1;
    if (take(r, "undo ") && (read_id_word(r, &j->undo_id) < 0 || read_part(r, &j->undo) < 0))
        return -1;
    if (!take(r, "end\n"))
        return fail_at(r, r->pos, "expected 'move', 'link', 'start', 'drop', 'undo' or 'end'",
                       NULL);
    if (r->pos != r->len)
        return fail_at(r, r->pos, "text after 'end'", NULL);
    return 0;
}

int ps_journal_parse(ps_journal *j, const char *data, size_t len, const char *path, ps_error *err)
{
    reader r = {data, len, 0, path, {0}, err};
    memset(j, 0, sizeof *j);
    ps_lines_build(&r.lines, data, len);
    int rc = parse_items(&r, j);
    ps_lines_free(&r.lines);
    if (rc < 0)
        ps_journal_free(j);
    return rc;
}

/* ---- the file ---- */

/* "<shown>/.portshift-journal", for messages; NULL (err set) when out of memory. */
static char *record_path(const char *shown, ps_error *err)
{
    char *path = ps_path_join(shown, PS_JOURNAL_NAME);
    if (!path)
        ps_error_oom(err);
    return path;
}

int ps_journal_exists(int homefd, const char *shown, ps_error *err)
{
    struct stat st;
    if (fstatat(homefd, PS_JOURNAL_NAME, &st, AT_SYMLINK_NOFOLLOW) == 0)
        return 1;
    if (errno == ENOENT)
        return 0;
    int e = errno;
    char *path = record_path(shown, err);
    if (path)
        ps_error_set(err, path, 0, 0, "cannot stat: %s", strerror(e));
    free(path);
    return -1;
}

/* Why a record that is there cannot be trusted, or NULL. */
static const char *untrusted(const struct stat *st)
{
    if (!S_ISREG(st->st_mode))
        return "not a regular file";
    if (st->st_nlink != 1)
        return "has other names (hard links)";
    if (st->st_uid != geteuid() && st->st_uid != 0)
        return "written by another user (not by you or root)";
    if (st->st_mode & (S_IWGRP | S_IWOTH))
        return "writable by others";
    if ((size_t)st->st_size > PS_JOURNAL_MAX)
        return "too large to be a record";
    return NULL;
}

int ps_journal_read(int homefd, const char *shown, ps_journal *j, ps_error *err)
{
    char *data = NULL;
    int rc = -1, fd = -1;
    struct stat st;
    memset(j, 0, sizeof *j);
    char *path = record_path(shown, err);
    if (!path)
        return -1;
    /* O_NONBLOCK | O_NOFOLLOW: a FIFO or a symlink put there is refused, never waited on. */
    fd = openat(homefd, PS_JOURNAL_NAME, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT)
            rc = 0;
        else if (errno == ELOOP || errno == ENXIO)
            ps_error_set(err, path, 0, 0, "not a regular file");
        else
            ps_error_set(err, path, 0, 0, "cannot open: %s", strerror(errno));
        goto done;
    }
    if (fstat(fd, &st) < 0) {
        ps_error_set(err, path, 0, 0, "cannot stat: %s", strerror(errno));
        goto done;
    }
    const char *why = untrusted(&st);
    if (why) {
        ps_error_set(err, path, 0, 0, "not a record portshift can trust: %s", why);
        goto done;
    }
    size_t len = (size_t)st.st_size, got = 0;
    data = ps_malloc(len + 1);
    if (!data) {
        ps_error_oom(err);
        goto done;
    }
    while (got < len) {
        ssize_t n = read(fd, data + got, len - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            ps_error_set(err, path, 0, 0, "cannot read: %s",
                         n < 0 ? strerror(errno) : "it shrank while read");
            goto done;
        }
        got += (size_t)n;
    }
    rc = ps_journal_parse(j, data, len, path, err) < 0 ? -1 : 1;
done:
    if (fd >= 0)
        close(fd);
    free(data);
    free(path);
    return rc;
}

int ps_journal_stage(int homefd, const char *shown, const ps_journal *j, ps_journal_staged *out,
                     ps_error *err)
{
    ps_strbuf b = PS_STRBUF_INIT;
    char *path = record_path(shown, err);
    int rc = -1;
    *out = (ps_journal_staged){-1, NULL};
    if (!path)
        return -1;
    ps_journal_format(j, &b);
    if (ps_strbuf_oom(&b)) {
        ps_error_oom(err);
        goto done;
    }
    out->fd = ps_stage_at(homefd, PS_JOURNAL_NAME, &out->tmp);
    if (out->fd < 0) {
        if (errno == ENOMEM)
            ps_error_oom(err);
        else
            ps_error_set(err, path, 0, 0, "cannot create temporary file: %s", strerror(errno));
        goto done;
    }
    /* Readable by whoever finishes the apply; writable by its writer alone. */
    if (fchmod(out->fd, 0644) < 0 || ps_write_all(out->fd, b.data, b.len) < 0) {
        ps_error_set(err, path, 0, 0, "cannot write: %s", strerror(errno));
        ps_journal_unstage(homefd, out);
        goto done;
    }
    ps_start_writeback(out->fd);
    rc = 0;
done:
    free(path);
    ps_strbuf_free(&b);
    return rc;
}

void ps_journal_unstage(int homefd, ps_journal_staged *st)
{
    if (st->fd >= 0)
        close(st->fd);
    if (st->tmp)
        unlinkat(homefd, st->tmp, 0);
    free(st->tmp);
    *st = (ps_journal_staged){-1, NULL};
}

int ps_journal_place(int homefd, const char *shown, ps_journal_staged *st, ps_error *err)
{
    return ps_journal_place_synced(homefd, shown, st, fsync(st->fd) < 0 ? errno : 0, err);
}

int ps_journal_place_synced(int homefd, const char *shown, ps_journal_staged *st, int sync_err,
                            ps_error *err)
{
    int rc = 0, fd = st->fd, e = sync_err;
    st->fd = -1;
    /* close even after a failed fsync: NFS and friends may report a failed write only there. */
    if (sync_err)
        rc = -1;
    if (close(fd) < 0) {
        rc = -1;
        e = errno;
    }
    if (rc == 0 && renameat(homefd, st->tmp, homefd, PS_JOURNAL_NAME) < 0) {
        rc = -1;
        e = errno;
    }
    if (rc < 0) {
        char *path = record_path(shown, err);
        if (path)
            ps_error_set(err, path, 0, 0, "cannot write: %s", strerror(e));
        free(path);
        ps_journal_unstage(homefd, st);
        return -1;
    }
    free(st->tmp);
    st->tmp = NULL;
    return 0;
}

int ps_journal_write(int homefd, const char *shown, const ps_journal *j, ps_error *err)
{
    ps_journal_staged st;
    if (ps_journal_stage(homefd, shown, j, &st, err) < 0 ||
        ps_journal_place(homefd, shown, &st, err) < 0)
        return -1;
    return fsync(homefd) < 0
               ? ps_error_set(err, shown, 0, 0, "cannot sync: %s", strerror(errno)) - 1
               : 0;
}

int ps_journal_remove(int homefd, const char *shown, ps_error *err)
{
    if (unlinkat(homefd, PS_JOURNAL_NAME, 0) < 0 && errno != ENOENT) {
        int e = errno;
        char *path = record_path(shown, err);
        if (path)
            ps_error_set(err, path, 0, 0, "cannot remove: %s", strerror(e));
        free(path);
        return -1;
    }
    return 0;
}

int ps_journal_erase(int homefd, const char *shown, ps_error *err)
{
    if (ps_journal_remove(homefd, shown, err) < 0)
        return -1;
    if (fsync(homefd) < 0)
        return ps_error_set(err, shown, 0, 0, "cannot sync: %s", strerror(errno)) - 1;
    return 0;
}

int ps_journal_copy_head(ps_journal *to, const ps_journal *from, const char *id)
{
    if (!(to->id = ps_strdup(id)) ||
        ps_home_id_set(&to->home, from->home.dev, from->home.ino, from->home.path) < 0 ||
        ps_home_id_set(&to->commit, from->commit.dev, from->commit.ino, from->commit.path) < 0)
        return -1;
    for (size_t p = 0; p < from->npeers; p++)
        if (ps_journal_add_peer(to, from->peers[p].dev, from->peers[p].ino, from->peers[p].path) <
            0)
            return -1;
    return 0;
}
