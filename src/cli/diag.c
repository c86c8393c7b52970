#include "cli/diag.h"

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
