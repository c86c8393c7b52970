/*
 * portshift: apply a port offset to WSO2 Carbon product installs.
 *
 * The library's public header: the error record and the library the
 * command line calls (homes, their ports, a plan, the findings of check,
 * the offsets of batch; since 0.4.0 every document as bytes, the diff of a
 * plan and its apply: what the command line prints and writes, as calls).
 * The command line itself, as a function, is in <portshift/cli.h>; it uses
 * nothing but this header.
 *
 * NULL. No function crashes on a NULL pointer argument:
 *  - every _free function given NULL does nothing (ps_ports_free and
 *    ps_buf_dispose too);
 *  - a function returning int, given NULL where it needs an object (an
 *    `out`, the host, plan, check or batch, an array it must read) returns
 *    PS_EINVALID and fills `err` with "FUNCTION: NAME is NULL"; an `out` that is not
 *    NULL is first set to NULL (a struct: zeroed), so it is safe to free;
 *    a ps_buf `out` is appended to, so it is left as it was;
 *  - `err` itself may be NULL: the call runs the same, its return value says
 *    whether it failed, and nothing is written through it;
 *  - a function with no `err` that reads an object returns, for a NULL one,
 *    what it returns for an empty one: 0 (a count), NULL (an item), "" (a
 *    string), -1 (ps_batch_runtime_offset);
 * A NULL that means "none" or "the defaults" is said where it is allowed.
 */
#ifndef PORTSHIFT_PORTSHIFT_H
#define PORTSHIFT_PORTSHIFT_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Error codes. A function that returns int returns 0 (or a count) when it
 * succeeds, and one of these, all negative, when it fails, with `err` (when
 * not NULL) saying what and where. Test for failure with `< 0`: PS_ERROR
 * stays the answer for any failure not named here, and a later release may
 * name more.
 */
enum ps_error_code {
    /* Any other failure: a file or folder that cannot be opened or read, a
     * folder that is no Carbon home, too many config files, ... */
    PS_ERROR = -1,
    /* A bad argument: NULL where an object is needed, an index past the
     * end, an offset or port out of its range, options that contradict
     * each other (a home named twice with different offsets, no home). */
    PS_EINVALID = -2,
    /* A config file is not well-formed (XML, .properties, deployment.toml,
     * a start script) or holds a value its place does not allow (a port
     * above 65535); `err` is positioned at the byte. Nothing is written. */
    PS_EPARSE = -3,
    /* What was asked cannot be reached: an offset that moves a port past
     * 65535, a runtime with no offset setting to change, no offset at which
     * a home fits among the others (batch). */
    PS_ERANGE = -4,
    /* A home is busy: another portshift call holds its lock, or it holds
     * the record of an interrupted apply that must be finished first
     * (PS_HOST_WRITE finishes it; `portshift recover`). */
    PS_ELOCKED = -5,
    /* Finishing an interrupted apply would write to a home whose server
     * runs (PS_HOST_FORCE writes all the same). */
    PS_ERUNNING = -6,
    /* Out of memory: an allocation failed. Nothing is printed and no file
     * of a home changed: what the call made is freed. */
    PS_ENOMEM = -7
};

/*
 * One error, positioned at the byte that is wrong. `line` and `col` are
 * 1-based; 0 means "no position" (the error concerns the file or the call).
 * Functions that fail fill the record once; a caller never overwrites a
 * callee's message. The record is the caller's: the library writes it
 * during the call that was given it and keeps no pointer to it.
 */
typedef struct ps_error {
    char path[1024];
    int line;
    int col;
    char message[512];
} ps_error;

/*
 * The library below the CLI, one port model that every command asks: a set
 * of homes loaded once, their listening ports at any offset, who owns a
 * port, a plan for target offsets, and the findings of `check`. Every
 * function returns 0 (or a count) on success and a negative PS_E* code with
 * `err` filled on failure; what comes back through an `out` pointer belongs to the caller
 * and is freed with the matching _free function, and `const char *` fields
 * are borrowed from the object they came from (valid until it is freed).
 */

/* Homes loaded and held: their config read, parsed and classified, and a
 * lock on each home kept until ps_host_free. */
typedef struct ps_host ps_host;
/* What the target offsets change. Borrows from its host. */
typedef struct ps_plan ps_plan;
/* The findings about the homes as they are. Borrows from its host. */
typedef struct ps_check ps_check;

/* One home of a host, as a command line names it. */
typedef struct ps_home_spec {
    const char *path; /* a home, or a runtime inside one: HOME/wso2/broker */
    int has_target;   /* 1: plan it at `target` (HOME=N); 0: it keeps its offset */
    long target;
} ps_home_spec;

