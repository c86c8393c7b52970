#include "load/config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/error.h"
#include "base/keyset.h"
#include "base/path.h"
#include "base/strbuf.h"
#include "detect/scripts.h"

/* Carbon 5 writes .yaml (deployment.yaml); MSF4J's transports file is .yml. */
static int is_yaml_name(const char *name)
{
    return ps_path_has_suffix(name, ".yaml") || ps_path_has_suffix(name, ".yml");
}

/* A folder's entry as readdir gave it: d_type spares a stat of every name
 * (DT_UNKNOWN on file systems that do not fill it in: stat'ed then). */
typedef struct entry {
    char *name;
    unsigned char type;
} entry;

static int cmp_entries(const void *a, const void *b)
{
    return strcmp(((const entry *)a)->name, ((const entry *)b)->name);
}

/*
 * Folders a walk holds open at once. Each folder is opened from its parent's
 * descriptor (openat), so the kernel resolves one name per folder, not the
 * whole path again at every level, which made deep trees quadratic. Only the
 * deepest WALK_FDS folders of the current path keep their descriptors: one
 * further up has lost its own when the walk comes back to it, and reopens
 * it by path (once, for its next child) if it has children left. A chain of
 * 1,600 folders thus never holds more than WALK_FDS descriptors.
 */
#define WALK_FDS 32

/* One folder being walked. */
typedef struct frame {
    DIR *d;         /* NULL once a folder WALK_FDS deeper closed it */
    struct stat st; /* the folder, so one reopened by path is checked to be it */
    size_t sublen;  /* its path relative to the root: the walker's sub[0, sublen) */
    size_t slot;    /* its place in the walker's ring */
} frame;

/* What one home may hold in scope, summed over its runtimes. */
typedef struct budget {
    const char *home;
    size_t entries, bytes;
} budget;

/* A place under one of a runtime's two roots (its config folder, its deployment folder). */
typedef struct place {
    ps_root root;
    const char *root_dir; /* relative to the home; borrowed from the runtime */
    char *sub;            /* relative to root_dir */
} place;

/*
 * The walk of one runtime's folders. Every real folder and every config file
 * is taken once: the walk remembers (st_dev, st_ino) of each, so a symlink
 * loop (conf/x -> .) ends and an alias of a folder or file already taken is
 * skipped. Real paths are walked first and symlinks followed only after, so
 * a file reachable both ways keeps its real name, the one catalog rules know
 * it by (conf/aaa -> tomcat must not turn tomcat/catalina-server.xml into
 * aaa/catalina-server.xml). Skipping is silent: nothing is lost, the file is
 * read and planned once, and apply writes through a symlink, so the alias
 * sees the new bytes too.
 */
typedef struct walker {
    const char *home;
    const ps_home *owner; /* the home walked, for its runtimes' folders */
    const ps_runtime *rt;
    budget *budget;
    ps_keyset seen;  /* folders walked, config files taken */
    ps_keyset above; /* the folders above each root: a symlink to one is a loop */
    place *files;    /* to read, in walk order */
    size_t nfiles, fcap;
    place *links; /* symlinks met, followed once every real path is walked */
    size_t nlinks, lcap;
    ps_strbuf sub;        /* the folder walked, relative to its root_dir */
    DIR **ring[WALK_FDS]; /* the open folders of the deepest frames, by depth % WALK_FDS */
    size_t depth;         /* frames open */
    ps_error *err;
    int oom;    /* a helper with no error to return ran out of memory */
    int hidden; /* a folder it listed held a name beginning with '.' (see ps_cfile.listed) */
} walker;

static int walk_oom(walker *w)
{
    w->oom = 1;
    return ps_error_oom(w->err);
}

static int is_config_name(const walker *w, const char *name)
{
    return ps_path_has_suffix(name, ".xml") || ps_path_has_suffix(name, ".properties") ||
           (w->rt->carbon5 && is_yaml_name(name));
}

/* NULL (w->oom) when out of memory. */
static char *place_path(walker *w, const place *p)
{
    char *rel = ps_path_join(p->root_dir, p->sub);
    char *path = rel ? ps_path_join(w->home, rel) : NULL;
    free(rel);
    w->oom |= !path;
    return path;
}

