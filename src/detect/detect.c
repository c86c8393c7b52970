#include "detect/detect.h"

#include <errno.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/error.h"
#include "base/path.h"
#include "base/strbuf.h"
#include "detect/running.h"
#include "detect/scripts.h"
#include "parse/file.h"
#include "parse/toml.h"
#include "parse/xmldoc.h"

/*
 * Detection asks many yes-or-no questions of the file system; one whose
 * path cannot be had for want of memory answers no and notes it in *oom,
 * which ps_detect reads once: a product must never be chosen on a wrong no.
 */
static int exists(const char *home, const char *rel, int *oom)
{
    char *p = ps_path_join(home, rel);
    if (!p) {
        *oom = 1;
        return 0;
    }
    struct stat st;
    int ok = stat(p, &st) == 0;
    free(p);
    return ok;
}

/* What follows "<prefix>-" in the home's folder name (wso2am-2.6.0 -> 2.6.0), or NULL. */
static const char *after_dir_prefix(const ps_product *p, const char *home)
{
    const char *base = strrchr(home, '/');
    base = base ? base + 1 : home;
    for (size_t i = 0; i < p->dir_prefix.count; i++) {
        size_t n = strlen(p->dir_prefix.items[i]);
        if (strncmp(base, p->dir_prefix.items[i], n) == 0 && base[n] == '-')
            return base + n + 1;
    }
    return NULL;
}

/* The version the zip folder's name carries (wso2am-2.6.0), or "". The
 * version a config file states (carbon.xml <Version>) is read with the other
 * sites, from the loaded file, and wins over this. */
static char *folder_version(const ps_product *p, const char *home)
{
    const char *rest = after_dir_prefix(p, home);
    size_t n = rest ? ps_version_prefix_len(rest) : 0;
    return n ? ps_strndup(rest, n) : ps_strdup("");
}

/* A marker names one path, or several (space-separated) that must all exist. */
static int marker_present(const char *marker, const char *home, int *oom)
{
    char *copy = ps_strdup(marker), *save = NULL;
    if (!copy) {
        *oom = 1;
        return 0;
    }
    int all = 1;
    for (char *p = strtok_r(copy, " ", &save); p && all; p = strtok_r(NULL, " ", &save))
        all = exists(home, p, oom);
    free(copy);
    return all;
}

static int has_marker(const ps_strlist *markers, const char *home, int *oom)
{
    for (size_t k = 0; k < markers->count; k++)
        if (marker_present(markers->items[k], home, oom))
            return 1;
    return 0;
}

/* 1 when a table of the home's deployment.toml matches one of the marker's globs. */
static int has_toml_marker(const ps_strlist *markers, const ps_toml *toml, int *oom)
{
    for (size_t k = 0; k < markers->count; k++) {
        char *copy = ps_strdup(markers->items[k]), *save = NULL;
        if (!copy) {
            *oom = 1;
            return 0;
        }
        int hit = 0;
        for (char *g = strtok_r(copy, " ", &save); g && !hit; g = strtok_r(NULL, " ", &save))
            for (size_t t = 0; t < toml->ntables && !hit; t++)
                hit = fnmatch(g, toml->tables[t].name, 0) == 0;
        free(copy);
        if (hit)
            return 1;
    }
    return 0;
}

/*
 * The text of carbon.xml's /Server/Name at `rel` under the home, trimmed, or
 * NULL: no file, a file our lexer refuses (the loader reports it), no such
 * element, or a build token (${product.name}, a source tree) that names nothing.
 */
static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static char *server_name(const char *home, const char *rel, int *oom)
{
    char *path = ps_path_join(home, rel);
    if (!path) {
        *oom = 1;
        return NULL;
    }
    char *data = NULL, *name = NULL;
    size_t len = 0;
    ps_error err;
    memset(&err, 0, sizeof err);
    ps_xmldoc *doc = NULL;
    /* A file that cannot be read or lexed names nothing, unless for want of memory. */
    if (ps_file_read(path, &data, &len, &err) < 0 ||
        ps_xmldoc_lex(&doc, path, data, len, &err) < 0) {
        *oom |= ps_error_last() == PS_ENOMEM;
    } else {
        for (size_t i = 0; i < doc->nelems && !name; i++) {
            const ps_xelem *e = &doc->elems[i];
            if (e->parent < 0 || doc->elems[e->parent].parent >= 0 ||
                strcmp(doc->elems[e->parent].name, "Server") != 0 || strcmp(e->name, "Name") != 0)
                continue;
            size_t s = e->inner.start, t = e->inner.end;
            while (s < t && is_space(data[s]))
                s++;
            while (t > s && is_space(data[t - 1]))
                t--;
            if (t > s && !memchr(data + s, '<', t - s) && !memchr(data + s, '$', t - s) &&
                !memchr(data + s, '@', t - s))
                *oom |= !(name = ps_strndup(data + s, t - s));
            else
                break; /* the first /Server/Name is the one Carbon reads */
        }
    }
    ps_xmldoc_free(doc);
    free(data);
    free(path);
    return name;
}

