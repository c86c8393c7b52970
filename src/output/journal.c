#include "output/journal.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/error.h"
#include "base/path.h"
#include "output/durable.h"
#include "parse/file.h"

#define MAGIC "portshift journal 1\n"

void ps_journal_new_id(ps_journal *j)
{
    /* Unique by construction, not by chance: no two live processes share a
     * pid, and one process counts its records. */
    static unsigned counter;
    struct timespec t;
    clock_gettime(CLOCK_REALTIME, &t);
    free(j->id);
    j->id = ps_xasprintf("%lx-%llx.%09ld-%u", (unsigned long)getpid(), (long long)t.tv_sec,
                         t.tv_nsec, counter++);
}

void ps_journal_add_home(ps_journal *j, const char *home)
{
    *PS_PUSH(j->homes, j->nhomes, j->caphomes) = ps_xstrdup(home);
}

void ps_journal_add_rename(ps_journal *j, const char *from, const char *to)
{
    *PS_PUSH(j->renames, j->nrenames, j->caprenames) =
        (ps_journal_rename){ps_xstrdup(from), ps_xstrdup(to)};
}

void ps_journal_add_drop(ps_journal *j, const char *staged)
{
    *PS_PUSH(j->drops, j->ndrops, j->capdrops) = ps_xstrdup(staged);
}

void ps_journal_free(ps_journal *j)
{
    for (size_t i = 0; i < j->nhomes; i++)
        free(j->homes[i]);
    for (size_t i = 0; i < j->nrenames; i++) {
        free(j->renames[i].from);
        free(j->renames[i].to);
    }
    for (size_t i = 0; i < j->ndrops; i++)
        free(j->drops[i]);
    free(j->homes);
    free(j->renames);
    free(j->drops);
    free(j->id);
    memset(j, 0, sizeof *j);
}

static void put_path(ps_strbuf *out, const char *path)
{
    ps_strbuf_printf(out, "%zu:", strlen(path));
    ps_strbuf_puts(out, path);
}

void ps_journal_format(const ps_journal *j, ps_strbuf *out)
{
    ps_strbuf_puts(out, MAGIC);
    ps_strbuf_printf(out, "id %s\n", j->id);
    for (size_t i = 0; i < j->nhomes; i++) {
        ps_strbuf_puts(out, "home ");
        put_path(out, j->homes[i]);
        ps_strbuf_puts(out, "\n");
    }
    for (size_t i = 0; i < j->nrenames; i++) {
        ps_strbuf_puts(out, "rename ");
        put_path(out, j->renames[i].from);
        ps_strbuf_puts(out, " ");
        put_path(out, j->renames[i].to);
        ps_strbuf_puts(out, "\n");
    }
    for (size_t i = 0; i < j->ndrops; i++) {
        ps_strbuf_puts(out, "drop ");
        put_path(out, j->drops[i]);
        ps_strbuf_puts(out, "\n");
    }
    ps_strbuf_puts(out, "end\n");
}

/* ---- parsing ---- */

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

/* "<bytes>:<path>": an absolute path of 1 to PATH_MAX bytes, no NUL. */
static int read_path(reader *r, char **out)
{
    size_t at = r->pos, n = 0, digits = 0;
    while (r->pos < r->len && r->data[r->pos] >= '0' && r->data[r->pos] <= '9' && digits < 6) {
        n = n * 10 + (size_t)(r->data[r->pos++] - '0');
        digits++;
    }
    if (!digits || (digits > 1 && r->data[at] == '0') || n == 0 || n > PATH_MAX)
        return fail_at(r, at, "expected the length of a path (1 to 4096 bytes)", NULL);
    if (expect(r, ":") < 0)
        return -1;
    if (r->len - r->pos < n)
        return fail_at(r, at, "path runs past the end of the record", NULL);
    const char *p = r->data + r->pos;
    if (memchr(p, '\0', n) || p[0] != '/')
        return fail_at(r, r->pos, "not an absolute path", NULL);
    *out = ps_xstrndup(p, n);
    r->pos += n;
    return 0;
}