static int push_place(walker *w, place **arr, size_t *n, size_t *cap, const place *at,
                      const char *sub)
{
    char *copy = ps_strdup(sub);
    place *p = copy ? PS_TRY_PUSH(*arr, *n, *cap) : NULL;
    if (!p) {
        free(copy);
        return walk_oom(w);
    }
    *p = (place){at->root, at->root_dir, copy};
    return 0;
}

/* Counts `size` more bytes towards the home's limit. */
static int charge_bytes(walker *w, size_t size)
{
    w->budget->bytes += size;
    if (w->budget->bytes > PS_MAX_HOME_BYTES)
        return ps_error_set(w->err, w->budget->home, 0, 0,
                            "too much config: more than %zu MiB of config files",
                            PS_MAX_HOME_BYTES >> 20);
    return 0;
}

/* Takes a config file; `st` is NULL when it cannot be stat'ed (reading it reports why). */
static int take_file(walker *w, const place *at, const struct stat *st)
{
    if (st && charge_bytes(w, (size_t)st->st_size) < 0)
        return -1;
    return push_place(w, &w->files, &w->nfiles, &w->fcap, at, at->sub);
}

/* What makes a folder a Carbon home (as ps_detect decides); a .j2 template is none. */
static const char *const home_marks[] = {"repository/conf/carbon.xml",
                                         "repository/conf/deployment.toml", "conf/carbon.xml",
                                         "conf/deployment.toml"};

/* 1 when `st` is the folder of one of the home's runtimes (the home, an EI profile). */
static int runtime_folder(walker *w, const struct stat *st)
{
    for (size_t r = 0; r < w->owner->nruntimes; r++) {
        char *dir = ps_path_join(w->home, w->owner->runtimes[r].name);
        if (!dir) {
            w->oom = 1;
            return 1; /* no answer: the caller fails */
        }
        struct stat rt;
        int same = stat(dir, &rt) == 0 && rt.st_dev == st->st_dev && rt.st_ino == st->st_ino;
        free(dir);
        if (same)
            return 1;
    }
    return 0;
}

/* The folder being walked, as messages name it: the home's path as given,
 * the root's folder, the path below it. NULL (w->oom) when out of memory. */
static char *sub_path(walker *w, const place *at)
{
    return place_path(w, &(place){at->root, at->root_dir, w->sub.data ? w->sub.data : ""});
}

/*
 * A folder in scope that holds a Carbon home of its own (a home copied
 * into another's conf/, or a symlink to one) would be edited as part of the
 * home walked: refused, naming both. Only a folder with a child named conf
 * or repository is looked at.
 */
static int nested_home(walker *w, const place *at, int dfd, const struct stat *st,
                       const entry *names, size_t n)
{
    size_t k = 0;
    while (k < n && strcmp(names[k].name, "conf") != 0 && strcmp(names[k].name, "repository") != 0)
        k++;
    if (k == n)
        return 0;
    for (size_t i = 0; i < sizeof home_marks / sizeof home_marks[0]; i++) {
        struct stat ms;
        if (fstatat(dfd, home_marks[i], &ms, 0) < 0 || runtime_folder(w, st)) {
            if (w->oom)
                return walk_oom(w);
            continue;
        }
        char *dir = sub_path(w, at);
        if (!dir)
            return walk_oom(w);
        ps_error_set(w->err, dir, 0, 0,
                     "a Carbon home of its own (%s) inside the config folders of %s: "
                     "move it out of %s, then name each home",
                     home_marks[i], w->home, w->home);
        free(dir);
        return -1;
    }
    return 0;
}

/* "cannot open" for the folder being walked (or a child: `at`'s sub). */
static int open_error(walker *w, const place *at, int errnum)
{
    char *dir = sub_path(w, at);
    if (!dir)
        return walk_oom(w);
    ps_error_set(w->err, dir, 0, 0, "cannot open: %s", strerror(errnum));
    free(dir);
    return -1;
}

/* The frame's folder, reopened by path when a deeper one took its descriptor
 * (see WALK_FDS); -1 with the error set. w->sub must be the frame's path. */
