/*
 * Which process holds a socket (check/bound.h): the "socket:[INODE]" links
 * of /proc/PID/fd, for one process (its home's own server) or for every
 * process this user may look at (the owners of the sockets in the way).
 */
#include "check/bound.h"

#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/strbuf.h"
#include "detect/running.h"

/* The inode of a "socket:[123]" link at dir/name, or 0. */
static unsigned long socket_inode(int dirfd, const char *name)
{
    char link[64];
    ssize_t n = readlinkat(dirfd, name, link, sizeof link - 1);
    if (n <= 0)
        return 0;
    link[n] = '\0';
    unsigned long inode;
    size_t len = (size_t)n;
    if (len < 10 || strncmp(link, "socket:[", 8) != 0 || link[len - 1] != ']' ||
        !ps_sockets__decimal(link, 8, len - 1, &inode))
        return 0;
    return inode;
}

/* Calls found(inode, ctx) for each socket process `pid` holds, until one
 * fails (-1: out of memory); 1 when its fds cannot be read. */
static int each_socket(const char *proc, long pid, int (*found)(unsigned long, void *), void *ctx)
{
    /* On the stack: an unreadable process is no error, and this needs no
     * memory to say so. A path too long for it is one opendir would refuse. */
    char fds[PATH_MAX];
    if (snprintf(fds, sizeof fds, "%s/%ld/fd", proc, pid) >= (int)sizeof fds)
        return 1;
    DIR *d = opendir(fds);
    if (!d)
        return 1;
    struct dirent *e;
    int rc = 0;
    while (rc == 0 && (e = readdir(d)) != NULL) {
        unsigned long inode = e->d_name[0] != '.' ? socket_inode(dirfd(d), e->d_name) : 0;
        if (inode)
            rc = found(inode, ctx);
    }
    closedir(d);
    return rc;
}

typedef struct inode_list {
    unsigned long *items;
    size_t count, cap;
} inode_list;

static int add_inode(unsigned long inode, void *ctx)
{
    inode_list *l = ctx;
    unsigned long *slot = PS_TRY_PUSH(l->items, l->count, l->cap);
    if (!slot)
        return -1;
    *slot = inode;
    return 0;
}

static int cmp_inodes(const void *a, const void *b)
{
    unsigned long x = *(const unsigned long *)a, y = *(const unsigned long *)b;
    return (x > y) - (x < y);
}

int ps_process_sockets(unsigned long **inodes, size_t *n, const char *proc, long pid)
{
    inode_list l = {0};
    int rc = each_socket(proc, pid, add_inode, &l);
    if (rc != 0) {
        free(l.items);
        *inodes = NULL;
        *n = 0;
        return rc;
    }
    ps_sort(l.items, l.count, sizeof *l.items, cmp_inodes);
    *inodes = l.items;
    *n = l.count;
    return 0;
}

int ps_inode_in(const unsigned long *inodes, size_t n, unsigned long inode)
{
    size_t a = 0, b = n;
    while (a < b) {
        size_t mid = a + (b - a) / 2;
        if (inodes[mid] == inode)
            return 1;
        if (inodes[mid] < inode)
            a = mid + 1;
        else
            b = mid;
    }
    return 0;
}

typedef struct owner_scan {
    ps_sockets *s;
    const size_t *want;
    size_t n;
    long pid;
    const char *proc;
} owner_scan;

static int claim_socket(unsigned long inode, void *ctx)
{
    owner_scan *o = ctx;
    for (size_t i = 0; i < o->n; i++) {
        ps_socket *k = &o->s->items[o->want[i]];
        if (k->inode != inode || k->pid >= 0)
            continue;
        k->pid = o->pid;
        char name[PS_COMM_MAX + 1];
        if (ps_process_name(o->proc, o->pid, name) && !(k->comm = ps_strdup(name)))
            return -1;
    }
    return 0;
}

int ps_sockets_owners(ps_sockets *s, const size_t *want, size_t n, const char *proc)
{
    if (n == 0)
        return 0;
    DIR *d = opendir(proc);
    if (!d)
        return 0;
    struct dirent *e;
    int rc = 0;
    while (rc == 0 && (e = readdir(d)) != NULL) {
        unsigned long pid;
        if (!ps_sockets__decimal(e->d_name, 0, strlen(e->d_name), &pid))
            continue;
        owner_scan o = {s, want, n, (long)pid, proc};
        /* 1, unreadable: its sockets stay unknown */
        rc = each_socket(proc, (long)pid, claim_socket, &o) < 0 ? -1 : 0;
    }
    closedir(d);
    return rc;
}
