#include "detect/running.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/path.h"
#include "base/strbuf.h"

#define PID_FILE "wso2carbon.pid"

int ps_pid_file_check(const char *dir, ps_error *err)
{
    char *path = ps_path_join(dir, PID_FILE);
    if (!path)
        return ps_error_oom(err);
    struct stat st;
    int rc = 0;
    /* lstat: the server writes its pid file in place; a symlink there is not one. */
    if (lstat(path, &st) == 0 && !S_ISREG(st.st_mode))
        rc = ps_error_set(err, path, 0, 0, "not a regular file");
    free(path);
    return rc;
}

int ps_home_running(const char *home, long *pid)
{
    char buf[64];
    ssize_t r;
    /* On the stack: a question with no error to return must not need memory.
     * A path too long for it is one open(2) would refuse as well. */
    char path[PATH_MAX];
    if (snprintf(path, sizeof path, "%s/%s", home, PID_FILE) >= (int)sizeof path)
        return 0;
    /*
     * Anything but a regular file is no pid file, and is never waited on:
     * open(2) of a FIFO blocks until a writer comes, which would hold the
     * home's lock forever. O_NOFOLLOW: a symlink is not followed out of the
     * home; O_NONBLOCK and fstat: a FIFO swapped in after lstat.
     */
    struct stat st;
    int fd = -1;
    if (lstat(path, &st) == 0 && S_ISREG(st.st_mode))
        fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY);
    if (fd < 0)
        return 0;
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return 0;
    }
    do
        r = read(fd, buf, sizeof buf);
    while (r < 0 && errno == EINTR);
    close(fd);
    /* A pid file is a number and maybe a newline; anything longer is not one. */
    if (r <= 0 || (size_t)r == sizeof buf)
        return 0;

    size_t i = 0, len = (size_t)r;
    long p = 0;
    while (i < len && (buf[i] == ' ' || buf[i] == '\t'))
        i++;
    size_t digits = i;
    for (; i < len && buf[i] >= '0' && buf[i] <= '9'; i++) {
        if (p > (0x7fffffffL - (buf[i] - '0')) / 10) /* beyond any pid_t */
            return 0;
        p = p * 10 + (buf[i] - '0');
    }
    if (i == digits)
        return 0;
    while (i < len && (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\r' || buf[i] == '\n'))
        i++;
    /* kill(0, ...) would test our own process group, not a server. */
    if (i != len || p <= 0)
        return 0;
    if (kill((pid_t)p, 0) < 0 && errno != EPERM)
        return 0;
    if (pid)
        *pid = p;
    return 1;
}

/*
 * Reads `proc`/PID/`leaf` into buf (at most max + 1 bytes, so a longer file
 * shows as one): its length, or -1 when it cannot be read. procfs files are
 * regular and never block; a fake /proc in a test is opened the same
 * careful way as anything else.
 */
static ssize_t read_proc_file(const char *proc, long pid, const char *leaf, char *buf, size_t max)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%ld/%s", proc, pid, leaf);
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY);
    if (fd < 0)
        return -1;
    size_t len = 0;
    ssize_t r = 0;
    while (len <= max &&
           ((r = read(fd, buf + len, max + 1 - len)) > 0 || (r < 0 && errno == EINTR)))
        if (r > 0)
            len += (size_t)r;
    close(fd);
    return r < 0 ? -1 : (ssize_t)len;
}

int ps_process_name(const char *proc, long pid, char name[PS_COMM_MAX + 1])
{
    ssize_t r = read_proc_file(proc, pid, "comm", name, PS_COMM_MAX);
    if (r <= 0)
        return 0;
    size_t len = (size_t)r > PS_COMM_MAX ? PS_COMM_MAX : (size_t)r;
    if (name[len - 1] == '\n') /* the kernel ends it with one */
        len--;
    name[len] = '\0';
    /* The process's owner names it (prctl, exec): no control character of
     * theirs reaches a terminal or splits a message in two. */
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)name[i] < 0x20 || name[i] == 0x7f)
            name[i] = '?';
    return len > 0;
}

char *ps_process_label(const char *proc, long pid)
{
    char name[PS_COMM_MAX + 1];
    if (ps_process_name(proc, pid, name))
        return ps_asprintf("pid %ld, %s", pid, name);
    return ps_asprintf("pid %ld", pid);
}

int ps_process_offset(const char *proc, long pid, long *offset)
{
    char *buf = ps_malloc(PS_CMDLINE_MAX + 1);
    if (!buf)
        return -1;
    ssize_t r = read_proc_file(proc, pid, "cmdline", buf, PS_CMDLINE_MAX);
    size_t len = r < 0 ? 0 : (size_t)r;
    int found = 0;
    if (r >= 0 && len <= PS_CMDLINE_MAX) {
        static const char flag[] = "-DportOffset=";
        /* NUL-separated arguments; the last may lack its NUL. */
        for (size_t at = 0; at < len;) {
            const char *arg = buf + at;
            const char *nul = memchr(arg, '\0', len - at);
            size_t n = nul ? (size_t)(nul - arg) : len - at;
            size_t k = sizeof flag - 1;
            if (n > k && n - k <= 5 && memcmp(arg, flag, k) == 0) {
                long v = 0;
                while (k < n && arg[k] >= '0' && arg[k] <= '9')
                    v = v * 10 + (arg[k++] - '0');
                if (k == n) {
                    *offset = v;
                    found = 1;
                }
            }
            at += n + 1;
        }
    }
    free(buf);
    return found;
}