static int frame_fd(walker *w, const place *at, frame *fr)
{
    if (fr->d)
        return dirfd(fr->d);
    char *dir = sub_path(w, at);
    if (!dir)
        return walk_oom(w);
    struct stat st;
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NONBLOCK);
    int rc = fd < 0 ? ps_error_set(w->err, dir, 0, 0, "cannot open: %s", strerror(errno)) : 0;
    if (rc == 0 && (fstat(fd, &st) < 0 || st.st_dev != fr->st.st_dev || st.st_ino != fr->st.st_ino))
        rc = ps_error_set(w->err, dir, 0, 0,
                          "changed while portshift was reading it; run portshift again");
    if (rc == 0 && !(fr->d = fdopendir(fd)))
        rc = ps_error_set(w->err, dir, 0, 0, "cannot open: %s", strerror(errno));
    if (rc < 0 && fd >= 0)
        close(fd);
    free(dir);
    if (rc < 0)
        return -1;
    w->ring[fr->slot] = &fr->d; /* its slot is free: every deeper frame has ended */
    return dirfd(fr->d);
}

static int walk_fd(walker *w, const place *at, int fd);

/* One entry of a folder, `at` naming it (w->sub is its path); `dfd` the folder. */
static int walk_entry(walker *w, const place *at, int dfd, const entry *e)
{
    int cfg = is_config_name(w, e->name);
    unsigned char type = e->type;
    if (type != DT_UNKNOWN && type != DT_DIR && type != DT_LNK && !cfg)
        return 0; /* a file portshift does not read */
    struct stat st;
    if (type == DT_UNKNOWN || (type != DT_DIR && type != DT_LNK)) {
        if (fstatat(dfd, e->name, &st, AT_SYMLINK_NOFOLLOW) <
            0) /* gone since readdir: reading it says so */
            return cfg ? take_file(w, at, NULL) : 0;
        type = S_ISLNK(st.st_mode) ? DT_LNK : S_ISDIR(st.st_mode) ? DT_DIR : DT_REG;
    }
    if (type == DT_LNK)
        return push_place(w, &w->links, &w->nlinks, &w->lcap, at, at->sub);
    if (type == DT_DIR) {
        int cfd =
            openat(dfd, e->name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
        if (cfd < 0 && errno == ELOOP) /* a symlink since readdir: followed with the others */
            return push_place(w, &w->links, &w->nlinks, &w->lcap, at, at->sub);
        if (cfd < 0) /* a folder that does not exist is empty */
            return errno == ENOENT || errno == ENOTDIR ? 0 : open_error(w, at, errno);
        return walk_fd(w, at, cfd);
    }
    if (!cfg)
        return 0;
    /* A second hard link is taken too: apply replaces each name by rename, so
     * a name left out would keep the old bytes. */
    return ps_keyset_add(&w->seen, st.st_dev, st.st_ino) < 0 ? walk_oom(w) : take_file(w, at, &st);
}

/* Reads the folder's names (not . and .., nor our own .name.portshift-XXXXXX temp files). */
static int read_entries(walker *w, DIR *d, entry **names, size_t *n)
{
    size_t cap = 0;
    for (struct dirent *de; (de = readdir(d));) {
        if (de->d_name[0] == '.') {
            w->hidden |= strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0;
            continue;
        }
        if (++w->budget->entries > PS_MAX_HOME_ENTRIES)
            return ps_error_set(w->err, w->budget->home, 0, 0,
                                "too many files: more than %d files and folders in the config "
                                "folders",
                                PS_MAX_HOME_ENTRIES);
        char *name = ps_strdup(de->d_name);
        entry *slot = name ? PS_TRY_PUSH(*names, *n, cap) : NULL;
        if (!slot) {
            free(name);
            return walk_oom(w);
        }
        *slot = (entry){name, de->d_type};
    }
    return 0;
}

/*
 * Walks the folder open as `fd` (which it closes) in name order; `at` names
 * it (root and root_dir; w->sub is its path below root_dir).
 */
static int walk_fd(walker *w, const place *at, int fd)
{
    frame fr = {.sublen = w->sub.len, .slot = w->depth % WALK_FDS};
    if (w->ring[fr.slot] && *w->ring[fr.slot]) { /* the frame WALK_FDS up gives its descriptor */
        closedir(*w->ring[fr.slot]);
        *w->ring[fr.slot] = NULL;
    }
    if (!(fr.d = fdopendir(fd))) {
        int errnum = errno;
        close(fd);
        return open_error(w, at, errnum);
    }
    w->ring[fr.slot] = &fr.d;
    w->depth++;
    entry *names = NULL;
    size_t n = 0;
    int added = fstat(fd, &fr.st) < 0 ? 0 : ps_keyset_add(&w->seen, fr.st.st_dev, fr.st.st_ino);
    int rc = added < 0 ? walk_oom(w) : 0; /* not added: walked already, a loop or an alias */
    if (added > 0)
        rc = read_entries(w, fr.d, &names, &n);
    if (added > 0 && rc == 0)
        rc = nested_home(w, at, fd, &fr.st, names, n);
    ps_sort(names, n, sizeof *names, cmp_entries);
    for (size_t i = 0; i < n && rc == 0; i++) {
        int dfd = frame_fd(w, at, &fr);
        if (dfd < 0) {
            rc = -1;
            break;
        }
        if (fr.sublen)
            ps_strbuf_add(&w->sub, "/", 1);
        ps_strbuf_puts(&w->sub, names[i].name);
        place child = {at->root, at->root_dir, w->sub.data};
        rc = ps_strbuf_oom(&w->sub) ? walk_oom(w) : walk_entry(w, &child, dfd, &names[i]);
        if (w->sub.data) { /* back to this folder */
            w->sub.len = fr.sublen;
            w->sub.data[fr.sublen] = '\0';
        }
    }
    for (size_t i = 0; i < n; i++)
        free(names[i].name);
    free(names);
    if (fr.d)
        closedir(fr.d);
    w->ring[fr.slot] = NULL;
    w->depth--;
    return rc;
}

/* Walks the folder `at` names, opened by its path (a root, or a symlinked
 * folder: links in it followed); a folder that does not exist is empty. */
static int walk(walker *w, const place *at)
{
    char *dir = place_path(w, at);
    if (!dir)
        return walk_oom(w);
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NONBLOCK);
    int rc = 0;
    if (fd < 0 && errno != ENOENT && errno != ENOTDIR)
        rc = ps_error_set(w->err, dir, 0, 0, "cannot open: %s", strerror(errno));
    free(dir);
    if (fd < 0)
        return rc;
    w->sub.len = 0;
    ps_strbuf_puts(&w->sub, at->sub);
    if (ps_strbuf_oom(&w->sub)) {
        close(fd);
        return walk_oom(w);
    }
    return walk_fd(w, at, fd);
}

