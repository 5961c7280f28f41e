/* The source connection pool of v2vboot's nbdkit plugins (pool.h). */
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define NBDKIT_API_VERSION 2
#include <nbdkit-plugin.h>

#include "pool.h"

struct slot {
  void *conn;                   /* NULL until first used, or after a failure */
  bool busy;
};

static const struct pool_ops *ops;
static struct slot slots[POOL_MAX];
static unsigned nr_slots = 4;
static unsigned retries = 5, retry_delay = 2;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t freed = PTHREAD_COND_INITIALIZER;
static int64_t disk_size = -1;

struct pool_params pool_params = { .timeout = 60 };

static int
parse_bounded (const char *key, const char *value, unsigned lo, unsigned hi,
               unsigned *out)
{
  unsigned n;

  if (nbdkit_parse_unsigned (key, value, &n) == -1)
    return -1;
  if (n < lo || n > hi) {
    nbdkit_error ("%s=%u: must be %u to %u", key, n, lo, hi);
    return -1;
  }
  *out = n;
  return 0;
}

int
pool_config (const char *key, const char *value)
{
  unsigned t;

  if (strcmp (key, "user") == 0)
    return pool_set_string (&pool_params.user, value);
  if (strcmp (key, "password") == 0) {
    free (pool_params.password);
    pool_params.password = NULL;
    return nbdkit_read_password (value, &pool_params.password);
  }
  if (strcmp (key, "timeout") == 0) {
    if (parse_bounded (key, value, 1, 3600, &t) == -1)
      return -1;
    pool_params.timeout = t;
    return 0;
  }
  if (strcmp (key, "connections") == 0)
    return parse_bounded (key, value, 1, POOL_MAX, &nr_slots);
  if (strcmp (key, "retries") == 0)
    return parse_bounded (key, value, 0, 10, &retries);
  if (strcmp (key, "retry-delay") == 0)
    return parse_bounded (key, value, 0, 60, &retry_delay);
  return 1;
}

void
pool_init (const struct pool_ops *o)
{
  ops = o;
}

unsigned
pool_size (void)
{
  return nr_slots;
}

static struct slot *
take (void)
{
  unsigned i;

  pthread_mutex_lock (&lock);
  for (;;) {
    for (i = 0; i < nr_slots; ++i)
      if (!slots[i].busy) {
        slots[i].busy = true;
        pthread_mutex_unlock (&lock);
        return &slots[i];
      }
    pthread_cond_wait (&freed, &lock);
  }
}

static void
give_back (struct slot *s)
{
  pthread_mutex_lock (&lock);
  s->busy = false;
  pthread_cond_signal (&freed);
  pthread_mutex_unlock (&lock);
}

/* One try on slot s: connect if needed, read; a failed connection is
 * dropped so that the next try makes a new one. */
static int
try_read (struct slot *s, void *buf, uint32_t count, uint64_t offset,
          bool *fatal)
{
  if (s->conn == NULL && ops->open (&s->conn, fatal) == -1) {
    s->conn = NULL;
    return -1;
  }
  if (ops->pread (s->conn, buf, count, offset) == 0)
    return 0;
  ops->close (s->conn);
  s->conn = NULL;
  return -1;
}

int
pool_pread (void *buf, uint32_t count, uint64_t offset)
{
  struct slot *s = take ();
  bool fatal = false;
  unsigned i;
  int r = -1;

  for (i = 0; i <= retries && !fatal; ++i) {
    if (i > 0) {
      nbdkit_debug ("retry %u of a read of %" PRIu32 " bytes at %" PRIu64
                    " in %u s", i, count, offset, retry_delay);
      sleep (retry_delay);
    }
    r = try_read (s, buf, count, offset, &fatal);
    if (r == 0)
      break;
  }
  give_back (s);
  return r;
}

void
pool_unload (void)
{
  unsigned i;

  for (i = 0; i < POOL_MAX; ++i)
    if (slots[i].conn) {
      ops->close (slots[i].conn);
      slots[i].conn = NULL;
    }
  free (pool_params.user);
  if (pool_params.password)
    memset (pool_params.password, 0, strlen (pool_params.password));
  free (pool_params.password);
}

int
pool_set_string (char **dst, const char *value)
{
  free (*dst);
  *dst = strdup (value);
  if (*dst == NULL) {
    nbdkit_error ("strdup: %m");
    return -1;
  }
  return 0;
}

void
pool_set_size (int64_t size)
{
  disk_size = size;
}

void *
pool_nbd_open (int readonly)
{
  (void) readonly;
  return NBDKIT_HANDLE_NOT_NEEDED;    /* the pool is the process's */
}

int64_t
pool_nbd_get_size (void *handle)
{
  (void) handle;
  return disk_size;
}

int
pool_nbd_can_multi_conn (void *handle)
{
  (void) handle;
  return 1;                     /* read-only: every connection sees the same */
}

int
pool_nbd_pread (void *handle, void *buf, uint32_t count, uint64_t offset,
                uint32_t flags)
{
  (void) handle; (void) flags;
  return pool_pread (buf, count, offset);
}
