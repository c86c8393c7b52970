#include "base/path.h"

#include <limits.h>
#include <string.h>
#include <unistd.h>

#include "base/strbuf.h"

char *ps_path_join(const char *a, const char *b)
{
    if (!*b)
        return ps_strdup(a);
    if (!*a)
        return ps_strdup(b);
    /* Called for every name a walk meets: no printf machinery. */
    size_t na = strlen(a), nb = strlen(b), slash = a[na - 1] != '/';
    char *p = ps_malloc(na + slash + nb + 1);
    if (!p)
        return NULL;
    memcpy(p, a, na);
    p[na] = '/';
    memcpy(p + na + slash, b, nb + 1);
    return p;
}

int ps_path_has_suffix(const char *path, const char *suffix)
{
    size_t n = strlen(path), m = strlen(suffix);
    return n >= m && strcmp(path + n - m, suffix) == 0;
}

size_t ps_path_under(const char *path, const char *folder)
{
    size_t n = strlen(folder);
    if (strcmp(folder, "/") == 0)
        return *path == '/';
    return strncmp(path, folder, n) == 0 && (path[n] == '\0' || path[n] == '/') ? n : 0;
}

char *ps_path_dir(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        return ps_strdup(".");
    if (slash == path)
        return ps_strdup("/");
    return ps_strndup(path, (size_t)(slash - path));
}

const char *ps_path_base(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

char *ps_path_from_cwd(const char *real)
{
    char cwd[PATH_MAX];
    if (real[0] != '/' || !getcwd(cwd, sizeof cwd))
        return NULL;
    /* The longest common prefix that ends at a component boundary. */
    size_t i = 0;
    while (real[i] && real[i] == cwd[i])
        i++;
    if (!((real[i] == '\0' || real[i] == '/') && (cwd[i] == '\0' || cwd[i] == '/')))
        while (i > 0 && real[i - 1] != '/')
            i--;
    ps_strbuf b = PS_STRBUF_INIT;
    for (const char *p = cwd + i; *p;) { /* one ".." per folder of cwd below it */
        while (*p == '/')
            p++;
        if (!*p)
            break;
        ps_strbuf_puts(&b, b.len ? "/.." : "..");
        while (*p && *p != '/')
            p++;
    }
    const char *rest = real + i;
    while (*rest == '/')
        rest++;
    if (*rest) {
        if (b.len)
            ps_strbuf_puts(&b, "/");
        ps_strbuf_puts(&b, rest);
    }
    if (!b.len)
        ps_strbuf_puts(&b, ".");
    return ps_strbuf_detach(&b, NULL);
}

char *ps_path_shown(const char *path)
{
    char *rel = ps_path_from_cwd(path);
    return rel ? rel : ps_strdup(path);
}
