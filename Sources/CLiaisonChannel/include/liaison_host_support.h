/* Not part of the plugin ABI: what liaison-channel-host needs from C. */
#ifndef LIAISON_HOST_SUPPORT_H
#define LIAISON_HOST_SUPPORT_H
/* The host dies with liaisond even if a plugin has wedged it (PR_SET_PDEATHSIG). */
int liaison_host_die_with_parent(void);
#endif