/* The symlinks met, in the order met; walking a linked folder may add more. */
static int follow_links(walker *w)
{
    int rc = 0;
    for (size_t i = 0; i < w->nlinks && rc == 0; i++) {
        place link = w->links[i]; /* a copy: walk() may move the array */
        char *full = place_path(w, &link);
        const char *name = strrchr(link.sub, '/') ? strrchr(link.sub, '/') + 1 : link.sub;
        struct stat st;
        int added;
        if (!full)
            rc = walk_oom(w);
        else if (stat(full, &st) < 0) /* dangling: a missing config file, if it is named like one */
            rc = is_config_name(w, name) ? take_file(w, &link, NULL) : 0;
        else if (S_ISDIR(st.st_mode)) {
            if (!ps_keyset_has(&w->above, st.st_dev, st.st_ino))
                rc = walk(w, &link);
        } else if (is_config_name(w, name) &&
                   (added = ps_keyset_add(&w->seen, st.st_dev, st.st_ino)) != 0) {
            rc = added < 0 ? walk_oom(w) : take_file(w, &link, &st);
        }
        free(full);
    }
    return rc;
}

/* Out of memory: w->oom. */
static void note_folder(walker *w, const char *path)
{
    struct stat st;
    if (!path)
        w->oom = 1;
    else if (stat(path, &st) == 0 && ps_keyset_add(&w->above, st.st_dev, st.st_ino) < 0)
        w->oom = 1;
}

/* Remembers every folder above the root `at`: the home and the folders
 * between it and the root as named, and every parent up to the file system's
 * root as the kernel resolves "..", which differ when the root is a symlink. */
static void note_above(walker *w, const place *at)
{
    note_folder(w, w->home);
    char *root = ps_path_join(at->root_dir, at->sub);
    w->oom |= !root;
    for (const char *slash = root ? strchr(root, '/') : NULL; slash && !w->oom;
         slash = strchr(slash + 1, '/')) {
        char *rel = ps_strndup(root, (size_t)(slash - root));
        char *path = rel ? ps_path_join(w->home, rel) : NULL;
        note_folder(w, path);
        free(path);
        free(rel);
    }
    free(root);
    char *dir = w->oom ? NULL : place_path(w, at);
    struct stat st, prev = {0};
    for (int depth = 0; dir && depth < 4096; depth++) {
        char *up = ps_path_join(dir, "..");
        free(dir);
        dir = up;
        w->oom |= !dir;
        if (!dir || stat(dir, &st) < 0 ||
            (depth && st.st_dev == prev.st_dev && st.st_ino == prev.st_ino))
            break;
        if (ps_keyset_add(&w->above, st.st_dev, st.st_ino) < 0) {
            w->oom = 1;
            break;
        }
        prev = st;
    }
    free(dir);
}