static int has_name_marker(const ps_strlist *markers, const char *name)
{
    for (size_t k = 0; name && k < markers->count; k++)
        if (strcmp(markers->items[k], name) == 0)
            return 1;
    return 0;
}

/*
 * What the content says first: the name carbon.xml gives the server (a DAS
 * says "WSO2 Data Analytics Server" whatever folder it sits in); then marker
 * files and the tables of deployment.toml (an IS configured as key manager
 * ships api-manager.xml, so that file alone is a weak API-M marker); then
 * markers other products ship too; then the zip folder's name, the last hint
 * (a partial tree, a docker sample mounting one file, may carry nothing
 * else); the product without markers catches the rest.
 */
static const ps_product *detect_product(const ps_catalog *cat, const char *home,
                                        const char *cxml_rel, const ps_toml *toml, int *oom)
{
    char *name = server_name(home, cxml_rel, oom);
    const ps_product *found = NULL;
    for (size_t i = 0; i < cat->nproducts && name && !found; i++)
        if (!cat->products[i].profile_only && has_name_marker(&cat->products[i].name_markers, name))
            found = &cat->products[i];
    free(name);
    if (found)
        return found;
    for (size_t i = 0; i < cat->nproducts; i++) {
        const ps_product *p = &cat->products[i];
        if (!p->profile_only && (has_marker(&p->markers, home, oom) ||
                                 (toml && has_toml_marker(&p->toml_markers, toml, oom))))
            return p;
    }
    for (size_t i = 0; i < cat->nproducts; i++)
        if (!cat->products[i].profile_only && has_marker(&cat->products[i].weak_markers, home, oom))
            return &cat->products[i];
    for (size_t i = 0; i < cat->nproducts; i++)
        if (!cat->products[i].profile_only && after_dir_prefix(&cat->products[i], home))
            return &cat->products[i];
    for (size_t i = 0; i < cat->nproducts; i++)
        if (!cat->products[i].profile_only && !cat->products[i].markers.count &&
            !cat->products[i].weak_markers.count && !cat->products[i].toml_markers.count &&
            !cat->products[i].name_markers.count)
            return &cat->products[i];
    return NULL;
}

/* The home's deployment.toml, parsed for detection only: a file the strict
 * reader refuses proves nothing here (NULL), and the loader reports it. */
static ps_toml *read_toml(const char *home, const char *rel, int *oom)
{
    char *path = ps_path_join(home, rel);
    char *data = NULL;
    size_t len = 0;
    ps_error err;
    memset(&err, 0, sizeof err);
    ps_toml *t = path ? ps_calloc(1, sizeof *t) : NULL;
    if (!t) {
        *oom = 1;
    } else if (ps_file_read(path, &data, &len, &err) < 0 ||
               ps_toml_parse(t, path, data, len, &err) < 0) {
        *oom |= ps_error_last() == PS_ENOMEM;
        free(t);
        t = NULL;
    }
    free(data);
    free(path);
    return t;
}

/* EI 6.x: each profile under wso2/ with a carbon.xml is a Carbon 4 runtime of
 * its own; one with the Carbon 5 file the catalog names for it (the analytics
 * worker's deployment.yaml, msf4j's netty-transports.yml) has fixed ports. */
