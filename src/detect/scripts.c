#include "detect/scripts.h"

#include <ctype.h>
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "base/strbuf.h"
#include "base/path.h"
#include "parse/file.h"

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int has_suffix(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* A shell '#' line, or a batch REM / :: line. */
static int comment_line(const char *p, const char *end)
{
    while (p < end && (*p == ' ' || *p == '\t' || *p == '@'))
        p++;
    if (p < end && *p == '#')
        return 1;
    if (end - p >= 2 && p[0] == ':' && p[1] == ':')
        return 1;
    return end - p >= 3 && strncasecmp(p, "rem", 3) == 0 &&
           (end - p == 3 || isspace((unsigned char)p[3]));
}

static int scan_script(const char *path, ps_diags *warnings, ps_error *err)
{
    char *data;
    size_t len;
    struct stat st;
    /* A name that leads nowhere or to a folder is no script; a FIFO or a
     * device named like one is refused, never opened (ps_file_read). */
    if (stat(path, &st) < 0 || S_ISDIR(st.st_mode))
        return 0;
    if (ps_file_read(path, &data, &len, err) < 0)
        return -1;
    static const char flag[] = "-DportOffset=";
    int line = 1;
    for (size_t pos = 0; pos < len; line++) {
        const char *nl = memchr(data + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - data) : len;
        if (!comment_line(data + pos, data + end)) {
            for (size_t i = pos; i + sizeof flag - 1 < end; i++) {
                if (memcmp(data + i, flag, sizeof flag - 1) != 0)
                    continue;
                const char *v = data + i + sizeof flag - 1;
                if (!isdigit((unsigned char)*v))
                    continue; /* -DportOffset=$OFFSET: passed in, not hard-coded */
                ps_diag_add(warnings, path, line, (int)(i - pos + 1),
                            "start script sets -DportOffset=%ld, which overrides the offset in "
                            "the config files at runtime",
                            strtol(v, NULL, 10));
            }
        }
        pos = end + 1;
    }
    free(data);
    return 0;
}

int ps_scan_start_scripts(const char *home, ps_diags *warnings, ps_error *err)
{
    int rc = 0;
    char *bin = ps_path_join(home, "bin");
    DIR *d = opendir(bin);
    if (d) {
        char **names = NULL;
        size_t n = 0, cap = 0;
        for (struct dirent *de; (de = readdir(d));)
            if (has_suffix(de->d_name, ".sh") || has_suffix(de->d_name, ".bat"))
                *PS_PUSH(names, n, cap) = ps_xstrdup(de->d_name);
        closedir(d);
        /* In name order: the first bad script named is the one reported. */
        ps_sort(names, n, sizeof *names, cmp_names);
        for (size_t i = 0; i < n; i++) {
            char *path = ps_path_join(bin, names[i]);
            if (rc == 0)
                rc = scan_script(path, warnings, err);
            free(path);
            free(names[i]);
        }
        free(names);
    }
    free(bin);
    return rc;
}
