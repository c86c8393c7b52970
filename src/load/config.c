#include "load/config.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/error.h"
#include "base/strbuf.h"

static int has_suffix(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

typedef struct walker {
    ps_config *cfg;
    size_t cap;
    const char *home;
    const ps_runtime *rt;
    ps_root root;
    const char *root_dir; /* relative to the home */
    ps_error *err;
} walker;

static int is_generated(const walker *w, const ps_cfile *f)
{
    if (w->rt->mode != PS_MODE_TOML || f->is_toml)
        return 0;
    if (!w->rt->templates_rel) /* a config-only tree: assume the mapper owns conf/ */
        return f->root == PS_ROOT_CONF;
    char *tpl = ps_xasprintf("%s/%s/%s.j2", w->home, w->rt->templates_rel, f->rel);
    struct stat st;
    int gen = stat(tpl, &st) == 0;
    free(tpl);
    return gen;
}

static int add_file(walker *w, const char *sub)
{
    ps_cfile *f = PS_PUSH(w->cfg->files, w->cfg->nfiles, w->cap);
    memset(f, 0, sizeof *f);
    f->rel = ps_path_join(w->root_dir, sub);
    f->path = ps_path_join(w->home, f->rel);
    f->root = w->root;
    f->root_rel = ps_xstrdup(sub);
    f->is_toml = has_suffix(sub, ".toml");
    f->generated = is_generated(w, f);
    if (ps_file_read(f->path, &f->data, &f->len, w->err) < 0)
        return -1;
    return ps_cfile_parse(f, w->err);
}

/* Walks root_dir/sub in name order; a folder that does not exist is empty. */
static int walk(walker *w, const char *sub)
{
    char *rel = ps_path_join(w->root_dir, sub);
    char *dir = ps_path_join(w->home, rel);
    free(rel);
    DIR *d = opendir(dir);
    if (!d) {
        int missing = errno == ENOENT || errno == ENOTDIR;
        int rc = missing ? 0 : ps_error_set(w->err, dir, 0, 0, "cannot open: %s", strerror(errno));
        free(dir);
        return rc;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    for (struct dirent *de; (de = readdir(d));) {
        if (de->d_name[0] == '.')
            continue; /* ., .., and our own .name.portshift-XXXXXX temp files */
        *PS_PUSH(names, n, cap) = ps_xstrdup(de->d_name);
    }
    closedir(d);
    ps_sort(names, n, sizeof *names, cmp_names);
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        char *child = ps_path_join(sub, names[i]);
        char *full = ps_path_join(dir, names[i]);
        struct stat st;
        if (stat(full, &st) == 0 && S_ISDIR(st.st_mode))
            rc = walk(w, child);
        else if (has_suffix(names[i], ".xml") || has_suffix(names[i], ".properties") ||
                 (w->rt->carbon5 && has_suffix(names[i], ".yaml")))
            rc = add_file(w, child);
        free(child);
        free(full);
    }
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    free(dir);
    return rc;
}

int ps_cfile_parse(ps_cfile *f, ps_error *err)
{
    ps_lines_free(&f->lines);
    ps_xmldoc_free(f->xml);
    f->xml = NULL;
    ps_props_free(&f->props);
    ps_toml_free(&f->toml);
    ps_lines_build(&f->lines, f->data, f->len);
    if (has_suffix(f->rel, ".xml"))
        return ps_xmldoc_parse(&f->xml, f->path, f->data, f->len, err);
    if (f->is_toml)
        return ps_toml_parse(&f->toml, f->path, f->data, f->len, err);
    if (has_suffix(f->rel, ".yaml"))
        ps_props_parse_yaml(&f->props, f->data, f->len);
    else
        ps_props_parse(&f->props, f->data, f->len);
    return 0;
}

static int cmp_files(const void *a, const void *b)
{
    return strcmp(((const ps_cfile *)a)->rel, ((const ps_cfile *)b)->rel);
}

int ps_config_load(ps_config *cfg, const ps_home *home, const ps_runtime *rt, ps_error *err)
{
    memset(cfg, 0, sizeof *cfg);
    walker w = {.cfg = cfg, .home = home->path, .rt = rt, .err = err};
    w.root = PS_ROOT_CONF;
    w.root_dir = rt->conf_rel;
    int rc = 0;
    if (rt->mode == PS_MODE_TOML)
        rc = add_file(&w, "deployment.toml");
    if (rc == 0)
        rc = walk(&w, "");
    if (rc == 0) {
        w.root = PS_ROOT_DEPLOYMENT;
        w.root_dir = rt->deploy_rel;
        rc = walk(&w, "synapse-configs");
    }
    if (rc < 0) {
        ps_config_free(cfg);
        return -1;
    }
    ps_sort(cfg->files, cfg->nfiles, sizeof *cfg->files, cmp_files);
    return 0;
}

void ps_config_free(ps_config *cfg)
{
    for (size_t i = 0; i < cfg->nfiles; i++) {
        ps_cfile *f = &cfg->files[i];
        free(f->rel);
        free(f->path);
        free(f->root_rel);
        free(f->data);
        ps_xmldoc_free(f->xml);
        ps_props_free(&f->props);
        ps_toml_free(&f->toml);
        ps_lines_free(&f->lines);
    }
    free(cfg->files);
    memset(cfg, 0, sizeof *cfg);
}

const ps_cfile *ps_config_find(const ps_config *cfg, ps_root root, const char *root_rel)
{
    for (size_t i = 0; i < cfg->nfiles; i++)
        if (cfg->files[i].root == root && strcmp(cfg->files[i].root_rel, root_rel) == 0)
            return &cfg->files[i];
    return NULL;
}
