/*
 * Whether a home's server is running: a fact about the home that apply
 * (refuse to patch it), recovery and check (its own sockets are not a clash)
 * all ask, so it lives with detection, below every one of them.
 */
#ifndef PS_DETECT_RUNNING_H
#define PS_DETECT_RUNNING_H

/*
 * 1 when `home` has a wso2carbon.pid file (at the home root) naming a live
 * process (kill(pid, 0) succeeds or fails with EPERM), and then *pid (if not
 * NULL) is that pid; 0 when not (no file, unparsable, or dead process).
 */
int ps_home_running(const char *home, long *pid);

#endif
