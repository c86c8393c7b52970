#include "parse/file.h"

#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/error.h"
#include "base/strbuf.h"

static uint64_t mix(uint64_t h)
{
    h ^= h >> 30;
    h *= 0xbf58476d1ce4e5b9u;
    h ^= h >> 27;
    h *= 0x94d049bb133111ebu;
    return h ^ (h >> 31);
}

uint64_t ps_bytes_digest(const char *data, size_t len)
{
    /* A word at a time, each folded in by a multiply and a rotation: about a
     * cycle a word, against a cycle a byte for FNV. */
    uint64_t h = 0x9e3779b97f4a7c15u ^ len;
    size_t i = 0;
    for (uint64_t w; i + 8 <= len; i += 8) {
        memcpy(&w, data + i, 8);
        h = (h ^ w) * 0xff51afd7ed558ccdu;
        h = (h << 29) | (h >> 35);
    }
    uint64_t tail = 0;
    memcpy(&tail, data + i, len - i);
    return mix(h ^ tail);
}

int ps_file_read(const char *path, char **data, size_t *len, ps_error *err)
{
    int rc = -1;
    char *buf = NULL;
    struct stat st;
    /* A name in a home that leads to a FIFO or a device is refused before
     * open(2): opening a FIFO waits for a writer, and some devices act when
     * opened. O_NONBLOCK and the fstat below cover one swapped in between. */
    if (stat(path, &st) < 0)
        return ps_error_set(err, path, 0, 0, "cannot open: %s", strerror(errno));
    if (!S_ISREG(st.st_mode))
        return ps_error_set(err, path, 0, 0, "not a regular file");
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    if (fd < 0)
        return ps_error_set(err, path, 0, 0, "cannot open: %s", strerror(errno));
    if (fstat(fd, &st) < 0) {
        ps_error_set(err, path, 0, 0, "cannot stat: %s", strerror(errno));
        goto done;
    }
    if (!S_ISREG(st.st_mode)) {
        ps_error_set(err, path, 0, 0, "not a regular file");
        goto done;
    }
    if ((size_t)st.st_size > PS_MAX_FILE_SIZE) {
        ps_error_set(err, path, 0, 0, "file too large (%lld bytes; limit %zu)",
                     (long long)st.st_size, PS_MAX_FILE_SIZE);
        goto done;
    }
    size_t cap = (size_t)st.st_size, n = 0;
    buf = ps_malloc(cap + 1);
    if (!buf) {
        ps_error_oom(err);
        goto done;
    }
    for (;;) {
        char probe;
        /* Full at the size fstat gave: one byte more says whether the file
         * grew since, before the buffer does (most files never have). */
        ssize_t r = n < cap ? read(fd, buf + n, cap - n) : read(fd, &probe, 1);
        if (r > 0 && n == cap) {
            if (cap >= PS_MAX_FILE_SIZE) {
                ps_error_set(err, path, 0, 0, "file too large (limit %zu bytes)", PS_MAX_FILE_SIZE);
                goto done;
            }
            cap = cap * 2 + 4096;
            if (cap > PS_MAX_FILE_SIZE)
                cap = PS_MAX_FILE_SIZE;
            char *more = ps_realloc(buf, cap + 1);
            if (!more) {
                ps_error_oom(err);
                goto done;
            }
            buf = more;
            buf[n] = probe;
            r = 1;
        }
        if (r < 0) {
            if (errno == EINTR)
                continue;
            ps_error_set(err, path, 0, 0, "cannot read: %s", strerror(errno));
            goto done;
        }
        if (r == 0)
            break;
        n += (size_t)r;
    }
    buf[n] = '\0';
    *data = buf;
    *len = n;
    buf = NULL;
    rc = 0;
done:
    free(buf);
    close(fd);
    return rc;
}

void ps_lines_build(ps_lines *lines, const char *data, size_t len)
{
    *lines = (ps_lines){.data = data, .len = len};
}

/* -1 (no index) when out of memory. */
static int index_lines(ps_lines *lines)
{
    size_t cap = 0, *at;
    if (!(at = PS_TRY_PUSH(lines->start, lines->count, cap)))
        goto oom;
    *at = 0;
    const char *p = lines->data, *end = lines->data + lines->len;
    for (const char *nl; p < end && (nl = memchr(p, '\n', (size_t)(end - p))); p = nl + 1) {
        if (!(at = PS_TRY_PUSH(lines->start, lines->count, cap)))
            goto oom;
        *at = (size_t)(nl + 1 - lines->data);
    }
    return 0;
oom:
    ps_lines_free(lines);
    return -1;
}

void ps_lines_pos(const ps_lines *lines, size_t offset, int *line, int *col)
{
    /* Built once, on demand: see file.h. Without memory for the index, the
     * position is counted from the start: slower, never wrong. */
    if (!lines->start && index_lines((ps_lines *)lines) < 0) {
        const char *bol = lines->data, *nl;
        int n = 1;
        while ((nl = memchr(bol, '\n', offset - (size_t)(bol - lines->data))))
            bol = nl + 1, n++;
        *line = n;
        *col = (int)(offset - (size_t)(bol - lines->data)) + 1;
        return;
    }
    size_t lo = 0, hi = lines->count;
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (lines->start[mid] <= offset)
            lo = mid;
        else
            hi = mid;
    }
    *line = (int)lo + 1;
    *col = (int)(offset - lines->start[lo]) + 1;
}

int ps_lines_error(const ps_lines *lines, ps_error *err, const char *path, size_t offset,
                   const char *fmt, ...)
{
    int line, col;
    ps_lines_pos(lines, offset, &line, &col);
    va_list ap;
    va_start(ap, fmt);
    ps_error_vsetc(err, PS_EPARSE, path, line, col, fmt, ap); /* an error of the input */
    va_end(ap);
    return -1;
}

void ps_lines_free(ps_lines *lines)
{
    free(lines->start);
    lines->start = NULL;
    lines->count = 0;
}