enum ps_host_flags {
    /* For an apply: exclusive locks, and an apply a crash cut short in any
     * of the homes is finished first (ps_host_recovered says what was done).
     * Without it the locks are shared, and a home holding such a record is
     * refused with a message naming the command that finishes it. */
    PS_HOST_WRITE = 1,
    /* With PS_HOST_WRITE: that finishing may write to a home whose server runs. */
    PS_HOST_FORCE = 2,
    /* With PS_HOST_WRITE: only lock the homes and deal with their records;
     * nothing is loaded (the host then has no runtime). `portshift recover`. */
    PS_HOST_RECOVER = 4,
    /* With PS_HOST_WRITE: an interrupted apply's record and staged files are
     * dropped rather than finished, every file kept as it is. */
    PS_HOST_DISCARD = 8
};

/*
 * Loads homes[0..n) as one host (the homes of one call see each other:
 * references follow listeners across them). A home named twice is loaded
 * once; naming it twice with different targets is an error. Each home is
 * locked before anything in it is read. On success *out is freed with
 * ps_host_free, which releases the locks. `homes` may be NULL only when n
 * is 0 (which is an error: no home); each homes[i].path is required. The
 * host copies what it keeps of `homes`: they may go after the call.
 * Fails with PS_EINVALID (no home, a target outside 0..65535, a home named
 * twice with different targets, a runtime its home does not have),
 * PS_EPARSE (a config file not well-formed), PS_ERANGE (a home whose
 * offset already pushes a port past 65535), PS_ELOCKED, PS_ERUNNING (with
 * PS_HOST_WRITE, see the flags) or PS_ERROR (a folder that is no home, a
 * file that cannot be read).
 */
int ps_host_open(ps_host **out, const ps_home_spec *homes, size_t n, unsigned flags, ps_error *err);
/*
 * ps_host_open with the homes loaded by `jobs` threads at once (0: one per
 * online CPU, which is what ps_host_open does; 1: the calling thread alone).
 * The host is the same whatever the number: each home is loaded by one
 * thread, the homes are kept in the order named, and a call where several
 * homes fail reports the first of them.
 */
int ps_host_open_jobs(ps_host **out, const ps_home_spec *homes, size_t n, unsigned flags,
                      unsigned jobs, ps_error *err);
/* How ps_host_open_opts opens a host. */
typedef struct ps_host_options {
    unsigned flags; /* enum ps_host_flags */
    unsigned jobs;  /* as ps_host_open_jobs: 0 one thread per online CPU */
    /* --start-file: files outside the homes that start one of them with
     * -DportOffset (a systemd unit, an environment file, a wrapper script),
     * read as that home's start-time offset above its bin/ scripts. Each
     * belongs to the home whose path it names, or to the only home when it
     * names none; naming two homes, or none in a call of several, is an
     * error. Borrowed for the call only. May be NULL when nstart_files is 0.
     * With PS_HOST_WRITE a plan's edits to them are applied with the home's
     * files, in the same apply: with the caller's rights (not the home
     * owner's), atomically, mode/owner/xattrs kept, no backup, recorded by
     * identity in the home's crash record; an interrupted apply that was
     * writing one is finished only when it is named here again. */
    const char *const *start_files;
    size_t nstart_files;
} ps_host_options;
/*
 * ps_host_open_jobs with the options in `opts` (NULL: all zero, which is
 * ps_host_open with no flags). The same NULL contract and error codes as
 * ps_host_open, and each opts->start_files[i] is required.
 */
int ps_host_open_opts(ps_host **out, const ps_home_spec *homes, size_t n,
                      const ps_host_options *opts, ps_error *err);
/* Releases the locks and frees the host, after every plan, check and batch
 * made from it has been freed. */
void ps_host_free(ps_host *host);
/* One line per crashed apply that ps_host_open finished; "" when none (and
 * for a NULL host). Borrowed from the host. */
const char *ps_host_recovered(const ps_host *host);

/* The runtimes of the host (a home has one, an EI 6.x home several), in
 * the order the homes were named, each home's main runtime first; 0 for a
 * NULL host. */
size_t ps_host_runtime_count(const ps_host *host);

typedef struct ps_runtime_info {
    const char *home;    /* as named */
    const char *runtime; /* "" for the home's main runtime, else its folder: "wso2/broker" */
    const char *product; /* catalog product id: "apim", "is", "ei-broker", ... */
    const char *product_name;
    const char *version; /* "" when unknown */
    const char *mode;    /* "xml", "toml", or "yaml" (Carbon 5: no offset, fixed ports) */
    long offset;         /* as its files say now (the product default when unset) */
} ps_runtime_info;

/* Facts of runtime i, its strings borrowed from the host; PS_EINVALID when
 * there is no runtime i (*out is then zeroed). */
int ps_host_runtime(ps_runtime_info *out, const ps_host *host, size_t i, ps_error *err);

