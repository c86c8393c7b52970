#define _GNU_SOURCE
#include "tree.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <portshift/cli.h>
#include <portshift/portshift.h>

char *tree_scratch(void)
{
    const char *tmp = getenv("TMPDIR");
    char buf[4096];
    snprintf(buf, sizeof buf, "%s/portshift-test.XXXXXX", tmp && *tmp ? tmp : "/tmp");
    char *d = mkdtemp(buf);
    return d ? strdup(d) : NULL;
}

int run_cmd(const char *fmt, ...)
{
    char cmd[8192];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    int rc = system(cmd);
    return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

int tree_copy(const char *src, const char *dst)
{
    return run_cmd("cp -a '%s' '%s'", src, dst);
}

int tree_remove(const char *path)
{
    struct stat st;
    if (lstat(path, &st) < 0)
        return errno == ENOENT ? 0 : -1;
    if (!S_ISDIR(st.st_mode))
        return unlink(path);
    chmod(path, 0755); /* a test may have left it read-only */
    DIR *d = opendir(path);
    for (struct dirent *e; d && (e = readdir(d));) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        char sub[4096];
        snprintf(sub, sizeof sub, "%s/%s", path, e->d_name);
        tree_remove(sub);
    }
    if (d)
        closedir(d);
    return rmdir(path);
}

static int cmp_rel(const void *a, const void *b)
{
    return strcmp(((const snap_file *)a)->rel, ((const snap_file *)b)->rel);
}

static void walk(snapshot *s, size_t *cap, const char *root, const char *rel)
{
    char path[4096];
    snprintf(path, sizeof path, "%s%s%s", root, *rel ? "/" : "", rel);
    DIR *d = opendir(path);
    if (!d)
        return;
    for (struct dirent *de; (de = readdir(d));) {
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
            continue;
        char crel[4096], full[8192];
        snprintf(crel, sizeof crel, "%s%s%s", rel, *rel ? "/" : "", de->d_name);
        snprintf(full, sizeof full, "%s/%s", root, crel);
        struct stat st;
        if (lstat(full, &st) < 0)
            continue;
        if (S_ISDIR(st.st_mode)) {
            walk(s, cap, root, crel);
            continue;
        }
        if (s->count == *cap) {
            *cap = *cap ? *cap * 2 : 64;
            s->files = realloc(s->files, *cap * sizeof *s->files);
        }
        snap_file *f = &s->files[s->count++];
        f->rel = strdup(crel);
        f->len = 0;
        f->data = NULL;
        FILE *fp = fopen(full, "rb");
        if (fp) {
            f->data = malloc((size_t)st.st_size + 1);
            f->len = fread(f->data, 1, (size_t)st.st_size, fp);
            fclose(fp);
        }
    }
    closedir(d);
}

void snapshot_take(snapshot *s, const char *dir)
{
    size_t cap = 0;
    s->files = NULL;
    s->count = 0;
    walk(s, &cap, dir, "");
    if (s->count) /* qsort(NULL, 0, ...) is undefined */
        qsort(s->files, s->count, sizeof *s->files, cmp_rel);
}

void snapshot_free(snapshot *s)
{
    for (size_t i = 0; i < s->count; i++) {
        free(s->files[i].rel);
        free(s->files[i].data);
    }
    free(s->files);
    s->files = NULL;
    s->count = 0;
}

char *snapshot_diff(const snapshot *a, const snapshot *b)
{
    char *msg = NULL;
    size_t i = 0, j = 0;
    while (!msg && (i < a->count || j < b->count)) {
        int c = i == a->count ? 1 : j == b->count ? -1 : strcmp(a->files[i].rel, b->files[j].rel);
        if (c < 0) {
            asprintf(&msg, "%s only before", a->files[i].rel);
        } else if (c > 0) {
            asprintf(&msg, "%s only after", b->files[j].rel);
        } else {
            const snap_file *x = &a->files[i], *y = &b->files[j];
            if (x->len != y->len || (x->len && memcmp(x->data, y->data, x->len) != 0))
                asprintf(&msg, "%s differs", x->rel);
            i++;
            j++;
        }
    }
    return msg;
}

cli_result cli_run(const char *cwd, const char *cmdline)
{
    char *line = strdup(cmdline);
    const char *words[64];
    int n = 0;
    for (char *tok = strtok(line, " "); tok && n < 63; tok = strtok(NULL, " "))
        words[n++] = tok;
    words[n] = NULL;
    cli_result r = cli_run_words(cwd, words);
    free(line);
    return r;
}

cli_result cli_run_words(const char *cwd, const char *const *words)
{
    cli_result r = {0, NULL, NULL};
    char *argv[64];
    int argc = 0;
    argv[argc++] = "portshift";
    for (; words[argc - 1] && argc < 63; argc++)
        argv[argc] = (char *)words[argc - 1];
    argv[argc] = NULL;
    size_t olen, elen;
    FILE *out = open_memstream(&r.out, &olen);
    FILE *err = open_memstream(&r.err, &elen);
    char old[4096];
    if (!getcwd(old, sizeof old))
        old[0] = '\0';
    /* Not getting there, or back, is said on stderr: status -1 alone hides why. */
    if (cwd && chdir(cwd) < 0) {
        r.status = -1;
        fprintf(err, "cli_run: cannot enter %s: %s\n", cwd, strerror(errno));
    } else {
        r.status = ps_cli_main(argc, argv, out, err);
    }
    if (cwd && old[0] && chdir(old) < 0) {
        r.status = -1;
        fprintf(err, "cli_run: cannot return to %s: %s\n", old, strerror(errno));
    }
    fclose(out);
    fclose(err);
    return r;
}

void cli_result_free(cli_result *r)
{
    free(r->out);
    free(r->err);
    r->out = r->err = NULL;
}
