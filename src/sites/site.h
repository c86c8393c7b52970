/*
 * What a site is: one port occurrence of a runtime (its kind, where it is,
 * how it shifts) and the set of a runtime's sites, with the limits of a
 * port. The data of the sites stage, apart from the code that finds them
 * (sites.h), so that the stage's helpers (start.c, toml_key.c) and its
 * driver (sites.c) depend on it, not on each other.
 */
#ifndef PS_SITES_SITE_H
#define PS_SITES_SITE_H

#include <stddef.h>

#include "base/arena.h"
#include "catalog/catalog.h"
#include "detect/detect.h"
#include "load/config.h"

typedef enum ps_site_kind {
    PS_SITE_OFFSET,
    PS_SITE_LISTENER,
    PS_SITE_REFERENCE,
    PS_SITE_PLACEHOLDER,
    PS_SITE_START, /* -DportOffset=N in a start script: the offset the runtime starts at */
    /* A literal host:port naming a host the local scan does not know (found
     * only with PS_SITES_REMOTE, when other hosts join the call: --with).
     * No local owner, clash or batch reads it; check and the planner ask
     * the other hosts' facts whom it means. */
    PS_SITE_REMOTE
} ps_site_kind;

/* How a start-time offset is given; the higher rank wins: a file the
 * operator names with --start-file (a systemd unit, an environment file, a
 * wrapper) starts the server past the home's bin/ scripts, and within each,
 * an argument beats an environment assignment (the command line over the
 * environment, as the JVM sees them). */
enum {
    PS_START_ENV = 1,      /* in an environment assignment: JAVA_OPTS="... -DportOffset=2" */
    PS_START_ARG = 2,      /* an argument of the server's command line */
    PS_START_FILE_ENV = 3, /* PS_START_ENV in a --start-file: Environment="JAVA_OPTS=..." */
    PS_START_FILE_ARG = 4  /* PS_START_ARG in a --start-file: ExecStart=... -DportOffset=2 */
};

/* A start-time offset given in an environment assignment (either place). */
static inline int ps_start_is_env(int rank)
{
    return rank == PS_START_ENV || rank == PS_START_FILE_ENV;
}

/* A line of a start script or start file that nothing runs: a shell or
 * systemd comment ('#', ';'), a batch REM or '::' line. [p, end) is the line. */
int ps_start_comment_line(const char *p, const char *end);

/*
 * The comment that marks each line portshift adds to a deployment.toml: a
 * key line ("offset = 3  # portshift", "redirectPort = 9446  # portshift")
 * and a table header it wrote ("[server]  # portshift"). A marked line is
 * portshift's own: when its key returns to the value the product uses
 * without it (the default offset, default.json's port) it is taken out
 * again, so the file returns to its original bytes with no state kept
 * anywhere. A line without it is the user's, replaced in place and never
 * taken out.
 */
#define PS_TOML_MARK "  # portshift"

/* How a deployment.toml key that is not set yet would be written. */
typedef enum ps_insert {
    PS_INSERT_NONE,   /* it is set: its digits are replaced where they stand */
    PS_INSERT_KEY,    /* an "offset = N" line in its [server] table */
    PS_INSERT_DOTTED, /* a "server.offset = N" line next to the other keys dotted keys made */
    PS_INSERT_TABLE   /* a "[server]" header and the key line, at the end of the file */
} ps_insert;