/* One listener of a runtime at some offset. */
typedef struct ps_port {
    long port; /* the port it opens at that offset */
    long base; /* at offset 0 */
    const char
        *shift; /* "auto" (Carbon adds the offset), "manual" (written as base + offset), "fixed" */
    int active; /* 0: its feature is switched off, it opens nothing */
    const char *what;
    const char *file; /* relative to the home; NULL for a listener with no config entry */
    int line;         /* 0 when file is NULL */
} ps_port;

typedef struct ps_ports {
    ps_port *items;
    size_t count;
    long offset;
    /* 0 when the offset pushes a port outside 1..65535: the runtime cannot
     * run there. Not an error: every port is still listed. */
    int usable;
} ps_ports;

/* Pass as `offset` for the offset a runtime is at now. */
#define PS_OFFSET_CURRENT (-1L)

/* The listeners of runtime i (active or not, built in or not) at `offset`;
 * *out is freed with ps_ports_free (its strings are borrowed from the host).
 * PS_EINVALID when there is no runtime i or the offset is negative; *out is
 * then zeroed. */
int ps_host_ports(ps_ports *out, const ps_host *host, size_t i, long offset, ps_error *err);
/* Frees what ps_host_ports put in *ports (its items) and zeroes *ports; the
 * struct itself is the caller's and is not freed. A zeroed struct, and a
 * NULL pointer, are no-ops: freeing twice is safe. */
void ps_ports_free(ps_ports *ports);

/* One party of a finding, or one owner of a port. */
typedef struct ps_party {
    const char *home;    /* as named; NULL for a socket of this host outside the call */
    const char *runtime; /* "" for the main runtime; NULL with home */
    const char *file;    /* relative to the home; NULL when built in, or a socket */
    const char *path;    /* the home as named joined with file, for messages; NULL with file */
    int line, col;       /* 0 when file is NULL */
    const char *what;    /* the listener, reference or process */
    long port;           /* its port now */
    long pid;            /* a socket's process, -1 when unknown or not a socket */
} ps_party;

/* Every listener (active or not) that listens on `port` now, as an array the
 * caller frees with free(); the strings are borrowed from the host. `out`
 * and `n` are both required; on failure *out is NULL and *n 0. */
int ps_host_owners(ps_party **out, size_t *n, const ps_host *host, long port, ps_error *err);

enum ps_plan_flags {
    /* Also set every stale self reference (ps_finding) to the port its
     * listener has at the target: what `apply --repair` writes. */
    PS_PLAN_REPAIR = 1
};

/*
 * Plans the targets the homes were opened with. PS_ERANGE when one cannot
 * be reached: a port pushed past 65535, a runtime with no offset setting, a
 * Carbon 5 runtime given an offset. Free *out with ps_plan_free, before
 * the host.
 */
int ps_host_plan(ps_plan **out, ps_host *host, unsigned flags, ps_error *err);
void ps_plan_free(ps_plan *plan);

/* One planned change of a file. */
typedef struct ps_change {
    const char *path; /* the home as named joined with the file */
    int line, col;
    long old_value, new_value; /* a port, or the offset */
    char *why;                 /* allocated: free() it */
} ps_change;

/* 0 for a NULL plan. */
size_t ps_plan_change_count(const ps_plan *plan);
/* Change i, in file then position order; PS_EINVALID when there is none
 * (*out is then zeroed: free(out->why) is safe either way). `path` is
 * borrowed from the plan's host. */
int ps_plan_change(ps_change *out, const ps_plan *plan, size_t i, ps_error *err);

typedef enum ps_finding_kind {
    PS_FINDING_CLASH,     /* two active listeners open one port */
    PS_FINDING_LISTENING, /* an active listener's port is already bound on this host */
    /* A stale self reference: one that points at its own runtime (Tomcat's
     * redirectPort, a callback to its own server, or a local URL no runtime
     * of the call owns that still names one of its own runtime's ports at
     * the product's default offset) at a port that runtime does not listen
     * on for it now. `should` says the value it should have. */
    PS_FINDING_STALE,
    PS_FINDING_AMBIGUOUS, /* a reference that several homes of the call could own */
    PS_FINDING_UNOWNED,   /* a reference no runtime of the call listens on (a note) */
    PS_FINDING_START,     /* two start-time offsets of equal rank disagree (-DportOffset) */
    PS_FINDING_RUNNING    /* a server runs at another offset than its files say */
} ps_finding_kind;

typedef struct ps_finding {
    ps_finding_kind kind;
    /* 1: a note (an unowned reference, a stale one in a file generated from
     * deployment.toml, a port bound maybe by the home's own server), not a
     * finding: reported, but it does not fail `check`. */
    int note;
    long port;
    long should; /* PS_FINDING_STALE: the value it should have; else -1 */
    const char *
        toml_key; /* a stale note: the deployment.toml key ("table.key") that renders it, or NULL */
    const char *message;     /* one line for people */
    const ps_party *parties; /* the first is the one reported at: the listener or reference */
    size_t nparties;
} ps_finding;

