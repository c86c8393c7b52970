#include "detect/running.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include "base/strbuf.h"

int ps_home_running(const char *home, long *pid)
{
    char buf[64];
    ssize_t r;
    char *path = ps_xasprintf("%s/wso2carbon.pid", home);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    free(path);
    if (fd < 0)
        return 0;
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
