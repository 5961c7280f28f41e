/* A bounded pool of source connections for v2vboot's nbdkit plugins
 * (v2vhttps.c, v2vsftp.c): at most N at once, shared by every NBD
 * connection and request thread of the nbdkit process, so that N is the
 * bound the source sees (kickstart options --connections).  A slot's
 * connection is made on its first use and remade after a failure; the
 * plugin says how (struct pool_ops).
 */
#ifndef V2V_PLUGIN_POOL_H
#define V2V_PLUGIN_POOL_H

#include <stdbool.h>
#include <stdint.h>

#define POOL_MAX 16             /* options --connections=1..16 */

struct pool_ops {
  /* Make slot's connection (*conn), or return -1 with nbdkit_error
   * called.  Sets *fatal when trying again cannot help (a host key that
   * does not match). */
  int (*open) (void **conn, bool *fatal);
  void (*close) (void *conn);
  /* Read count bytes at offset on conn: all of them, or -1. */
  int (*pread) (void *conn, void *buf, uint32_t count, uint64_t offset);
};

/* The parameters both plugins take, set by pool_config. */
struct pool_params {
  char *user;
  char *password;               /* password=+FILE (never in argv) */
  long timeout;                 /* seconds per request */
};
extern struct pool_params pool_params;

/* A parameter both plugins take: user=, password=, timeout=,
 * connections=N (1..POOL_MAX), retries=N (0..10), retry-delay=S (0..60).
 * Returns 0, -1 with nbdkit_error called, or 1 if key is not one. */
extern int pool_config (const char *key, const char *value);
extern void pool_init (const struct pool_ops *ops);
/* Read through a free slot (waiting for one), retrying a failed read on
 * a new connection up to retries times. */
extern int pool_pread (void *buf, uint32_t count, uint64_t offset);
/* Every connection closed, the parameters freed (the plugin's unload). */
extern void pool_unload (void);
extern unsigned pool_size (void);

/* What both plugins share: a copy of a parameter's value, the disk's
 * size (learnt in get_ready), and the callbacks of struct nbdkit_plugin
 * that do not depend on the source. */
extern int pool_set_string (char **dst, const char *value);
extern void pool_set_size (int64_t size);
extern void *pool_nbd_open (int readonly);
extern int64_t pool_nbd_get_size (void *handle);
extern int pool_nbd_can_multi_conn (void *handle);
extern int pool_nbd_pread (void *handle, void *buf, uint32_t count,
                           uint64_t offset, uint32_t flags);
#define POOL_NBD_CALLBACKS \
  .open = pool_nbd_open, .get_size = pool_nbd_get_size, \
  .can_multi_conn = pool_nbd_can_multi_conn, .pread = pool_nbd_pread

#endif