static int parse_items(reader *r, ps_journal *j)
{
    if (!take(r, MAGIC))
        return fail_at(r, 0, "not a portshift journal (or not this version of one)", NULL);
    if (expect(r, "id ") < 0)
        return -1;
    size_t at = r->pos;
    while (r->pos < r->len && r->data[r->pos] != '\n' && r->pos - at < 64) {
        char c = r->data[r->pos];
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || c == '-' || c == '.'))
            break;
        r->pos++;
    }
    if (r->pos == at)
        return fail_at(r, at, "expected an id", NULL);
    j->id = ps_xstrndup(r->data + at, r->pos - at);
    if (expect(r, "\n") < 0)
        return -1;

    while (take(r, "home ")) {
        char *home;
        if (read_path(r, &home) < 0)
            return -1;
        *PS_PUSH(j->homes, j->nhomes, j->caphomes) = home;
        if (expect(r, "\n") < 0)
            return -1;
    }
    if (!j->nhomes)
        return fail_at(r, r->pos, "expected ", "home");
    while (r->pos < r->len && take(r, "rename ")) {
        ps_journal_rename *p = PS_PUSH(j->renames, j->nrenames, j->caprenames);
        p->from = p->to = NULL;
        size_t from_at = r->pos;
        if (read_path(r, &p->from) < 0 || expect(r, " ") < 0 || read_path(r, &p->to) < 0)
            return -1;
        if (!ps_is_staged_for(p->from, p->to))
            return fail_at(r, from_at, "not a file staged beside the one it replaces: ", p->from);
        if (expect(r, "\n") < 0)
            return -1;
    }
    while (take(r, "drop ")) {
        size_t drop_at = r->pos;
        char *staged;
        if (read_path(r, &staged) < 0)
            return -1;
        *PS_PUSH(j->drops, j->ndrops, j->capdrops) = staged;
        if (!ps_is_staged_name(ps_path_base(staged)))
            return fail_at(r, drop_at, "not a staged file: ", staged);
        if (expect(r, "\n") < 0)
            return -1;
    }
    if (!take(r, "end\n"))
        return fail_at(r, r->pos, "expected 'rename', 'drop' or 'end'", NULL);
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

/* ---- files ---- */

char *ps_journal_path(const char *home)
{
    return ps_path_join(home, PS_JOURNAL_NAME);
}

int ps_journal_exists(const char *home, ps_error *err)
{
    struct stat st;
    char *path = ps_journal_path(home);
    int rc = 1;
    if (lstat(path, &st) < 0)
        rc =
            errno == ENOENT ? 0 : ps_error_set(err, path, 0, 0, "cannot stat: %s", strerror(errno));
    free(path);
    return rc;
}

int ps_journal_read(const char *home, ps_journal *j, ps_error *err)
{
    char *path = ps_journal_path(home), *data = NULL;
    size_t len;
    struct stat st;
    int rc = 1;
    if (lstat(path, &st) < 0)
        rc =
            errno == ENOENT ? 0 : ps_error_set(err, path, 0, 0, "cannot stat: %s", strerror(errno));
    else if (!S_ISREG(st.st_mode)) /* never followed: a record is a file portshift wrote */
        rc = ps_error_set(err, path, 0, 0, "not a regular file");
    else if (ps_file_read(path, &data, &len, err) < 0 ||
             ps_journal_parse(j, data, len, path, err) < 0)
        rc = -1;
    free(data);
    free(path);
    return rc;
}

/* One home's record: staged, synced, renamed, folder synced (-2 when only that last step failed).
 */
static int write_record(const char *home, const char *data, size_t len, ps_error *err)
{
    int rc = -1;
    char *path = ps_journal_path(home);
    char *tmp = ps_staged_template(path);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        ps_error_set(err, path, 0, 0, "cannot create temporary file: %s", strerror(errno));
        goto done;
    }
    /* Readable by whoever finishes the apply (mkstemp gives 0600). */
    if (fchmod(fd, 0644) < 0 || ps_write_all(fd, data, len) < 0 || fsync(fd) < 0) {
        ps_error_set(err, path, 0, 0, "cannot write: %s", strerror(errno));
        close(fd);
        unlink(tmp);
        goto done;
    }
    if (close(fd) < 0 || rename(tmp, path) < 0) {
        ps_error_set(err, path, 0, 0, "cannot write: %s", strerror(errno));
        unlink(tmp);
        goto done;
    }
    rc = ps_sync_dir(home, err) < 0 ? -2 : 0;
done:
    free(tmp);
    free(path);
    return rc;
}

int ps_journal_write(const ps_journal *j, ps_error *err)
{
    ps_strbuf b = PS_STRBUF_INIT;
    int rc = 0;
    ps_journal_format(j, &b);
    for (size_t k = 1; k <= j->nhomes && rc == 0; k++) {
        size_t i = k % j->nhomes; /* homes[1], ..., homes[n-1], then homes[0] */
        rc = write_record(j->homes[i], b.data, b.len, err);
        if (rc == -2 && i != 0)
            rc = -1;
    }
    ps_strbuf_free(&b);
    return rc;
}

static int unlink_record(const char *home, ps_error *err)
{
    char *path = ps_journal_path(home);
    int rc = 0;
    if (unlink(path) < 0 && errno != ENOENT)
        rc = ps_error_set(err, path, 0, 0, "cannot remove: %s", strerror(errno));
    free(path);
    return rc;
}

int ps_journal_erase_home(const char *home, ps_error *err)
{
    if (unlink_record(home, err) < 0)
        return -1;
    (void)ps_sync_dir(home, NULL);
    return 0;
}

int ps_journal_erase(const ps_journal *j, ps_error *err)
{
    for (size_t i = 0; i < j->nhomes; i++)
        if (unlink_record(j->homes[i], err) < 0)
            return -1;
    for (size_t i = 0; i < j->nhomes; i++)
        (void)ps_sync_dir(j->homes[i], NULL);
    return 0;
}
