#include "base/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int ps_error_set(ps_error *err, const char *path, int line, int col, const char *fmt, ...)
{
    if (!err)
        return -1;
    snprintf(err->path, sizeof err->path, "%s", path ? path : "");
    err->line = line;
    err->col = col;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    return -1;
}

void ps_error_print(FILE *to, const char *severity, const ps_error *err)
{
    fputs("portshift: ", to);
    if (err->path[0]) {
        fputs(err->path, to);
        if (err->line > 0) {
            fprintf(to, ":%d", err->line);
            if (err->col > 0)
                fprintf(to, ":%d", err->col);
        }
        fputs(": ", to);
    }
    fprintf(to, "%s: %s\n", severity, err->message);
}
