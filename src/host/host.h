/*
 * The host: the homes of one call,
 * loaded once and held. It owns the session xmllint keeps in one struct:
 * which homes, in which order, at which targets, under which locks; every
 * command (plan, diff, apply, ports, check, batch) asks it, and the CLI
 * only parses arguments and prints. The public face is ps_host_* in
 * include/portshift/portshift.h; this header is for portshift's own layers.
 *
 * Loading: each home is locked before anything in it is read.
 * An apply locks exclusively and first finishes an apply a crash cut short;
 * the commands that only read share the lock and refuse a home where such
 * an apply waits to be finished.
 */
#ifndef PS_HOST_HOST_H
#define PS_HOST_HOST_H

#include <stddef.h>

#include <portshift/portshift.h>

#include "base/error.h"
#include "base/strbuf.h"
#include "catalog/catalog.h"
#include "host/machine.h"
#include "model/remote.h"
#include "write/lock.h"
#include "plan/plan.h"
#include "render/render.h"

/* A home (or a runtime of one) as the call named it. */
typedef struct ps_host_arg {
    char *path; /* as named */
    int has_target;
    long target;
    size_t home;   /* index into homes */
    char *runtime; /* a runtime inside the home (wso2/broker), or NULL for the home */
} ps_host_arg;

struct ps_host {
    const ps_catalog *cat;
    ps_catalog *own_cat; /* the built-in catalog, when the caller gave none */
    ps_host_arg *args;
    size_t nargs;
    ps_home **homes; /* distinct, in the order first named */
    size_t nhomes;
    ps_config *configs; /* per unit */
    ps_sites *sites;    /* per unit */
    ps_unit *units;     /* every runtime of every home, homes in order, main runtime first */
    size_t nunits;
    ps_locks locks; /* every home, from before it is read until ps_host_free */
    int writable;   /* opened with PS_HOST_WRITE: the locks are exclusive */
    ps_strbuf recovered;
    ps_diags warnings;  /* of an apply that landed: what went wrong after */
    char **start_paths; /* --start-file, as named */
    size_t nstart_paths;
    struct ps_start_file *starts; /* read and matched to their homes (host/startfile.h) */
    size_t nstarts;
    unsigned sites_flags; /* PS_SITES_*: what the homes' scan also finds */
    /* --with: the other hosts that join the call read-only, from their facts,
     * and this machine's names; with.fleet is NULL without them. */
    ps_fleet fleet;
    ps_with with;
    const char *machine[2];
    char hostname[PS_HOSTNAME_SIZE], fqdn[PS_FQDN_SIZE];
};

/* ps_host_open_jobs with catalog `cat` (borrowed; NULL: the built-in one). */
int ps_host_load(ps_host **out, const ps_catalog *cat, const ps_home_spec *homes, size_t n,
                 unsigned flags, unsigned jobs, ps_error *err);

/*
 * For the facts of a host: the homes loaded to be read only (opts->flags
 * is ignored: shared locks, nothing finished or written), each runtime's
 * sites with every reference to any host (ps_sites.hostrefs). The same
 * errors as ps_host_open_opts.
 */
int ps_host_load_facts(ps_host **out, const ps_home_spec *homes, size_t n,
                       const ps_host_options *opts, ps_error *err);

/* HOME/wso2/<profile> names a runtime of an EI home: split it into the two.
 * NULL (and no runtime) when out of memory. For host.c and homes.c. */
char *ps_host__split_runtime(const char *path, char **runtime);

/* Loads the homes the call names into `h` (homes.c), `jobs` at once, after
 * their locks are held; -1 (no home the host's) with the error set. */
int ps_host__load_homes(ps_host *h, unsigned flags, unsigned jobs, ps_error *err);

/*
 * Writes what `files` (rendered from a plan of this host, opened with
 * PS_HOST_WRITE) hold: removes what an apply killed while staging left, then
 * refuses a home whose server runs (unless PS_HOST_FORCE), then replaces
 * every file or none (PS_APPLY_BACKUP in `apply_flags` keeps originals).
 * A host opened without PS_HOST_WRITE is refused (PS_EINVALID): its shared
 * locks let readers in while files change.
 * Appends what it did to `report`, a line per file.
 */
int ps_host_apply(ps_host *host, const ps_rendered *files, size_t n, unsigned flags,
                  unsigned apply_flags, ps_strbuf *report, ps_error *err);

#endif
