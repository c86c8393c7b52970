#include "base/path.h"

#include <limits.h>
#include <string.h>
#include <unistd.h>

#include "base/strbuf.h"

char *ps_path_join(const char *a, const char *b)
{
    if (!*b)
        return ps_xstrdup(a);
    if (!*a)
        return ps_xstrdup(b);
    /* Called for every name a walk meets: no printf machinery. */
    size_t na = strlen(a), nb = strlen(b), slash = a[na - 1] != '/';
    char *p = ps_xmalloc(na + slash + nb + 1);
    memcpy(p, a, na);
    p[na] = '/';
    memcpy(p + na + slash, b, nb + 1);
    return p;
}

char *ps_path_dir(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        return ps_xstrdup(".");
    if (slash == path)
        return ps_xstrdup("/");
    return ps_xstrndup(path, (size_t)(slash - path));
}

const char *ps_path_base(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

char *ps_path_absolute(const char *path)
{
    char cwd[PATH_MAX];
    if (path[0] == '/')
        return ps_xstrdup(path);
    if (!getcwd(cwd, sizeof cwd))
        return NULL;
    return ps_path_join(cwd, path);
}

char *ps_path_shown(const char *path)
{
    char cwd[PATH_MAX];
    if (path[0] != '/' || !getcwd(cwd, sizeof cwd))
        return ps_xstrdup(path);
    size_t n = strlen(cwd);
    if (n > 1 && strncmp(path, cwd, n) == 0 && path[n] == '/' && path[n + 1])
        return ps_xstrdup(path + n + 1);
    return ps_xstrdup(path);
}
