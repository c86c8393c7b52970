/*
 * A folder laid out like /proc, for the suites of `check --listening` and
 * `batch --listening`: net/tcp tables, and per process fd/ links to
 * "socket:[INODE]" and a comm file.
 */
#ifndef PS_TESTS_FAKEPROC_H
#define PS_TESTS_FAKEPROC_H

/* A /proc/net/tcp table: its header, then LINE rows (port in hex, state
 * "0A" for listening, inode in decimal); LINE6 is a tcp6 row. */
#define PROC_TCP_HEADER                                                                            \
    "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout "  \
    "inode\n"
#define PROC_TCP_LINE(port, state, inode)                                                          \
    "   0: 0100007F:" port " 00000000:0000 " state " 00000000:00000000 00:00000000 00000000  "     \
    "1000        0 " inode " 1 0000000000000000 100 0 0 10 0\n"
#define PROC_TCP_LINE6(port, state, inode)                                                         \
    "   1: 00000000000000000000000000000000:" port " 00000000000000000000000000000000:0000 " state \
    " 00000000:00000000 00:00000000 00000000  1000        0 " inode " 1 0000000000000000 100 0 0 " \
    "10 0\n"

/* Writes root/rel (making its folders); the test fails when it cannot. */
void fake_file(const char *root, const char *rel, const char *text);
/* root/PID/fd/FD -> "socket:[INODE]". */
void fake_socket_fd(const char *root, long pid, int fd, unsigned long inode);

/* A live process a wso2carbon.pid can name: a child running `sleep 60`,
 * returned once exec has run (before, it still bears the test's name). */
long sleeper_start(void);
/* Kills and reaps it. */
void sleeper_stop(long pid);

#endif