/* -1 when out of memory (h keeps what it has: ps_home_free frees it). */
static int add_profiles(const ps_catalog *cat, ps_home *h, const ps_product *product)
{
    const char *version = h->runtimes[0].version;
    int oom = 0;
    for (size_t i = 0; i < product->profile_paths.count && !oom; i++) {
        const char *dir = product->profile_paths.items[i];
        char *conf = ps_path_join(dir, "conf");
        char *cxml = conf ? ps_path_join(conf, "carbon.xml") : NULL;
        const char *c5file = product->profile_carbon5.items[i];
        char *yaml = c5file ? ps_path_join(dir, c5file) : NULL;
        oom = !cxml || (c5file && !yaml);
        int c4 = !oom && exists(h->path, cxml, &oom);
        int c5 = !oom && !c4 && yaml && exists(h->path, yaml, &oom);
        if (c4 || c5) {
            ps_runtime *rt = &h->runtimes[h->nruntimes++];
            rt->conf_rel = conf;
            conf = NULL;
            rt->product = ps_catalog_product(cat, product->profile_products.items[i]);
            rt->mode = PS_MODE_XML;
            rt->carbon5 = c5;
            oom = !(rt->name = ps_strdup(dir)) ||
                  !(rt->deploy_rel = ps_path_join(dir, "repository/deployment/server")) ||
                  !(rt->version = ps_strdup(version));
        }
        free(conf);
        free(cxml);
        free(yaml);
    }
    return oom ? -1 : 0;
}

/* What marks a folder as a Carbon home: repository/conf, or conf/
 * holding carbon.xml or deployment.toml (EI 6.x, MI). */
static int looks_like_home(const char *dir, int *oom)
{
    struct stat st;
    char *p = ps_path_join(dir, "repository/conf");
    *oom |= !p;
    int yes = p && stat(p, &st) == 0 && S_ISDIR(st.st_mode);
    free(p);
    return yes || exists(dir, "conf/carbon.xml", oom) || exists(dir, "conf/deployment.toml", oom);
}

/*
 * The outermost folder above `path` that is a Carbon home, or NULL. Naming
 * am/repository would otherwise pass for a home of its own (it holds
 * conf/carbon.xml) and patch only part of am. The answer is `path` with its
 * last components dropped when that names the same folder (am/repository ->
 * am), else the folder relative to the current one ("." -> "..", as every
 * other message names its paths).
 */
static char *enclosing_home(const char *path, int *oom)
{
    char *real = realpath(path, NULL);
    if (!real)
        return NULL;
    char *found = NULL;
    size_t up = 0, found_up = 0;
    for (char *slash; (slash = strrchr(real, '/')) != NULL;) {
        *(slash == real ? slash + 1 : slash) = '\0';
        up++;
        if (looks_like_home(real, oom)) {
            free(found);
            found = ps_strdup(real);
            found_up = up;
        }
        if (*oom || (found_up == up && !found)) {
            *oom = 1;
            free(found);
            free(real);
            return NULL;
        }
        if (slash == real)
            break;
    }
    free(real);
    if (!found)
        return NULL;
    /* The same folder as the user spelled it: am/repository -> am. Without
     * the memory for it, the resolved path names it. */
    char *shown = ps_strdup(path);
    if (!shown)
        return found;
    size_t n = strlen(shown);
    for (size_t k = 0; k < found_up; k++) {
        while (n > 1 && shown[n - 1] == '/')
            n--;
        while (n > 0 && shown[n - 1] != '/')
            n--;
    }
    while (n > 1 && shown[n - 1] == '/')
        n--;
    shown[n] = '\0';
    char *check = realpath(n ? shown : ".", NULL);
    char *named =
        check && strcmp(check, found) == 0 ? ps_strdup(n ? shown : ".") : ps_path_from_cwd(found);
    free(check);
    free(shown);
    if (named) {
        free(found);
        found = named;
    }
    return found;
}

/*
 * What a home holds for its server besides config: the pid file of each
 * runtime's folder (the home's, each EI profile's), read by apply, check
 * --listening and recovery, and the start scripts under bin/. A FIFO or a
 * device there is refused for every command, before anything reads it:
 * opened, a FIFO would wait for a writer with the home locked.
 */
static int server_files_check(ps_home *h, ps_error *err)
{
    for (size_t r = 0; r < h->nruntimes; r++) {
        char *dir = ps_path_join(h->path, h->runtimes[r].name);
        if (!dir)
            return ps_error_oom(err);
        int rc = ps_pid_file_check(dir, err);
        free(dir);
        if (rc < 0)
            return -1;
        char **scripts;
        size_t n;
        if (ps_start_scripts(&scripts, &n, h, r, err) < 0)
            return -1;
        for (size_t i = 0; i < n; i++)
            free(scripts[i]);
        free(scripts);
    }
    return 0;
}