enum ps_check_flags {
    /* Also compare the listeners with the TCP ports listening on this host
     * (/proc/net/tcp, /proc/net/tcp6), except the sockets of the home's own
     * running server (wso2carbon.pid naming a live process). */
    PS_CHECK_LISTENING = 1
};

/* Judges the homes as they are, whatever targets they were opened with.
 * Free *out with ps_check_free, before the host. */
int ps_host_check(ps_check **out, ps_host *host, unsigned flags, ps_error *err);
void ps_check_free(ps_check *check);
/* Findings first, then notes, each in the order the homes were named; 0 for
 * a NULL check. */
size_t ps_check_count(const ps_check *check);
/* How many of them are findings (not notes): `check` exits 1 when any; 0
 * for a NULL check. */
size_t ps_check_findings(const ps_check *check);
/* Finding i, borrowed from the check; NULL when there is none (or no check). */
const ps_finding *ps_check_get(const ps_check *check, size_t i);

/*
 * Batch (`portshift batch`): an offset for every home of the host such that the
 * ports their runtimes open are pairwise disjoint and avoid the ports asked
 * for. Homes are placed in the order they were named: a home keeps its
 * offset when it fits among the homes before it (so adding a home at the
 * end moves no other), else it gets the smallest offset from `first` on
 * that fits. Fixed listeners that still collide get the smallest free port
 * above their own (a rewrite). The same host and options give the same
 * answer.
 */
typedef struct ps_batch ps_batch;

typedef struct ps_port_range {
    long from, to; /* 1 <= from <= to <= 65535 */
} ps_port_range;

enum ps_batch_flags {
    /* Also avoid the TCP ports listening on this host (/proc/net/tcp,
     * /proc/net/tcp6), except, for each home, those of its own running
     * server (wso2carbon.pid naming a live process). */
    PS_BATCH_LISTENING = 1
};

typedef struct ps_batch_options {
    long first;                 /* the smallest offset a home that must move may get (0..65535) */
    const ps_port_range *avoid; /* ports no listener may open; borrowed for the call */
    size_t navoid;
    unsigned flags; /* PS_BATCH_* */
} ps_batch_options;

/*
 * Chooses the offsets. PS_ERANGE when a home fits at no offset (err names
 * the home and what it meets), PS_EINVALID when the options are out of range. Free *out with
 * ps_batch_free, before the host. A NULL `opts` means the defaults (all
 * zero: first 0, nothing avoided, no flags); opts->avoid may be NULL only
 * when navoid is 0.
 */
int ps_host_batch(ps_batch **out, ps_host *host, const ps_batch_options *opts, ps_error *err);
void ps_batch_free(ps_batch *batch);

/* One home's offset. */
typedef struct ps_assignment {
    const char *home;    /* as named */
    long current_offset; /* its main runtime's offset now */
    long offset;         /* the offset it gets; its other runtimes move by the same amount */
    int kept;            /* 1: its current offset fits, it stays */
    const char *reason;  /* why it moves: what its current offset meets; NULL when kept */
} ps_assignment;

/* The homes, in the order named; 0 for a NULL batch. */
size_t ps_batch_home_count(const ps_batch *batch);
/* Home i, its strings borrowed from the batch; PS_EINVALID when there is
 * none (*out is then zeroed). */
int ps_batch_assignment(ps_assignment *out, const ps_batch *batch, size_t i, ps_error *err);
/* The offset runtime i of the host (ps_host_runtime) gets; -1 when there is
 * none (or no batch). */
long ps_batch_runtime_offset(const ps_batch *batch, size_t i);

/* A fixed listener given another port so that no two listeners share one. */
typedef struct ps_rewrite {
    ps_party listener; /* the fixed listener, at its port now */
    long new_port;
    /* 1: its file is rendered from deployment.toml, so it is not edited:
     * `message` names the key to set instead. */
    int note;
    const char *message; /* why (what else opens its port), or the note */
} ps_rewrite;

/* 0 for a NULL batch. */
size_t ps_batch_rewrite_count(const ps_batch *batch);
/* Rewrite i, borrowed from the batch; NULL when there is none (or no batch). */
const ps_rewrite *ps_batch_rewrite(const ps_batch *batch, size_t i);

/*
 * Plans the assignment: every home at its offset, every rewrite, the
 * references between the homes following their owners, and with
 * PS_PLAN_REPAIR every stale self reference set right (what `batch --apply`
 * writes). Free *out with ps_plan_free, before the batch.
 */
int ps_batch_plan(ps_plan **out, ps_batch *batch, unsigned flags, ps_error *err);

