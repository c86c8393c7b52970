#include "detect/running.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/path.h"
#include "base/strbuf.h"

#define PID_FILE "wso2carbon.pid"

int ps_pid_file_check(const char *dir, ps_error *err)
{
    char *path = ps_path_join(dir, PID_FILE);
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
    char *path = ps_path_join(home, PID_FILE);
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
    free(path);
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