int ps_detect(ps_home **out, const ps_catalog *cat, const char *path, ps_error *err)
{
    struct stat st;
    if (stat(path, &st) < 0)
        return ps_error_set(err, path, 0, 0, "cannot open home: %s", strerror(errno));
    if (!S_ISDIR(st.st_mode))
        return ps_error_set(err, path, 0, 0, "not a directory");
    int oom = 0;
    char *outer = enclosing_home(path, &oom);
    if (oom)
        return ps_error_oom(err);
    if (outer) {
        ps_error_set(err, path, 0, 0,
                     "inside the Carbon home %s: name the home (or an EI profile under wso2/)",
                     outer);
        free(outer);
        return -1;
    }

    /* Carbon 4 products keep config in repository/conf; EI 6.x and MI in conf/. */
    static const char *const conf_dirs[] = {"repository/conf", "conf"};
    const char *conf = NULL;
    ps_mode mode = PS_MODE_XML;
    for (size_t i = 0; i < 2 && !conf && !oom; i++) {
        char *toml = ps_path_join(conf_dirs[i], "deployment.toml");
        char *cxml = ps_path_join(conf_dirs[i], "carbon.xml");
        if (!toml || !cxml) {
            oom = 1;
        } else if (exists(path, toml, &oom)) {
            conf = conf_dirs[i];
            mode = PS_MODE_TOML;
        } else if (exists(path, cxml, &oom)) {
            conf = conf_dirs[i];
        }
        free(toml);
        free(cxml);
    }
    if (oom)
        return ps_error_oom(err);
    if (!conf)
        return ps_error_set(err, path, 0, 0,
                            "not a Carbon home: no repository/conf/carbon.xml, conf/carbon.xml "
                            "or deployment.toml");
    ps_toml *toml = NULL;
    if (mode == PS_MODE_TOML) {
        char *rel = ps_path_join(conf, "deployment.toml");
        toml = rel ? read_toml(path, rel, &oom) : NULL;
        oom |= !rel;
        free(rel);
    }
    char *cxml_rel = ps_path_join(conf, "carbon.xml");
    const ps_product *product =
        cxml_rel && !oom ? detect_product(cat, path, cxml_rel, toml, &oom) : NULL;
    oom |= !cxml_rel;
    free(cxml_rel);
    if (toml)
        ps_toml_free(toml);
    free(toml);
    if (oom)
        return ps_error_oom(err);
    if (!product)
        return ps_error_set(err, path, 0, 0, "no product in the catalog matches this home");

    ps_home *h = ps_calloc(1, sizeof *h);
    if (!h)
        return ps_error_oom(err);
    size_t plen = strlen(path);
    while (plen > 1 && path[plen - 1] == '/')
        plen--;
    h->mode = mode;
    if (!(h->path = ps_strndup(path, plen)) ||
        !(h->runtimes = ps_calloc(1 + product->profile_paths.count, sizeof *h->runtimes))) {
        ps_home_free(h);
        return ps_error_oom(err);
    }
    ps_runtime *rt = &h->runtimes[h->nruntimes++];
    rt->product = product;
    rt->mode = mode;
    oom = !(rt->name = ps_strdup("")) || !(rt->conf_rel = ps_strdup(conf)) ||
          !(rt->deploy_rel = ps_strdup("repository/deployment/server"));
    if (!oom && mode == PS_MODE_TOML &&
        exists(h->path, "repository/resources/conf/templates", &oom))
        oom = !(rt->templates_rel = ps_strdup("repository/resources/conf/templates"));
    if (oom || !(rt->version = folder_version(product, h->path)) ||
        add_profiles(cat, h, product) < 0) {
        ps_home_free(h);
        return ps_error_oom(err);
    }
    if (server_files_check(h, err) < 0) {
        ps_home_free(h);
        return -1;
    }
    *out = h;
    return 0;
}

void ps_home_free(ps_home *home)
{
    if (!home)
        return;
    for (size_t i = 0; i < home->nruntimes; i++) {
        free(home->runtimes[i].name);
        free(home->runtimes[i].conf_rel);
        free(home->runtimes[i].deploy_rel);
        free(home->runtimes[i].version);
        free(home->runtimes[i].templates_rel);
    }
    free(home->runtimes);
    free(home->path);
    free(home);
}
