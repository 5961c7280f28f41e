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

/* Parse connections=N (1..POOL_MAX) for the plugin's config. */
extern int pool_config_connections (const char *value);
/* Parse retries=N (0..10) and retry-delay=S (0..60). */
extern int pool_config_retry (const char *key, const char *value);
extern void pool_init (const struct pool_ops *ops);
/* Read through a free slot (waiting for one), retrying a failed read on
 * a new connection up to retries times. */
extern int pool_pread (void *buf, uint32_t count, uint64_t offset);
extern void pool_close_all (void);
extern unsigned pool_size (void);

#endif
