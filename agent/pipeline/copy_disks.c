/* The copy stage: the disks of one VM copied at the same time.
 *
 * Each disk has its own overlay, NBD socket and nbdkit with its own pool
 * of source connections, and the output copies it alone (copy_disk), so
 * the disks are independent.  Up to v2v_copy_width() of them copy at
 * once: the calling thread and width - 1 threads each take the next disk
 * not yet started, until none is left.  The bound: the cores (qemu-img,
 * nbdkit's TLS and the libvirt stream each want one), and the source's
 * connections: each disk being copied reads over up to
 * options --connections of them, and at most COPY_CONNECTIONS are busy
 * at once (ESXi limits its sessions: docs/kickstart.md, --connections).
 * A VM with one disk, or a width of 1, copies as it always did: in the
 * calling thread, one disk after the other.
 *
 * Each disk's stage event comes as its copy begins; events are whole
 * (events.c locks them).  The first disk that fails (or sees the cancel)
 * stops the others: no disk starts after it, and the programs the
 * others' copies run (qemu-img, qemu-nbd) get SIGTERM (their child
 * group, command.c).  Its error, moved from its thread, is the run's;
 * the others' errors (they were stopped) are only logged with -v.  The
 * pipeline's failure path then aborts the output, which removes every
 * disk this run created.
 *
 * Signals (SIGTERM, SIGINT, SIGHUP) stay with the calling thread, as
 * before: the threads block them.
 */
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

/* Source connections busy copying, at most, for one VM. */
#define COPY_CONNECTIONS 8
#define DEFAULT_CONNECTIONS 4   /* options --connections' default */

struct copier {
  struct run *run;
  size_t width;
  unsigned group;               /* the child group of the copies' programs */
  pthread_mutex_t lock;
  size_t next;                  /* the next disk to start */
  bool failed;                  /* a disk failed: start none, stop the rest */
  struct v2v_saved_error error; /* the first failure's */
};

/* How many of disks copy at once, with cores and connections per disk. */
size_t
v2v_copy_width (size_t disks, unsigned cores, unsigned connections)
{
  size_t width = disks, by_source;

  if (connections == 0)
    connections = DEFAULT_CONNECTIONS;
  by_source = COPY_CONNECTIONS / connections;
  if (width > cores)
    width = cores;
  if (width > by_source)
    width = by_source;
  return width ? width : 1;
}

/* The cores this process may run on. */
static unsigned
cores (void)
{
  cpu_set_t set;
  long n;

  if (sched_getaffinity (0, sizeof set, &set) == 0 && CPU_COUNT (&set) > 0)
    return (unsigned) CPU_COUNT (&set);
  n = sysconf (_SC_NPROCESSORS_ONLN);
  return n > 0 ? (unsigned) n : 1;
}

/* The next disk to copy in *i; false when none is left, or one failed. */
static bool
take_disk (struct copier *c, size_t *i)
{
  bool ok;

  pthread_mutex_lock (&c->lock);
  ok = !c->failed && c->next < c->run->nr_disks;
  if (ok)
    *i = c->next++;
  pthread_mutex_unlock (&c->lock);
  return ok;
}

/* This thread's disk failed: the first failure keeps its error and
 * stops the other disks' programs.
 */
static void
fail_disk (struct copier *c, size_t i)
{
  struct v2v_saved_error e;
  bool first;

  if (v2v_last_error () == NULL)
    v2v_error ("disk %zu: the copy failed", i);
  v2v_error_take (&e);
  pthread_mutex_lock (&c->lock);
  first = !c->failed;
  if (first) {
    c->failed = true;
    c->error = e;
  }
  pthread_mutex_unlock (&c->lock);
  if (first) {
    v2v_child_group_stop (c->group);
    return;
  }
  v2v_debug ("disk %zu stopped too: %s", i,
             e.message ? e.message : "no error");
  free (e.message);
  free (e.detail);
}

static int
copy_one (struct copier *c, size_t i)
{
  struct run *run = c->run;

  if (v2v_event_stage (run, "copy", (int) i) == -1)
    return -1;
  if (i == 0 && c->width > 1)
    v2v_info (run, "%zu disks, %zu at once (%u cores; each reads over up "
              "to %u source connections, at most %d copying)",
              run->nr_disks, c->width, cores (),
              run->cfg->options.connections ? run->cfg->options.connections
              : DEFAULT_CONNECTIONS, COPY_CONNECTIONS);
  return v2v_dest_copy (run, &run->disks[i], (int) i);
}

static void *
worker (void *arg)
{
  struct copier *c = arg;
  size_t i;

  v2v_set_stage ("copy");
  v2v_child_group_set (c->group);
  while (take_disk (c, &i))
    if (copy_one (c, i) == -1)
      fail_disk (c, i);
  v2v_child_group_set (0);
  return NULL;
}

int
v2v_copy_disks (struct run *run)
{
  static unsigned groups;
  struct copier c = {
    .run = run, .lock = PTHREAD_MUTEX_INITIALIZER,
    .width = v2v_copy_width (run->nr_disks, cores (),
                             run->cfg->options.connections),
    .group = __atomic_add_fetch (&groups, 1, __ATOMIC_RELAXED),
  };
  pthread_t threads[COPY_CONNECTIONS];
  size_t n = 0, k;
  sigset_t stop, old;

  if (c.width > COPY_CONNECTIONS)
    c.width = COPY_CONNECTIONS;
  sigemptyset (&stop);
  sigaddset (&stop, SIGTERM);
  sigaddset (&stop, SIGINT);
  sigaddset (&stop, SIGHUP);
  pthread_sigmask (SIG_BLOCK, &stop, &old);
  /* A thread that cannot start leaves its disks to the others. */
  while (n + 1 < c.width && pthread_create (&threads[n], NULL, worker,
                                            &c) == 0)
    n++;
  pthread_sigmask (SIG_SETMASK, &old, NULL);
  if (n + 1 < c.width)
    v2v_debug ("%zu disks at once, not %zu: no more threads", n + 1,
               c.width);
  worker (&c);
  for (k = 0; k < n; ++k)
    pthread_join (threads[k], NULL);
  v2v_set_stage ("copy");
  if (c.failed) {
    v2v_error_put (&c.error);
    return -1;
  }
  return 0;
}
