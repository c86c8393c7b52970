/*
 * Loading a host's homes: which distinct homes the call names, then each
 * home detected, its config files read, what an apply killed while staging
 * left removed (a call that writes), and its sites found, on several
 * threads (ps_ordered_map); the host then takes every home's parts in
 * order. Its locks are taken before (host.c, hold_homes).
 */
#include "host/host.h"
#include "host/startfile.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/error.h"
#include "base/ordered.h"
#include "base/path.h"
#include "detect/detect.h"
#include "load/config.h"
#include "model/model.h"
#include "parse/xmldoc.h"
#include "sites/sites.h"
#include "write/recover.h"

/*
 * Which homes the call names: each argument a home, or a runtime inside
 * one; a home named twice (by any path) is loaded once. Each argument's
 * folder is looked up once: comparing every pair by path would stat the
 * homes n^2 times. *paths gets each distinct home's path, as first named.
 */
static int name_homes(ps_host *h, char ***paths, ps_error *err)
{
    *paths = ps_calloc(h->nargs + 1, sizeof **paths);
    struct stat *ids = ps_calloc(h->nargs + 1, sizeof *ids); /* per home: its folder */
    int rc = *paths && ids ? 0 : ps_error_oom(err);
    for (size_t i = 0; i < h->nargs && rc == 0; i++) {
        ps_host_arg *a = &h->args[i];
        char *path = ps_host__split_runtime(a->path, &a->runtime);
        if (!path) {
            rc = ps_error_oom(err);
            break;
        }
        struct stat st;
        int known = stat(path, &st) == 0;
        size_t k = 0;
        while (k < h->nhomes &&
               !(known && ids[k].st_dev == st.st_dev && ids[k].st_ino == st.st_ino))
            k++;
        if (k == h->nhomes) {
            (*paths)[h->nhomes++] = path;
            ids[k] = st;
        } else {
            free(path);
        }
        a->home = k;
        for (size_t j = 0; j < i; j++) {
            const ps_host_arg *b = &h->args[j];
            int same_rt = (!a->runtime && !b->runtime) ||
                          (a->runtime && b->runtime && strcmp(a->runtime, b->runtime) == 0);
            if (b->home == k && same_rt &&
                (a->has_target != b->has_target || a->target != b->target)) {
                rc = ps_error_setc(err, PS_EINVALID, a->path, 0, 0,
                                   "named twice with different offsets");
                break;
            }
        }
    }
    free(ids);
    return rc;
}

/* A runtime an argument names (HOME/wso2/broker) is one its home has. */
static int check_runtimes(const ps_host *h, ps_error *err)
{
    for (size_t i = 0; i < h->nargs; i++) {
        const ps_host_arg *a = &h->args[i];
        if (!a->runtime)
            continue;
        const ps_home *home = h->homes[a->home];
        size_t r = 0;
        while (r < home->nruntimes && strcmp(home->runtimes[r].name, a->runtime) != 0)
            r++;
        if (r == home->nruntimes)
            return ps_error_setc(err, PS_EINVALID, a->path, 0, 0, "not a runtime of %s",
                                 home->path);
    }
    return 0;
}

/* The targets the call asked for, on the unit of home `home`. */
static void set_targets(ps_host *h, ps_unit *unit, size_t home)
{
    for (size_t i = 0; i < h->nargs; i++) {
        const ps_host_arg *a = &h->args[i];
        if (a->home != home || !a->has_target)
            continue;
        if (!a->runtime) {
            unit->home_has_target = 1;
            unit->home_target = a->target;
        } else if (strcmp(a->runtime, unit->rt->name) == 0) {
            unit->has_target = 1;
            unit->target = a->target;
        }
    }
}

/*
 * Staged files of an apply killed while staging (no record names them) go
 * before an apply reads a home: they sit beside the home's config files.
 * The folders the load listed and found no hidden name in hold none: only
 * the others are listed again (with the home folder, which holds records).
 */
static int remove_staged(const ps_host *h, const char *home, const ps_config *cfgs, size_t n,
                         ps_error *err)
{
    long held = ps_locks_find(&h->locks, home);
    if (held < 0)
        return ps_error_set(err, home, 0, 0, "not held: cannot remove what an apply left");
    const char **rels = NULL;
    size_t nrels = 0, cap = 0;
    for (size_t u = 0; u < n; u++)
        for (size_t i = 0; i < cfgs[u].nfiles; i++) {
            if (cfgs[u].files[i].listed)
                continue;
            const char **slot = PS_TRY_PUSH(rels, nrels, cap);
            if (!slot) {
                free(rels);
                return ps_error_oom(err);
            }
            *slot = cfgs[u].files[i].rel;
        }
    int rc = ps_recover_staged(h->locks.items[held].fd, home, rels, nrels, err);
    free(rels);
    return rc;
}

