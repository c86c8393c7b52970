/*
 * The names of the machine portshift runs on, as the system gives them:
 * what `facts` lists as this host's names, and what `--with` compares the
 * other hosts' names against (hosts on one machine share its hostname).
 */
#ifndef PS_HOST_MACHINE_H
#define PS_HOST_MACHINE_H

#include <stddef.h>

/* Room for a hostname and for an FQDN (NI_MAXHOST), with the NUL. */
#define PS_HOSTNAME_SIZE 256
#define PS_FQDN_SIZE 1025

/*
 * gethostname into hostname[0, PS_HOSTNAME_SIZE) ("" when unknown), and the
 * resolver's canonical name of it into fqdn[0, PS_FQDN_SIZE) when it gives
 * one other than the hostname ("" otherwise). A failed lookup (no resolver,
 * no network) leaves the name out: it never fails the call.
 */
void ps_machine_names(char *hostname, char *fqdn);

#endif
