/*
 * The hosts of a fleet, as their facts documents tell them
 * (schemas/facts.schema.json, "format": 1), and who on them a reference to
 * another host means. Read from files (`--with FACTS.json`, `fleet check`),
 * never from a home: `check --with` asks it about a home's references to
 * other hosts, `fleet check` about every host's own.
 *
 * A facts document is input from another machine: whatever the schema
 * refuses and this reader relies on is refused, at file:line:col (a missing
 * or unknown field, a wrong type, a value out of its range or enum, a
 * "format" other than 1). Strings holding NUL (\u0000) are refused too: the
 * names are compared as C strings.
 */
#ifndef PS_FLEET_FLEET_H
#define PS_FLEET_FLEET_H

#include <stddef.h>

#include "base/arena.h"
#include "base/error.h"
#include "catalog/catalog.h"

/* What the facts document's own format is: ps_report_facts writes it, this
 * reader refuses another. */
#define PS_FACTS_FORMAT 1

typedef struct ps_fleet_place {
    const char *home, *runtime; /* as the facts give them; NULL when null */
    const char *file, *path;    /* NULL when not read from a file */
    int line, col;              /* 0 with file NULL */
} ps_fleet_place;

typedef struct ps_fleet_listener {
    ps_fleet_place at;
    long port; /* now */
    long base; /* at offset 0 */
    ps_shift shift;
    const char *what;
} ps_fleet_listener;

typedef struct ps_fleet_runtime {
    const char *home, *runtime;
    const char *product_id;
    const ps_product *product; /* the catalog's; NULL for an id it does not know */
    const char *version;       /* NULL when unknown */
    const char *mode;          /* "xml", "toml", "yaml" */
    long offset;
    ps_fleet_listener *listeners;
    size_t nlisteners;
} ps_fleet_runtime;

typedef struct ps_fleet_ref {
    ps_fleet_place at;
    size_t runtime;   /* index in its host's runtimes of (home, runtime); SIZE_MAX: none */
    const char *host; /* NULL: a port the catalog names, its own runtime */
    long port;        /* -1: a ${...} port */
    const char *role, *what;
    int local;
} ps_fleet_ref;

typedef struct ps_fleet_host {
    const char *source;          /* the facts file as named */
    const char *label;           /* how messages name the host: its first alias, else
                                  * its FQDN, else its hostname, else `source` */
    const char *hostname, *fqdn; /* NULL when absent or null */
    const char **names;          /* every name of host.names, as written, in order */
    size_t nnames;
    ps_fleet_runtime *runtimes;
    size_t nruntimes;
    ps_fleet_ref *refs;
    size_t nrefs;
    ps_arena strings; /* every string above */
} ps_fleet_host;

struct ps_fleet_name;

typedef struct ps_fleet {
    ps_fleet_host *hosts; /* in the order added */
    size_t nhosts;
    /* private: every (name, host) pair, sorted without case, once each, so
     * a lookup costs O(log n) and adding a host O(names) moves */
    struct ps_fleet_name *index;
    size_t nindex, capindex, caphosts;
} ps_fleet;

#define PS_FLEET_INIT                                                                              \
    {                                                                                              \
        0                                                                                          \
    }

/* Adds the host that data[0, len) (a facts document read from `source`)
 * describes. PS_EPARSE at source:line:col for text that is not JSON, a
 * document the schema refuses or a "format" other than 1; PS_ENOMEM. On
 * failure the fleet is as it was. `cat` gives the products (ps_catalog_product). */
int ps_fleet_add(ps_fleet *f, const char *source, const char *data, size_t len,
                 const ps_catalog *cat, ps_error *err);
/* ps_fleet_add of a file, read with the project's reader (ps_file_read: a
 * regular file, the size cap). */
int ps_fleet_add_file(ps_fleet *f, const char *path, const ps_catalog *cat, ps_error *err);
void ps_fleet_free(ps_fleet *f);

/* 1 when `host` means whichever machine reads it: a ${...} placeholder or
 * a loopback name (localhost, 127.x.x.x, ::1, [::1], 0.0.0.0). Such a name
 * is never another host's, and never listed as one of a host's names. */
int ps_fleet_loopback(const char *host);

typedef enum ps_remote_kind {
    PS_REMOTE_LOCAL,     /* no host, a loopback name or ${...} host: not another host's */
    PS_REMOTE_UNKNOWN,   /* no host of the fleet has this name: a note */
    PS_REMOTE_AMBIGUOUS, /* several hosts claim the name: a note, never a repair */
    PS_REMOTE_OWNED,     /* a listener of the host that claims it listens on the port,
                          * or the port is a ${...} one (read where it runs: listener NULL) */
    PS_REMOTE_STALE,     /* nobody listens there; the listener it means listens on `should` */
    PS_REMOTE_NOBODY     /* nobody listens there and nothing says whom it means: a note */
} ps_remote_kind;

typedef struct ps_remote {
    ps_remote_kind kind;
    size_t host;                       /* OWNED, STALE, NOBODY: the host that claims the name */
    const ps_fleet_runtime *rt;        /* OWNED, STALE: the runtime; else NULL */
    const ps_fleet_listener *listener; /* OWNED (NULL for a ${...} port), STALE */
    long should;                       /* STALE: its port now; else -1 */
    size_t nclaims;                    /* AMBIGUOUS: how many hosts claim the name */
} ps_remote;

/*
 * Whom `host`:`port` (a reference whose server plays `role`, NULL for any)
 * means among the fleet's hosts, except host `self` (SIZE_MAX for none:
 * the asking host is not in the fleet). Names compare without case.
 * Ownership as on one host (model/owners.h): of the runtimes that play the
 * role, a listener on the port owns it; when none does, the listener meant
 * is one whose port at offset 0 or at its product's default offset is
 * `port` (ps_listener_meant's rule), and when all the listeners meant
 * listen on one port now it is STALE with that port. O(log names).
 */
void ps_fleet_resolve(ps_remote *out, const ps_fleet *f, size_t self, const char *host, long port,
                      const char *role);

/* "local", "unknown", "ambiguous", "owned", "stale", "nobody". */
const char *ps_remote_kind_name(ps_remote_kind k);

#endif