/*
 * A runtime whose current offset already pushes a port past 65535 is no
 * server that can start, and a plan from it would set the offset alone (a
 * port past the range follows nothing): refused at the offset setting, or at
 * the listener when the offset is the product's default.
 */
static int current_offset_usable(const ps_home *home, const ps_sites *ss, ps_error *err)
{
    ps_listeners l;
    if (ps_listeners_at(&l, ss, ss->offset) < 0)
        return ps_error_oom(err);
    int rc = 0;
    if (!l.usable) {
        const ps_site *bad = &ss->items[l.items[l.bad].site];
        const ps_site *at = bad;
        if (ss->offset_site >= 0 && !ss->items[ss->offset_site].insert)
            at = &ss->items[ss->offset_site];
        char *where = bad->file ? ps_asprintf(" (%s:%d)", bad->file->rel, bad->line) : NULL;
        rc = ps_error_setc(err, PS_ERANGE, at->file ? at->file->path : home->path, at->line,
                           at->col, "offset %ld already moves %s %ld%s to %ld, past %ld",
                           ss->offset, bad->what && *bad->what ? bad->what : "port", bad->value,
                           where ? where : "", l.items[l.bad].port, PS_PORT_MAX);
        free(where);
    }
    ps_listeners_free(&l);
    return rc;
}

/* One home's load: detect -> load -> sites for each of its runtimes. */
typedef struct home_job {
    const char *path;
    size_t index; /* among the call's distinct homes */
    ps_home *home;
    ps_config *cfgs; /* per runtime */
    ps_sites *sites; /* per runtime */
} home_job;

static void home_job_free(home_job *j)
{
    /* Both arrays or neither hold anything: load_home fills them only once
     * it has both. */
    for (size_t r = 0; j->home && j->cfgs && j->sites && r < j->home->nruntimes; r++) {
        ps_sites_free(&j->sites[r]);
        ps_config_free(&j->cfgs[r]);
    }
    free(j->sites);
    free(j->cfgs);
    ps_home_free(j->home);
    j->home = NULL;
    j->cfgs = NULL;
    j->sites = NULL;
}

/*
 * The start files that belong to home j, each to the runtime it starts: an
 * EI profile when the path it names is in that profile's folder or is one
 * of its start scripts (bin/broker.sh), else the home's main runtime. Each
 * start file belongs to one home: only that home's thread takes it.
 * -1 when out of memory (the file not taken stays the host's, to free).
 */
static int take_start_files(const ps_host *h, home_job *j, ps_error *err)
{
    for (size_t i = 0; i < h->nstarts; i++) {
        ps_start_file *f = &h->starts[i];
        if (f->home != j->index)
            continue;
        size_t r = j->home->nruntimes;
        while (--r > 0 && f->named) {
            const char *name = j->home->runtimes[r].name;
            if (ps_path_under(f->named, name))
                break;
            const ps_config *cfg = &j->cfgs[r];
            size_t k = 0;
            while (k < cfg->nfiles && !(cfg->files[k].is_script && !cfg->files[k].outside &&
                                        strcmp(cfg->files[k].rel, f->named) == 0))
                k++;
            if (k < cfg->nfiles)
                break;
        }
        if (ps_config_add_start_file(&j->cfgs[r], f->path, f->real, f->data, f->len) < 0)
            return ps_error_oom(err);
        f->data = NULL;
    }
    return 0;
}

/*
 * Loads one home. Once its sites are found, it keeps only them and the
 * names of the files they sit in (ps_sites_settle): so the memory of a call
 * is that of the homes in flight plus a few KiB a home. Touches nothing but
 * `j` and the home's own files: homes load in parallel.
 */
