/*
 * Whether a home's server is running: a fact about the home that apply
 * (refuse to patch it), recovery and check (its own sockets are not a clash)
 * all ask, so it lives with detection, below every one of them.
 */
#ifndef PS_DETECT_RUNNING_H
#define PS_DETECT_RUNNING_H

#include "base/error.h"

/*
 * 1 when `home` has a wso2carbon.pid file (at the home root) naming a live
 * process (kill(pid, 0) succeeds or fails with EPERM), and then *pid (if not
 * NULL) is that pid; 0 when not (no file, unparsable, or dead process). A
 * pid file that is not a regular file (a FIFO, a device, a symlink) is never
 * opened and counts as none: the answer comes at once.
 */
int ps_home_running(const char *home, long *pid);

/*
 * -1 with "DIR/wso2carbon.pid: not a regular file" when folder `dir` has a
 * pid file that is a FIFO, a device, a symlink or a folder (a server writes
 * a regular file there): detection refuses such a home, so no command reads
 * it as "not running". 0 when there is none or a regular one.
 */
int ps_pid_file_check(const char *dir, ps_error *err);

/* What a server's command line may hold: a java command line with its
 * classpath is tens of KiB; more than this is not read. */
#define PS_CMDLINE_MAX ((size_t)1 << 20)

/*
 * The -DportOffset=N the command line of process `pid` holds (read from
 * `proc`/PID/cmdline, "/proc" on a live system), wherever it stands; the
 * last one, as the JVM takes the last. 1 and *offset when there is one, 0
 * when none, or when the command line cannot be read or is longer than
 * PS_CMDLINE_MAX: then nothing is known of it. -1 when out of memory.
 */
int ps_process_offset(const char *proc, long pid, long *offset);

/* The longest process name read: the kernel keeps 15 bytes, a fake /proc
 * (or a future kernel) may hold more. */
#define PS_COMM_MAX 64

/*
 * The name of process `pid` (`proc`/PID/comm, "java" for a Carbon server),
 * at most PS_COMM_MAX bytes, each control character shown as '?': its
 * owner chose it, and it must not forge a line of ours. 1 with name[] set,
 * 0 when it cannot be read or is empty.
 */
int ps_process_name(const char *proc, long pid, char name[PS_COMM_MAX + 1]);
/* How a message names a running server: "pid 1234, java", or "pid 1234"
 * when its name cannot be read. Caller frees; NULL when out of memory. */
char *ps_process_label(const char *proc, long pid);

#endif
