#define _GNU_SOURCE /* realpath */
#include "host/startfile.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "base/path.h"
#include "base/strbuf.h"
#include "parse/file.h"
#include "sites/sites.h"

/* Bytes that end a path in a unit, an environment file or a shell line. */
static int path_byte(char c)
{
    return c && !strchr(" \t\r\n\"'`;:,=()<>|&\\", c);
}

/*
 * The home a path token names: resolved as far as it exists (a log file not
 * written yet still names its home's folder), then matched against the
 * homes' real paths. *named gets the part under the home. -1 for none,
 * TOKEN_NOMEM when out of memory.
 */
#define TOKEN_NOMEM (-2L)

static long token_home(const char *tok, size_t len, char *const *homes, size_t nhomes, char **named)
{
    char buf[PATH_MAX], real[PATH_MAX];
    if (len >= sizeof buf)
        return -1;
    memcpy(buf, tok, len);
    buf[len] = '\0';
    while (!realpath(buf, real)) {
        char *slash = strrchr(buf, '/');
        if (!slash || slash == buf)
            return -1;
        *slash = '\0';
    }
    for (size_t k = 0; k < nhomes; k++) {
        size_t n = homes[k] ? ps_path_under(real, homes[k]) : 0;
        if (n) {
            const char *rest = real + n;
            *named = ps_strdup(*rest == '/' ? rest + 1 : rest);
            return *named ? (long)k : TOKEN_NOMEM;
        }
    }
    return -1;
}

/* Which home f names; -1 with the reason when it names two. */
static int match_home(ps_start_file *f, char *const *homes, size_t nhomes, const char *const *shown,
                      long *home, ps_error *err)
{
    *home = -1;
    const char *d = f->data;
    int line = 1;
    for (size_t pos = 0; pos < f->len; line++) {
        const char *nl = memchr(d + pos, '\n', f->len - pos);
        size_t end = nl ? (size_t)(nl - d) : f->len;
        for (size_t i = pos; i < end && !ps_start_comment_line(d + pos, d + end); i++) {
            if (d[i] != '/' || (i > pos && path_byte(d[i - 1])))
                continue;
            size_t e = i;
            while (e < end && path_byte(d[e]))
                e++;
            char *named = NULL;
            long k = token_home(d + i, e - i, homes, nhomes, &named);
            size_t at = i;
            i = e;
            if (k == TOKEN_NOMEM)
                return ps_error_oom(err);
            if (k < 0)
                continue;
            if (*home >= 0 && k != *home) {
                free(named);
                return ps_error_set(err, f->path, line, (int)(at - pos) + 1,
                                    "names two homes of the call, %s and %s: a start file "
                                    "starts one",
                                    shown[*home], shown[k]);
            }
            if (*home < 0) {
                *home = k;
                f->named = named;
            } else {
                free(named);
            }
        }
        pos = end + 1;
    }
    return 0;
}

int ps_start_files_read(ps_start_file **out, size_t *n, const char *const *paths, size_t npaths,
                        const char *const *homes, size_t nhomes, ps_error *err)
{
    *out = ps_calloc(npaths + 1, sizeof **out);
    *n = 0;
    char **reals = ps_calloc(nhomes + 1, sizeof *reals);
    if (!*out || !reals) {
        free(reals);
        return ps_error_oom(err);
    }
    for (size_t k = 0; k < nhomes; k++)
        reals[k] = realpath(homes[k], NULL); /* NULL: its load says why */
    int rc = 0;
    for (size_t i = 0; i < npaths && rc == 0; i++) {
        char *real = realpath(paths[i], NULL);
        size_t j = 0;
        while (real && j < *n && strcmp((*out)[j].real, real) != 0)
            j++;
        if (real && j < *n) {
            free(real); /* named twice: taken once */
            continue;
        }
        ps_start_file *f = &(*out)[(*n)++];
        f->path = ps_strdup(paths[i]);
        f->real = real;
        if (!f->path) {
            rc = ps_error_oom(err);
            break;
        }
        if (ps_file_read(paths[i], &f->data, &f->len, err) < 0) {
            rc = -1;
            break;
        }
        for (size_t k = 0; k < nhomes && rc == 0; k++)
            if (reals[k] && real && ps_path_under(real, reals[k]))
                rc = ps_error_set(err, f->path, 0, 0,
                                  "lies in the home %s: a start script there is read without "
                                  "--start-file",
                                  homes[k]);
        long home = -1;
        if (rc == 0 && match_home(f, reals, nhomes, homes, &home, err) < 0)
            rc = -1;
        if (rc == 0 && home < 0 && nhomes > 1)
            rc = ps_error_set(err, f->path, 0, 0,
                              "names none of the %zu homes of the call: a start file belongs "
                              "to the home whose path it names",
                              nhomes);
        f->home = home < 0 ? 0 : (size_t)home;
    }
    for (size_t k = 0; k < nhomes; k++)
        free(reals[k]);
    free(reals);
    return rc;
}

void ps_start_files_free(ps_start_file *files, size_t n)
{
    for (size_t i = 0; files && i < n; i++) {
        free(files[i].path);
        free(files[i].real);
        free(files[i].data);
        free(files[i].named);
    }
    free(files);
}

int ps_start_file_is_unit(const char *path, const char *data, size_t len)
{
    static const char section[] = "[Service]";
    if (ps_path_has_suffix(path, ".service") || ps_path_has_suffix(path, ".socket") ||
        strstr(path, "/systemd/"))
        return 1;
    for (size_t pos = 0; pos < len;) {
        const char *nl = memchr(data + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - data) : len;
        if (end - pos >= sizeof section - 1 && memcmp(data + pos, section, sizeof section - 1) == 0)
            return 1;
        pos = end + 1;
    }
    return 0;
}
