/*
 * Ports already listening on this host (`check --listening`): the TCP
 * sockets in state LISTEN of /proc/net/tcp and /proc/net/tcp6, and which
 * process holds them, read through /proc/PID/fd ("socket:[INODE]" links).
 *
 * `proc` is the procfs mount ("/proc"); the suites pass a folder laid out
 * the same way to show what happens when a table or a process cannot be read.
 */
#ifndef PS_CHECK_BOUND_H
#define PS_CHECK_BOUND_H

#include <stddef.h>

#include <portshift/portshift.h>

typedef struct ps_socket {
    long port;
    unsigned long inode; /* 0: the kernel gave none (a socket of another namespace) */
    long pid;            /* the process holding it, -1 unknown (ps_sockets_owners) */
    char *comm;          /* its command name, or NULL */
} ps_socket;

typedef struct ps_sockets {
    ps_socket *items;
    size_t count;
} ps_sockets;

/*
 * Appends the sockets in state LISTEN (0A) of one /proc/net/tcp or tcp6
 * table held in text[0..len), named `path` for errors. A line that is not
 * such a table's line fails with path:line: a table read wrong would make
 * `check --listening` answer for ports it did not see. Out of memory is
 * -1 with ps_error_oom; the sockets appended so far stay in s.
 */
int ps_sockets_parse(ps_sockets *s, const char *path, const char *text, size_t len, ps_error *err);
/* Both tables under `proc`, each read as it comes (no size limit: a busy
 * host's is tens of MiB); a missing tcp6 (no IPv6 in the kernel) counts as
 * empty. -1 (s freed) when a table cannot be read or out of memory. */
int ps_sockets_read(ps_sockets *s, const char *proc, ps_error *err);
/* Names the process of each socket in want[0..n) (indexes into s) that this
 * user may look at: one pass over every process's open files. -1 when out
 * of memory (the sockets named so far keep their names). */
int ps_sockets_owners(ps_sockets *s, const size_t *want, size_t n, const char *proc);
void ps_sockets_free(ps_sockets *s);

/* The inodes of the sockets process `pid` holds (sorted); 0, or 1 when its
 * open files cannot be read (another user's process, or it is gone), -1
 * when out of memory (both with *inodes NULL and *n 0). */
int ps_process_sockets(unsigned long **inodes, size_t *n, const char *proc, long pid);

/* 1 when `inode` is in sorted inodes[0..n). */
int ps_inode_in(const unsigned long *inodes, size_t n, unsigned long inode);

/* Internal to bound.c and holders.c: parses the decimal digits text[a..b)
 * into *v; 0 when they are not all digits or too many for it. */
int ps_sockets__decimal(const char *text, size_t a, size_t b, unsigned long *v);

#endif
