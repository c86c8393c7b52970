#include "base/path.h"

#include <string.h>

#include "base/strbuf.h"

char *ps_path_join(const char *a, const char *b)
{
    if (!*b)
        return ps_xstrdup(a);
    if (!*a)
        return ps_xstrdup(b);
    return ps_xasprintf("%s%s%s", a, a[strlen(a) - 1] == '/' ? "" : "/", b);
}