/*
 * The version of the library: "MAJOR.MINOR.PATCH", the release it was built
 * from (`portshift --version` prints the same number, and so does
 * `pkg-config --modversion portshift`). A static string, never NULL, not to
 * be freed. Each of `major`, `minor` and `patch` that is not NULL gets that
 * part of it; a NULL one is skipped. Added in 0.3.0: a program that needs
 * it links against that release or later (the symbol is versioned).
 */
const char *ps_version(int *major, int *minor, int *patch);

/*
 * Warnings: what a plan or a check found worth saying that is no error (a
 * port the product keeps in its database, which does not move with the
 * files; a product version the catalog does not know; an edit a product
 * update would revert), in the order found, each positioned like an error.
 * An item is borrowed from its plan or check, valid until that is freed.
 * The count is 0, and the item NULL, for a NULL plan or check and for an
 * index past the end. A check's warnings are those of the homes as they
 * are; a plan of ps_batch_plan has those of the batch's offsets. Added in
 * 0.3.0.
 */
size_t ps_plan_warning_count(const ps_plan *plan);
const ps_error *ps_plan_warning(const ps_plan *plan, size_t i);
size_t ps_check_warning_count(const ps_check *check);
const ps_error *ps_check_warning(const ps_check *check, size_t i);

/*
 * ---- Added in 0.4.0: what the command line does, as calls ----
 *
 * Every document of the command line as bytes, the diff of a plan, and an
 * apply. One ownership rule: bytes come back in a ps_buf the caller owns and
 * releases with ps_buf_dispose; a handle through `**out` is freed with its
 * _free; a `const` pointer is borrowed from the object it came from.
 */

/*
 * A byte buffer the library fills and the caller owns. Start it zeroed
 * (PS_BUF_INIT); every call that writes to one appends, so one buffer can
 * collect several results. `ptr` is NUL-terminated when not NULL (the NUL is
 * not counted in `size`); it is NULL while nothing was added. `reserved` is
 * the library's (the bytes allocated). Release it with ps_buf_dispose.
 */
typedef struct ps_buf {
    char *ptr;
    size_t size;
    size_t reserved;
} ps_buf;

#define PS_BUF_INIT                                                                                \
    {                                                                                              \
        NULL, 0, 0                                                                                 \
    }

/* Frees buf->ptr and zeroes *buf (the struct itself is the caller's); a
 * NULL buf, or a zeroed one, is a no-op: disposing twice is safe. */
void ps_buf_dispose(ps_buf *buf);
/* Appends data[0..len) (`data` may be NULL when len is 0), a string, or
 * printf's output. 0, or PS_EINVALID for a NULL buf (or data with len > 0,
 * or a NULL s or fmt), PS_ENOMEM when out of memory (the buffer then holds
 * what it held). */
