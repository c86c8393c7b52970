/*
 * The socket tables of /proc/net (check/bound.h) read into ps_sockets;
 * which process holds a socket is holders.c's.
 */
#include "check/bound.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/error.h"
#include "base/path.h"
#include "base/strbuf.h"

#define TCP_LISTEN 0x0A

/* Reads one whitespace-separated word of line[*i..end) into [*ws, *we). */
static int word(const char *line, size_t end, size_t *i, size_t *ws, size_t *we)
{
    while (*i < end && isspace((unsigned char)line[*i]))
        (*i)++;
    *ws = *i;
    while (*i < end && !isspace((unsigned char)line[*i]))
        (*i)++;
    *we = *i;
    return *we > *ws;
}

/* Parses hex digits text[a..b) into *v; 0 when they are not all hex. */
static int hex(const char *text, size_t a, size_t b, unsigned long *v)
{
    if (a == b || b - a > 16)
        return 0;
    *v = 0;
    for (size_t i = a; i < b; i++) {
        int c = (unsigned char)text[i];
        if (!isxdigit(c))
            return 0;
        *v = *v * 16 + (unsigned long)(isdigit(c) ? c - '0' : tolower(c) - 'a' + 10);
    }
    return 1;
}

int ps_sockets__decimal(const char *text, size_t a, size_t b, unsigned long *v)
{
    if (a == b || b - a > 19)
        return 0;
    *v = 0;
    for (size_t i = a; i < b; i++) {
        if (!isdigit((unsigned char)text[i]))
            return 0;
        *v = *v * 10 + (unsigned long)(text[i] - '0');
    }
    return 1;
}

/*
 * "  0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000
 * 00000000  1000 0 123456 ...": slot, local address:port (hex), remote,
 * state (hex), queues, timer, retransmits, uid, timeout, inode. 1 with *out
 * for a socket in state LISTEN, 0 for another state, -1 for no such line.
 */
static int parse_line(ps_socket *out, const char *text, size_t a, size_t b)
{
    size_t i = a, ws[10], we[10];
    for (int k = 0; k < 10; k++)
        if (!word(text, b, &i, &ws[k], &we[k]))
            return -1;
    const char *colon = memchr(text + ws[1], ':', we[1] - ws[1]);
    unsigned long port, state, inode, addr_len = colon ? (size_t)(colon - text) - ws[1] : 0;
    if (text[we[0] - 1] != ':' || !colon || (addr_len != 8 && addr_len != 32) ||
        !hex(text, (size_t)(colon - text) + 1, we[1], &port) || port > 65535 ||
        !hex(text, ws[3], we[3], &state) || !ps_sockets__decimal(text, ws[9], we[9], &inode))
        return -1;
    if (state != TCP_LISTEN)
        return 0;
    *out = (ps_socket){(long)port, inode, -1, NULL};
    return 1;
}

/* One table read line by line, from a buffer or from a file a chunk at a time. */
typedef struct table_reader {
    ps_sockets *s;
    size_t cap;
    const char *path;
    size_t line; /* lines taken so far */
    ps_error *err;
} table_reader;

/* Takes one line (without its newline); the first names the columns. */
static int table_line(table_reader *t, const char *text, size_t len)
{
    t->line++;
    if (t->line == 1) {
        size_t i = 0;
        while (i < len && text[i] == ' ')
            i++;
        if (len - i < 2 || strncmp(text + i, "sl", 2) != 0)
            return ps_error_set(t->err, t->path, 1, 0, "not a TCP socket table");
        return 0;
    }
    ps_socket sock;
    int listens = len ? parse_line(&sock, text, 0, len) : 0;
    if (listens < 0)
        return ps_error_set(t->err, t->path, (int)t->line, 0, "not a line of a TCP socket table");
    if (listens) {
        ps_socket *slot = PS_TRY_PUSH(t->s->items, t->s->count, t->cap);
        if (!slot)
            return ps_error_oom(t->err);
        *slot = sock;
    }
    return 0;
}

static int table_end(const table_reader *t)
{
    if (t->line == 0)
        return ps_error_set(t->err, t->path, 1, 0, "not a TCP socket table");
    return 0;
}

int ps_sockets_parse(ps_sockets *s, const char *path, const char *text, size_t len, ps_error *err)
{
    table_reader t = {.s = s, .cap = s->count, .path = path, .err = err};
    for (size_t a = 0; a < len;) {
        const char *nl = memchr(text + a, '\n', len - a);
        size_t b = nl ? (size_t)(nl - text) : len;
        if (table_line(&t, text + a, b - a) < 0)
            return -1;
        a = b + 1;
    }
    return table_end(&t);
}

/* No line of a socket table comes near this (they are about 150 bytes). */
#define TABLE_LINE_MAX 4096
#define TABLE_CHUNK (64 * 1024)

/*
 * Reads a table as it comes, a chunk at a time: a host with a hundred
 * thousand sockets has a table of tens of MiB, which the size cap of config
 * files (ps_file_read) must not refuse and which need not be held whole.
 */
static int stream_table(ps_sockets *s, const char *path, ps_error *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    if (fd < 0)
        return ps_error_set(err, path, 0, 0, "cannot open: %s", strerror(errno));
    struct stat st;
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return ps_error_set(err, path, 0, 0, "not a regular file");
    }
    table_reader t = {.s = s, .cap = s->count, .path = path, .err = err};
    char *buf = ps_malloc(TABLE_LINE_MAX + TABLE_CHUNK);
    if (!buf) {
        close(fd);
        return ps_error_oom(err);
    }
    size_t held = 0; /* the start of a line not ended yet, at buf[0] */
    int rc = 0;
    for (;;) {
        ssize_t r = read(fd, buf + held, TABLE_CHUNK);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            rc = ps_error_set(err, path, 0, 0, "cannot read: %s", strerror(errno));
            break;
        }
        size_t len = held + (size_t)r, a = 0;
        for (const char *nl; rc == 0 && (nl = memchr(buf + a, '\n', len - a));) {
            rc = table_line(&t, buf + a, (size_t)(nl - buf) - a);
            a = (size_t)(nl - buf) + 1;
        }
        if (rc < 0)
            break;
        held = len - a;
        if (r == 0) { /* the end, maybe after a last line without its newline */
            rc = held ? table_line(&t, buf, held) : 0;
            if (rc == 0)
                rc = table_end(&t);
            break;
        }
        if (held >= TABLE_LINE_MAX) {
            rc = ps_error_set(err, path, (int)t.line + 1, 0, "not a line of a TCP socket table");
            break;
        }
        memmove(buf, buf + a, held);
    }
    free(buf);
    close(fd);
    return rc;
}

static int read_table(ps_sockets *s, const char *proc, const char *name, int optional,
                      ps_error *err)
{
    char *path = ps_path_join(proc, name);
    if (!path)
        return ps_error_oom(err);
    int rc = 0;
    if (!(optional && access(path, F_OK) < 0 && errno == ENOENT))
        rc = stream_table(s, path, err);
    free(path);
    return rc;
}

int ps_sockets_read(ps_sockets *s, const char *proc, ps_error *err)
{
    if (read_table(s, proc, "net/tcp", 0, err) < 0 || read_table(s, proc, "net/tcp6", 1, err) < 0) {
        ps_sockets_free(s);
        return -1;
    }
    return 0;
}

void ps_sockets_free(ps_sockets *s)
{
    for (size_t i = 0; i < s->count; i++)
        free(s->items[i].comm);
    free(s->items);
    *s = (ps_sockets){0};
}