static int load_home(const ps_host *h, home_job *j, unsigned flags, ps_error *err)
{
    if (ps_detect(&j->home, h->cat, j->path, err) < 0)
        return -1;
    size_t n = j->home->nruntimes;
    j->cfgs = ps_calloc(n + 1, sizeof *j->cfgs);
    j->sites = ps_calloc(n + 1, sizeof *j->sites);
    if (!j->cfgs || !j->sites)
        return ps_error_oom(err);
    if (ps_config_load_home(j->cfgs, j->home, err) < 0)
        return -1;
    if ((flags & PS_HOST_WRITE) && remove_staged(h, j->path, j->cfgs, n, err) < 0)
        return -1;
    for (size_t i = 0; (flags & PS_HOST_WRITE) && i < h->nstarts; i++)
        if (h->starts[i].home == j->index && ps_recover_staged_beside(h->starts[i].real, err) < 0)
            return -1;
    if (take_start_files(h, j, err) < 0)
        return -1;
    for (size_t r = 0; r < n; r++) {
        /* The main runtime comes first; its profiles share its version. */
        const char *home_version = r ? j->sites[0].version : NULL;
        if (ps_sites_find_flags(&j->sites[r], h->cat, &j->home->runtimes[r], &j->cfgs[r],
                                home_version, h->sites_flags, err) < 0 ||
            current_offset_usable(j->home, &j->sites[r], err) < 0)
            return -1;
    }
    for (size_t r = 0; r < n; r++)
        if (ps_sites_settle(&j->sites[r], &j->cfgs[r]) < 0)
            return ps_error_oom(err);
    return 0;
}

/* The homes of a call, for ps_ordered_map. */
typedef struct load_run {
    const ps_host *h;
    unsigned flags;
    home_job *jobs;
} load_run;

static void *load_one(void *ctx, size_t i, ps_error *err)
{
    load_run *run = ctx;
    return load_home(run->h, &run->jobs[i], run->flags, err) == 0 ? &run->jobs[i] : NULL;
}

static void keep_home(void *ctx, size_t i, void *job)
{
    (void)ctx, (void)i, (void)job; /* the host takes every home at the end */
}

static void drop_home(void *ctx, void *job)
{
    (void)ctx;
    home_job_free(job);
}

/* Every runtime of every home, as units in the order the homes were named. */
int ps_host__load_homes(ps_host *h, unsigned flags, unsigned jobs, ps_error *err)
{
    char **paths;
    int rc = name_homes(h, &paths, err);
    if (rc < 0) {
        ps_free_strings(paths, h->nhomes);
        h->nhomes = 0;
        return -1;
    }
    if (ps_start_files_read(&h->starts, &h->nstarts, (const char *const *)h->start_paths,
                            h->nstart_paths, (const char *const *)paths, h->nhomes, err) < 0) {
        ps_free_strings(paths, h->nhomes);
        h->nhomes = 0;
        return -1;
    }
    load_run q = {.h = h, .flags = flags};
    q.jobs = ps_calloc(h->nhomes + 1, sizeof *q.jobs);
    if (!q.jobs) {
        ps_free_strings(paths, h->nhomes);
        h->nhomes = 0;
        return ps_error_oom(err);
    }
    for (size_t k = 0; k < h->nhomes; k++) {
        q.jobs[k].path = paths[k];
        q.jobs[k].index = k;
    }
    ps_xml_init(); /* libxml2's main thread is the one that initialises it: this one */
    /* A failed home stops the call: the homes after it that are started
     * anyway are few (the window), whatever the number of homes. */
    rc = ps_ordered_map(h->nhomes, jobs, 2 * (size_t)ps_jobs_for(jobs, h->nhomes), load_one,
                        keep_home, drop_home, &q, err);
    /* The host takes every home's parts, in order; a failed call frees them. */
    size_t total = 0;
    for (size_t k = 0; k < h->nhomes; k++)
        total += q.jobs[k].home ? q.jobs[k].home->nruntimes : 0;
    h->homes = ps_calloc(h->nhomes + 1, sizeof *h->homes);
    h->configs = ps_calloc(total + 1, sizeof *h->configs);
    h->sites = ps_calloc(total + 1, sizeof *h->sites);
    h->units = ps_calloc(total + 1, sizeof *h->units);
    if (rc == 0 && (!h->homes || !h->configs || !h->sites || !h->units))
        rc = ps_error_oom(err);
    for (size_t k = 0; k < h->nhomes && rc == 0; k++) {
        home_job *j = &q.jobs[k];
        h->homes[k] = j->home;
        for (size_t r = 0; r < j->home->nruntimes; r++) {
            size_t u = h->nunits++;
            h->configs[u] = j->cfgs[r];
            h->sites[u] = j->sites[r];
            h->units[u] = (ps_unit){.home = j->home,
                                    .rt = &j->home->runtimes[r],
                                    .cfg = &h->configs[u],
                                    .sites = &h->sites[u]};
            set_targets(h, &h->units[u], k);
        }
        free(j->cfgs);
        free(j->sites);
        *j = (home_job){0};
    }
    for (size_t k = 0; k < h->nhomes; k++)
        home_job_free(&q.jobs[k]);
    free(q.jobs);
    ps_free_strings(paths, h->nhomes);
    if (rc < 0) {
        h->nhomes = 0; /* none is the host's */
        return -1;
    }
    return check_runtimes(h, err);
}