/* 1 or 0; -1 when out of memory. */
static int is_generated(const walker *w, const ps_cfile *f)
{
    if (w->rt->mode != PS_MODE_TOML || f->is_toml)
        return 0;
    if (!w->rt->templates_rel) /* a config-only tree: assume the mapper owns conf/ */
        return f->root == PS_ROOT_CONF;
    char *tpl = ps_asprintf("%s/%s/%s.j2", w->home, w->rt->templates_rel, f->rel);
    if (!tpl)
        return -1;
    struct stat st;
    int gen = stat(tpl, &st) == 0;
    free(tpl);
    return gen;
}

static int walk_runtime(walker *w)
{
    place conf = {PS_ROOT_CONF, w->rt->conf_rel, ps_strdup("")};
    place synapse = {PS_ROOT_DEPLOYMENT, w->rt->deploy_rel, ps_strdup("synapse-configs")};
    w->oom |= !conf.sub || !synapse.sub;
    if (!w->oom)
        note_above(w, &conf);
    if (!w->oom)
        note_above(w, &synapse);
    int rc = w->oom ? walk_oom(w) : 0;
    if (rc == 0 && w->rt->mode == PS_MODE_TOML) {
        place toml = {PS_ROOT_CONF, w->rt->conf_rel, ps_strdup("deployment.toml")};
        char *path = toml.sub ? place_path(w, &toml) : NULL;
        struct stat st;
        int found = path && stat(path, &st) == 0;
        if (!path || (found && ps_keyset_add(&w->seen, st.st_dev, st.st_ino) < 0))
            rc = walk_oom(w);
        else
            rc = take_file(w, &toml, found ? &st : NULL);
        free(path);
        free(toml.sub);
    }
    if (rc == 0)
        rc = walk(w, &conf);
    if (rc == 0)
        rc = walk(w, &synapse);
    if (rc == 0)
        rc = follow_links(w);
    free(conf.sub);
    free(synapse.sub);
    return rc;
}

static void walker_free(walker *w)
{
    for (size_t i = 0; i < w->nfiles; i++)
        free(w->files[i].sub);
    for (size_t i = 0; i < w->nlinks; i++)
        free(w->links[i].sub);
    free(w->files);
    free(w->links);
    ps_keyset_free(&w->seen);
    ps_keyset_free(&w->above);
    ps_strbuf_free(&w->sub);
}

int ps_cfile_xml(ps_cfile *f, ps_xml_need need, ps_error *err)
{
    if (!f->xml) {
        if (ps_xmldoc_lex(&f->xml, f->path, f->data, f->len, err) < 0)
            return -1;
        f->lexed = 1;
        f->nelems = f->xml->nelems;
        f->nattrs = f->xml->nattrs;
    }
    int rc = 0;
    if (need == PS_XML_CHECKED)
        rc = ps_xmldoc_check(f->xml, f->path, err);
    else if (need == PS_XML_TREE)
        rc = ps_xmldoc_tree(f->xml, f->path, err);
    f->checked = f->xml->checked;
    return rc;
}

/* Everything parsed from f's bytes goes; the bytes stay. */
static void release_parsed(ps_cfile *f)
{
    ps_lines_free(&f->lines);
    ps_xmldoc_free(f->xml);
    f->xml = NULL;
    ps_props_free(&f->props);
    ps_toml_free(&f->toml);
}

