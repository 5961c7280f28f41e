/* The source connection pool of v2vboot's nbdkit plugins (pool.h). */
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

int
pool_config_connections (const char *value)
{
  unsigned n;

  if (nbdkit_parse_unsigned ("connections", value, &n) == -1)
    return -1;
  if (n < 1 || n > POOL_MAX) {
    nbdkit_error ("connections=%u: must be 1 to %d", n, POOL_MAX);
    return -1;
  }
  nr_slots = n;
  return 0;
}

int
pool_config_retry (const char *key, const char *value)
{
  unsigned n;

  if (nbdkit_parse_unsigned (key, value, &n) == -1)
    return -1;
  if (strcmp (key, "retries") == 0 && n <= 10)
    retries = n;
  else if (strcmp (key, "retry-delay") == 0 && n <= 60)
    retry_delay = n;
  else {
    nbdkit_error ("%s=%u: out of range", key, n);
    return -1;
  }
  return 0;
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
pool_close_all (void)
{
  unsigned i;

  for (i = 0; i < POOL_MAX; ++i)
    if (slots[i].conn) {
      ops->close (slots[i].conn);
      slots[i].conn = NULL;
    }
}
