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
    return ps_xasprintf("%s%s%s", a, a[strlen(a) - 1] == '/' ? "" : "/", b);
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