/* ps_cfile_parse, an XML file read as far as `need` when its bytes call for a strict reading. */
static int parse_as(ps_cfile *f, ps_xml_need need, ps_error *err)
{
    release_parsed(f);
    f->checked = 0;
    ps_lines_build(&f->lines, f->data, f->len);
    f->is_xml = !f->is_script && ps_path_has_suffix(f->rel, ".xml");
    if (f->is_script)
        return 0; /* any bytes: only its lines are read (sites/start.c) */
    if (f->is_xml)
        return ps_xmldoc_screen(f->data, f->len) ? ps_cfile_xml(f, need, err) : 0;
    if (f->is_toml)
        return ps_toml_parse(&f->toml, f->path, f->data, f->len, err);
    int rc = is_yaml_name(f->rel) ? ps_props_parse_yaml(&f->props, f->data, f->len)
                                  : ps_props_parse(&f->props, f->data, f->len);
    return rc < 0 ? ps_error_oom(err) : 0;
}

int ps_cfile_parse(ps_cfile *f, ps_error *err)
{
    return parse_as(f, PS_XML_CHECKED, err);
}

int ps_cfile_lex(ps_cfile *f, ps_error *err)
{
    return parse_as(f, PS_XML_SPANS, err);
}

static int cmp_files(const void *a, const void *b)
{
    return strcmp(((const ps_cfile *)a)->rel, ((const ps_cfile *)b)->rel);
}

/* Reads and parses the files the walk took, in the order it took them. */
static int read_runtime(walker *w, ps_config *cfg)
{
    size_t cap = 0;
    for (size_t i = 0; i < w->nfiles; i++) {
        const place *p = &w->files[i];
        ps_cfile *f = PS_TRY_PUSH(cfg->files, cfg->nfiles, cap);
        if (!f)
            return ps_error_oom(w->err);
        memset(f, 0, sizeof *f);
        f->root = p->root;
        f->listed = !w->hidden;
        f->is_toml = ps_path_has_suffix(p->sub, ".toml");
        if (!(f->rel = ps_path_join(p->root_dir, p->sub)) ||
            !(f->path = ps_path_join(w->home, f->rel)) || !(f->root_rel = ps_strdup(p->sub)) ||
            (f->generated = is_generated(w, f)) < 0)
            return ps_error_oom(w->err);
        if (ps_file_read(f->path, &f->data, &f->len, w->err) < 0 || ps_cfile_parse(f, w->err) < 0)
            return -1;
    }
    return 0;
}

/* The runtime's start scripts, read as they are: no walk, no rule names them.
 * They count towards the home's limits like its config files. */
static int read_scripts(walker *w, size_t r, ps_config *cfg)
{
    char **rels;
    size_t n, cap = cfg->nfiles;
    if (ps_start_scripts(&rels, &n, w->owner, r, w->err) < 0)
        return -1;
    int rc = 0;
    for (size_t i = 0; i < n; i++) {
        ps_cfile *f = rc == 0 ? PS_TRY_PUSH(cfg->files, cfg->nfiles, cap) : NULL;
        if (rc == 0 && !f)
            rc = ps_error_oom(w->err);
        if (f) {
            memset(f, 0, sizeof *f);
            f->rel = rels[i];
            f->root = PS_ROOT_BIN;
            f->is_script = 1;
            if (!(f->path = ps_path_join(w->home, f->rel)) || !(f->root_rel = ps_strdup(f->rel)))
                rc = ps_error_oom(w->err);
            else if (++w->budget->entries > PS_MAX_HOME_ENTRIES)
                rc = ps_error_set(w->err, w->budget->home, 0, 0,
                                  "too many files: more than %d start scripts and config files",
                                  PS_MAX_HOME_ENTRIES);
            else if (ps_file_read(f->path, &f->data, &f->len, w->err) < 0 ||
                     charge_bytes(w, f->len) < 0 || ps_cfile_parse(f, w->err) < 0)
                rc = -1;
        } else {
            free(rels[i]);
        }
    }
    free(rels);
    return rc;
}

int ps_config_load_home(ps_config *cfgs, const ps_home *home, ps_error *err)
{
    budget b = {.home = home->path};
    walker *ws = ps_calloc(home->nruntimes, sizeof *ws);
    if (!ws)
        return ps_error_oom(err);
    for (size_t k = 0; k < home->nruntimes; k++) {
        memset(&cfgs[k], 0, sizeof cfgs[k]);
        ws[k] = (walker){.home = home->path,
                         .owner = home,
                         .rt = &home->runtimes[k],
                         .budget = &b,
                         .sub = PS_STRBUF_INIT,
                         .err = err};
    }
    /* Every folder first, so a home over a limit is refused before any file is read. */
    int rc = 0;
    for (size_t k = 0; k < home->nruntimes && rc == 0; k++)
        rc = walk_runtime(&ws[k]);
    for (size_t k = 0; k < home->nruntimes && rc == 0; k++)
        rc = read_runtime(&ws[k], &cfgs[k]);
    for (size_t k = 0; k < home->nruntimes && rc == 0; k++) {
        rc = read_scripts(&ws[k], k, &cfgs[k]);
        ps_sort(cfgs[k].files, cfgs[k].nfiles, sizeof *cfgs[k].files, cmp_files);
    }
    for (size_t k = 0; k < home->nruntimes; k++) {
        walker_free(&ws[k]);
        if (rc < 0)
            ps_config_free(&cfgs[k]);
    }
    free(ws);
    return rc;
}