typedef struct ps_site {
    ps_site_kind kind;
    const ps_cfile *file; /* NULL for a listener the product opens with no config entry */
    ps_span span;         /* the digits (or the ${...} of a placeholder) */
    const char *text;     /* the span's bytes, kept after the file's are dropped */
    int line, col;
    long value;       /* the number as written; a builtin's base port */
    ps_shift shift;   /* listeners */
    int active;       /* listeners: the feature is switched on */
    int shared;       /* listeners: opened together by the servers of a host (multicast) */
    int https_main;   /* listeners: the runtime's main HTTPS port (the catalog's https="main") */
    const char *what; /* from the catalog; NULL for a scanned reference */
    const char *role; /* references: the role of the server pointed at, or NULL */
    const char *host; /* with PS_SITES_REMOTE: a scanned or remote reference's host as
                       * written ("km1.example", "localhost"); NULL otherwise */
    int self_only;    /* references: only its own runtime may own it */
    const char *toml_key; /* references: the deployment.toml key that renders it, or NULL */
    const char *source;   /* the catalog rule's citation; NULL for a scanned reference */
    ps_insert insert;     /* a deployment.toml key not set yet; span is where it would go */
    int crlf;             /* an insertion: the file's lines end in CRLF */
    int need_nl;          /* an insertion: at the end of a file with no final newline */
    const char *key;      /* a deployment.toml key portshift sets: the catalog's key,
                           * "server.offset", "transport.http.properties.redirectPort" */
    size_t key_from;      /* PS_INSERT_DOTTED: the line writes key + key_from */
    int rank;             /* start: PS_START_ENV .. PS_START_FILE_ARG */
    long absent;          /* a key other than the offset: the port the product renders
                           * without it (default.json) */
    ps_span undo;         /* a deployment.toml key line portshift added (marked
                           * PS_TOML_MARK): the bytes that take it out again when the
                           * key returns to what the product uses without it; empty
                           * otherwise */
} ps_site;

/*
 * A reference to a host as written (host ':' port), local or not, with
 * where it is: found only when asked (PS_SITES_ALL_HOSTS, for the facts of
 * a host). Sites stay what they are without it; these are a list apart,
 * which no plan or check reads. Strings live in the sites' `texts` (they
 * outlast ps_sites_settle, which drops files without a site).
 */
typedef struct ps_hostref {
    const char *path; /* the home as named joined with the file */
    const char *rel;  /* relative to the home */
    int line, col;    /* of the port (or its ${...}): where an edit would go */
    const char *host; /* as written: "km1.example", "localhost", "${carbon.host}", "[::1]" */
    long port;        /* 0 for a placeholder port */
    int placeholder;  /* the port is a ${...} */
    int local;        /* the local scan's: a site of the runtime (localhost, 127.0.0.1,
                       * [::1], ${carbon.local.ip}, ${carbon.host}, a configured name) */
    const char *role; /* the role the catalog gives its place, or NULL */
} ps_hostref;

typedef struct ps_sites {
    ps_site *items;
    size_t count;
    int offset_site; /* index of the offset setting, -1 when the runtime has none */
    long offset;     /* the offset it runs at: the start-time offset, else the config's */
    /* The start-time offset (PS_SITE_START) that wins: the first of the
     * highest rank; NULL when no script sets one. start_rival: the first of
     * that rank that says otherwise (a finding of check), else NULL. */
    const ps_site *start_site, *start_rival;
    long config_offset; /* with a start_site: what the config says (ps_sites_config_offset) */
    /* toml mode: the <Offset> of the generated carbon.xml, -1 when there is none;
     * it should agree with deployment.toml until the next start re-renders it. */
    long generated_offset;
    const ps_site *generated_offset_site;
    ps_strlist hostnames;
    /* The catalog's stored rules in force: ports the product keeps in its
     * database, which no edit moves (a note when the runtime moves). */
    const ps_rule **stored;
    size_t nstored;
    char *version;        /* the product version the rules were chosen by; "" when unknown */
    int version_at_least; /* inferred from the files: the earliest version they fit */
    ps_arena texts;       /* the sites' texts */
    ps_hostref *hostrefs; /* with PS_SITES_ALL_HOSTS only, in scan order; else none */
    size_t nhostrefs;
    /* With PS_SITES_ALL_HOSTS: where each of `hostnames` was read (host is
     * the name, port 0, role NULL). */
    ps_hostref *names;
    size_t nnames;
} ps_sites;

/* What carbon.xml or deployment.toml says (the product's default when not set). */
static inline long ps_sites_config_offset(const ps_sites *sites)
{
    return sites->start_site ? sites->config_offset : sites->offset;
}

/* Ports and offsets have at most 5 digits (65535). */
#define PS_OFFSET_MAX 65535L
#define PS_PORT_DIGITS 5

#endif
