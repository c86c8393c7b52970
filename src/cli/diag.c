#include "cli/diag.h"

#include <stdarg.h>

void ps_error_print(FILE *to, const char *severity, const ps_error *err)
{
    char where[sizeof err->path + 32];
    ps_error_where(where, sizeof where, err);
    fprintf(to, "portshift: %s%s: %s\n", where, severity, err->message);
}

int ps_cli_error(ps_error *err, const char *fmt, ...)
{
    if (!err)
        return -1;
    *err = (ps_error){{0}, 0, 0, {0}};
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    return -1;
}