void ps_cfile_drop(ps_cfile *f)
{
    if (!f->data)
        return;
    release_parsed(f);
    f->digest = ps_bytes_digest(f->data, f->len);
    free(f->data);
    f->data = NULL;
}

int ps_cfile_bytes(const ps_cfile *f, char **data, size_t *len, ps_error *err)
{
    if (f->data) {
        if (!(*data = ps_malloc(f->len + 1)))
            return ps_error_oom(err);
        memcpy(*data, f->data, f->len + 1);
        *len = f->len;
        return 0;
    }
    if (ps_file_read(f->path, data, len, err) < 0)
        return -1;
    if (*len == f->len && ps_bytes_digest(*data, *len) == f->digest)
        return 0;
    free(*data);
    *data = NULL;
    return ps_error_set(err, f->path, 0, 0,
                        "changed while portshift was reading it; run portshift again");
}

ps_cfile ps_cfile_twin(const ps_cfile *f)
{
    return (ps_cfile){.rel = f->rel,
                      .path = f->path,
                      .root = f->root,
                      .root_rel = f->root_rel,
                      .is_toml = f->is_toml,
                      .is_script = f->is_script,
                      .outside = f->outside,
                      .generated = f->generated};
}

int ps_cfile_open(ps_cfile *copy, const ps_cfile *f, ps_error *err)
{
    *copy = ps_cfile_twin(f);
    if (ps_cfile_bytes(f, &copy->data, &copy->len, err) < 0)
        return -1;
    int rc = ps_cfile_parse(copy, err);
    if (rc == 0 && copy->is_xml)
        rc = ps_cfile_xml(copy, PS_XML_SPANS, err);
    if (rc < 0)
        ps_cfile_close(copy);
    return rc;
}

void ps_cfile_close(ps_cfile *copy)
{
    release_parsed(copy);
    free(copy->data);
    copy->data = NULL;
}

void ps_cfile_free(ps_cfile *f)
{
    free(f->rel);
    free(f->path);
    free(f->root_rel);
    free(f->data);
    release_parsed(f);
}

void ps_config_free(ps_config *cfg)
{
    for (size_t i = 0; i < cfg->nfiles; i++)
        ps_cfile_free(&cfg->files[i]);
    free(cfg->files);
    memset(cfg, 0, sizeof *cfg);
}

int ps_config_add_start_file(ps_config *cfg, const char *path, const char *real, char *data,
                             size_t len)
{
    ps_cfile add = {.rel = ps_strdup(real),
                    .path = ps_strdup(path),
                    .root = PS_ROOT_BIN,
                    .root_rel = ps_strdup(real),
                    .len = len,
                    .is_script = 1,
                    .outside = 1};
    size_t cap = cfg->nfiles;
    ps_cfile *f =
        add.rel && add.path && add.root_rel ? PS_TRY_PUSH(cfg->files, cfg->nfiles, cap) : NULL;
    if (!f) {
        ps_cfile_free(&add); /* data is not in it yet: still the caller's */
        return -1;
    }
    add.data = data;
    *f = add;
    /* a start file is any text: only its lines are read, so this cannot fail */
    ps_cfile_parse(f, NULL);
    ps_sort(cfg->files, cfg->nfiles, sizeof *cfg->files, cmp_files);
    return 0;
}

const ps_cfile *ps_config_find(const ps_config *cfg, ps_root root, const char *root_rel)
{
    for (size_t i = 0; i < cfg->nfiles; i++)
        if (cfg->files[i].root == root && strcmp(cfg->files[i].root_rel, root_rel) == 0)
            return &cfg->files[i];
    return NULL;
}