int ps_buf_put(ps_buf *buf, const void *data, size_t len);
int ps_buf_puts(ps_buf *buf, const char *s);
int ps_buf_printf(ps_buf *buf, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* The forms of a document: lines for people, the JSON of schemas/ for
 * programs, markdown for a CI summary or a pull-request comment. */
typedef enum ps_format { PS_FORMAT_TEXT, PS_FORMAT_JSON, PS_FORMAT_MARKDOWN } ps_format;

/*
 * The documents, appended to `out` in `format`: what `portshift plan`
 * (ps_plan_report: every port site and its fate, the edits, the warnings)
 * and `portshift ports` (ps_plan_ports_report) print for a plan, what
 * `check` prints for a check (ps_check_report) and `status` (one row per
 * home: ps_check_status_report, its rows read from the check of the homes
 * as they are). `out`, the plan or check are required; `err` may be NULL.
 * 0, or PS_EINVALID for a NULL argument or a format not of ps_format.
 */
int ps_plan_report(ps_buf *out, const ps_plan *plan, ps_format format, ps_error *err);
int ps_plan_ports_report(ps_buf *out, const ps_plan *plan, ps_format format, ps_error *err);
int ps_check_report(ps_buf *out, const ps_check *check, ps_format format, ps_error *err);
int ps_check_status_report(ps_buf *out, const ps_check *check, ps_format format, ps_error *err);
/* The command lines `check` suggests, appended to `out` as one line with no
 * newline: "portshift apply --repair HOME..." that repairs every stale self
 * reference, and "portshift batch --diff HOME..." that shows the offsets
 * ending every clash (the homes shell-quoted). The same NULL contract. */
int ps_check_repair_command(ps_buf *out, const ps_check *check, ps_error *err);
int ps_check_resolve_command(ps_buf *out, const ps_check *check, ps_error *err);

/* What `batch` did with the plan of its assignment: its report says it. */
typedef enum ps_batch_report_step {
    PS_BATCH_REPORT_SHOWN,  /* the assignment only */
    PS_BATCH_REPORT_DIFFED, /* a diff of the plan follows */
    PS_BATCH_REPORT_APPLIED /* the plan was applied */
} ps_batch_report_step;

/* The `batch` document of `batch` and `plan` (its ps_batch_plan), appended
 * to `out` in `format`. `out`, `batch` and `plan` are required; PS_EINVALID
 * for a NULL one, a format or a step out of its enum. */
int ps_batch_report(ps_buf *out, const ps_batch *batch, const ps_plan *plan, ps_format format,
                    ps_batch_report_step step, ps_error *err);

/* How a plan is shown as a diff. Start from PS_DIFF_OPTIONS_INIT. */
typedef struct ps_diff_options {
    unsigned version; /* PS_DIFF_OPTIONS_VERSION */
    /* 1: git's colours on a terminal (bold headers, cyan hunk headers, red
     * and green lines), each closed before its line's newline. */
    int color;
    /* Each file is shown by its real path relative to this folder when it
     * lies under it (so `patch -p1` and `git apply` take the diff from
     * there), else by its real path without the leading '/'. NULL: the
     * current directory. Borrowed for the call. */
    const char *relative_to;
    unsigned jobs; /* files rendered at once: 0 one thread per online CPU */
} ps_diff_options;

#define PS_DIFF_OPTIONS_VERSION 1
#define PS_DIFF_OPTIONS_INIT                                                                       \
    {                                                                                              \
        PS_DIFF_OPTIONS_VERSION, 0, NULL, 0                                                        \
    }

/* Gets the diff of one file: `path` the file as loaded (the home as named
 * joined with the file), diff[0..len) its unified diff (headers and hunks);
 * both borrowed for the call. 0 goes on; any other value stops the walk. */
typedef int (*ps_diff_file_cb)(const char *path, const char *diff, size_t len, void *payload);

/*
 * The unified diff of every file the plan changes, as GNU `diff -u` writes
 * it (3 lines of context), in the plan's file order: what `portshift diff`
 * prints. ps_plan_diff appends it all to `out`; ps_plan_diff_foreach hands
 * each file's diff to `cb` in order while opts->jobs threads render the
 * next ones, so a diff of many homes holds only the files in flight.
 * Returns the number of files (0: nothing to change). `out` (or `cb`) and
 * `plan` are required, `payload` and `err` may be NULL, `opts` NULL means
 * PS_DIFF_OPTIONS_INIT. PS_EINVALID for a NULL argument or an unknown
 * opts->version; PS_ERROR with err at the file when a file changed on disk
 * since it was loaded or cannot be rendered: the files before it were
 * delivered (ps_plan_diff: appended), none after; PS_ENOMEM the same way
 * when out of memory. A callback that returns nonzero stops the walk: the
 * call returns its value when negative, else PS_ERROR, and err says so.
 */
int ps_plan_diff(ps_buf *out, const ps_plan *plan, const ps_diff_options *opts, ps_error *err);
int ps_plan_diff_foreach(const ps_plan *plan, const ps_diff_options *opts, ps_diff_file_cb cb,
                         void *payload, ps_error *err);

/* How a plan is applied. Start from PS_APPLY_OPTIONS_INIT. */
typedef struct ps_apply_options {
    unsigned version; /* PS_APPLY_OPTIONS_VERSION */
    int backup;       /* 1: keep each file's original as FILE.bak (not a start file's) */
    int force;        /* 1: write even to a home whose server runs */
    unsigned jobs;    /* files rendered at once: 0 one thread per online CPU */
} ps_apply_options;

#define PS_APPLY_OPTIONS_VERSION 1
#define PS_APPLY_OPTIONS_INIT                                                                      \
    {                                                                                              \
        PS_APPLY_OPTIONS_VERSION, 0, 0, 0                                                          \
    }

/* What an apply did. */
typedef struct ps_apply ps_apply;

/*
 * Renders the plan and writes it to the homes of `host`, which must have
 * been opened with PS_HOST_WRITE (the plan made from it): every file or
 * none, atomically, each file's mode, owner and extended attributes kept,
 * under the crash record that the next ps_host_open with PS_HOST_WRITE
 * finishes (`portshift recover`). *out, freed with ps_apply_free, says
 * what was done; a plan that changes nothing writes nothing and succeeds.
 * `out`, `host` and `plan` are required; `opts` NULL means
 * PS_APPLY_OPTIONS_INIT. Fails, with nothing written, with PS_EINVALID (a
 * NULL argument, an unknown opts->version, a host opened without
 * PS_HOST_WRITE: its shared locks let readers in while files change),
 * PS_ERUNNING (a server of the homes runs, without opts->force) or
 * PS_ERROR (a file changed since it was loaded, cannot be rendered or
 * written). What went wrong after the files landed (a backup or a folder
 * sync that failed) is a warning of the host (ps_host_warning).
 * It holds one descriptor for each file it writes until every file is in
 * place (and the original too, while RLIMIT_NOFILE leaves room): a caller
 * applying many homes raises its soft limit, as the portshift program does.
 */
int ps_plan_apply(ps_apply **out, ps_host *host, const ps_plan *plan, const ps_apply_options *opts,
                  ps_error *err);
void ps_apply_free(ps_apply *apply);
/* The files written; 0 for a NULL apply. */
size_t ps_apply_file_count(const ps_apply *apply);
/* A line per file: "updated PATH", then with a backup "saved the original as
 * PATH.bak" (or "kept PATH.bak, an earlier backup"); "" for a NULL apply.
 * Borrowed from the apply. */
const char *ps_apply_report(const ps_apply *apply);
/* The first systemd unit the apply changed (a start file): systemd reads it
 * again only on `systemctl daemon-reload`. NULL when none (or a NULL
 * apply); borrowed from the apply. */
const char *ps_apply_unit_changed(const ps_apply *apply);

/* The warnings of the host's applies, in the order found, each positioned
 * like an error; borrowed from the host. 0 and NULL for a NULL host and an
 * index past the end. */
size_t ps_host_warning_count(const ps_host *host);
const ps_error *ps_host_warning(const ps_host *host, size_t i);

/* The homes a plan covers (a home of several runtimes counts once); 0 for a
 * NULL plan. With ps_plan_change_count and the file count of a diff or an
 * apply: the "2 homes, 3 files, 5 edits" line of the command line. */
size_t ps_plan_home_count(const ps_plan *plan);

/* Appends to `out` the version of the built-in catalog of rules
 * ("2026.12.1": the rules are versioned apart from the code), nothing when
 * it has none. `out` is required, `err` may be NULL. */
int ps_catalog_version(ps_buf *out, ps_error *err);

/* "path:line:col: " of an error, the parts that are set (nothing when it
 * has no path), written to out[0..size) as snprintf writes: the length it
 * needs, NUL-terminated when size > 0. A NULL err is "" (0); `out` may be
 * NULL only when size is 0. What `portshift` prints before "error:". */
int ps_error_where(char *out, size_t size, const ps_error *err);

/*
 * ---- Added in 0.5.0: the facts of a host ----
 *
 * What other hosts of a fleet need to know of this one, as one JSON
 * document (schemas/facts.schema.json, "format": 1): the host's names (its
 * hostname, its FQDN when the resolver gives another canonical name, the
 * carbon.xml HostName/MgtHostName and deployment.toml [server] hostname of
 * its homes with where each was read, and the aliases an inventory knows),
 * each home and runtime with product, version, mode and effective offset,
 * every active listener with its effective port, and every reference in the
 * homes' files to any host, local or remote, with the host as written, the
 * port (null for a ${...} port), the role the catalog gives it, whether it
 * names this host, and path:line:col. What `portshift facts` prints.
 */
typedef struct ps_facts_options {
    unsigned version; /* PS_FACTS_OPTIONS_VERSION */
    /* --host-name: other names this host is reached by (a DNS alias, a
     * load balancer's name, as an inventory knows them); listed as names
     * and making references to them local. Borrowed for the call; may be
     * NULL when nhost_names is 0; each is required. */
    const char *const *host_names;
    size_t nhost_names;
    /* --start-file, as ps_host_options: borrowed, each required. */
    const char *const *start_files;
    size_t nstart_files;
    unsigned jobs; /* homes loaded at once: 0 one thread per online CPU */
} ps_facts_options;

#define PS_FACTS_OPTIONS_VERSION 1
#define PS_FACTS_OPTIONS_INIT                                                                      \
    {                                                                                              \
        PS_FACTS_OPTIONS_VERSION, NULL, 0, NULL, 0, 0                                              \
    }

/*
 * Loads homes[0..n) as ps_host_open does without PS_HOST_WRITE (shared
 * locks, a home holding an interrupted apply's record refused, nothing
 * written) and appends their facts document to `out`. The homes are taken
 * as they are: a home with a target (has_target) is refused. `out` and
 * `homes` (n > 0, each path set) are required; `opts` NULL means
 * PS_FACTS_OPTIONS_INIT; `err` may be NULL. The host's FQDN comes from the
 * resolver (getaddrinfo): when it fails or gives the hostname itself, the
 * document has no "fqdn". Fails, `out` as it was, with PS_EINVALID (a NULL
 * argument, an unknown opts->version, a target), the errors of
 * ps_host_open (PS_EPARSE, PS_ELOCKED, PS_ERROR, ...) or PS_ENOMEM.
 */
int ps_facts(ps_buf *out, const ps_home_spec *homes, size_t n, const ps_facts_options *opts,
             ps_error *err);

/*
 * ---- Added in 0.6.0: the fleet ----
 *
 * `portshift fleet check FACTS.json...`: the references between the hosts
 * of a fleet, judged from their facts documents alone (ps_facts, no home
 * read). Each host's references to another host's name ("local": false)
 * are resolved against the other hosts: a reference to a port nobody
 * there listens on, whose listener is known by its port at offset 0 or at
 * its product's default offset, is stale (a finding: it names the port
 * that listener has now); a name no other host has, a name two hosts
 * claim, or a port nobody listens on and nothing explains are notes.
 */
typedef struct ps_fleet_check ps_fleet_check;

typedef enum ps_fleet_kind {
    PS_FLEET_STALE,     /* a finding: the port its owner listens on now is `should` */
    PS_FLEET_UNKNOWN,   /* a note: no other host's facts have the name */
    PS_FLEET_AMBIGUOUS, /* a note: `claims` hosts have the name */
    PS_FLEET_NOBODY     /* a note: nobody on `owner` listens there, nor meant it */
} ps_fleet_kind;

typedef struct ps_fleet_finding {
    ps_fleet_kind kind;
    int note;          /* 1 for every kind but PS_FLEET_STALE */
    const char *host;  /* the label of the host whose file holds the reference */
    const char *facts; /* that host's facts file, as named */
    const char *home;  /* the reference's home and runtime, as its facts give them */
    const char *runtime;
    const char *path;  /* where: the home as named joined with the file; NULL when none */
    int line, col;     /* 0 with path NULL */
    const char *name;  /* the host as written */
    long port;         /* the port as written */
    const char *role;  /* the role of the server it points at; NULL when none */
    long should;       /* STALE: the port the listener meant listens on now; else -1 */
    const char *owner; /* STALE, NOBODY: the label of the host with the name; else NULL */
    const char *owner_home, *owner_runtime, *owner_what; /* STALE: the listener meant */
    size_t claims;       /* AMBIGUOUS: how many hosts have the name; else 0 */
    const char *message; /* one line for people */
} ps_fleet_finding;

/*
 * Reads the facts documents files[0..n) (n > 0; each a regular file, as
 * `portshift facts` wrote it: schemas/facts.schema.json, "format": 1) and
 * judges every host's remote references. Free *out with
 * ps_fleet_check_free. PS_EPARSE at FILE:line:col for a file that is not
 * such a document, PS_ERROR for one that cannot be read, PS_EINVALID for a
 * NULL argument, PS_ENOMEM; *out is then NULL.
 */
int ps_fleet_check_files(ps_fleet_check **out, const char *const *files, size_t n, ps_error *err);
void ps_fleet_check_free(ps_fleet_check *check);
/* Findings first, then notes, each by host in the order named, then in
 * the order of the host's facts; 0 for a NULL check. */
size_t ps_fleet_check_count(const ps_fleet_check *check);
/* How many are findings (`fleet check` exits 1 when any); 0 for NULL. */
size_t ps_fleet_check_findings(const ps_fleet_check *check);
/* Item i, borrowed from the check; NULL when there is none. */
const ps_fleet_finding *ps_fleet_check_get(const ps_fleet_check *check, size_t i);
/* Appends what `fleet check` prints: text (a line per item, named
 * HOST:PATH:LINE:COL, and the counts), JSON (schemas/fleet.schema.json)
 * or markdown. 0, or PS_EINVALID for a NULL argument or a format not of
 * ps_format, PS_ENOMEM. */
int ps_fleet_check_report(ps_buf *out, const ps_fleet_check *check, ps_format format,
                          ps_error *err);

/*
 * ---- Added in 0.6.0: other hosts join a call (--with) ----
 *
 * ps_host_open_opts with the hosts that facts[0..nfacts) describe (facts
 * documents of other machines, as ps_facts writes them) joining the call
 * read-only: nothing of theirs is locked, planned or written. A reference
 * of the homes to a name one of those hosts claims follows its listeners,
 * as a reference to a co-hosted home does: ps_host_check reports one at a
 * port nobody there listens on while the listener it means listens on
 * another (PS_FINDING_STALE, `should` that port: ps_check_repair_command
 * names the facts files again), and notes one to a name no host has, one to
 * a port nothing there means, and one to a name several hosts have (this
 * one among them when it is also this machine's hostname or FQDN, or a name
 * a home configures): hosts on one machine share its hostname, so such a
 * reference is never repaired. A plan with PS_PLAN_REPAIR sets each stale
 * one to `should`, as it sets a stale self reference. Loopback names and
 * ${...} hosts stay this host's; clashes, owners and batch never see the
 * other hosts. nfacts 0 is ps_host_open_opts. `facts` may be NULL only when
 * nfacts is 0; each facts[i] is required. Errors: those of
 * ps_host_open_opts, and PS_EPARSE at file:line:col for a file that is not
 * a facts document ("format": 1), PS_ERROR for one that cannot be read.
 */
int ps_host_open_with(ps_host **out, const ps_home_spec *homes, size_t n,
                      const ps_host_options *opts, const char *const *facts, size_t nfacts,
                      ps_error *err);

#ifdef __cplusplus
}
#endif

#endif
