/* Upload one disk from an NBD server into a libvirt sparse stream.
 *
 * A reader thread walks the disk with libnbd (block status, then reads
 * of up to CHUNK bytes) and fills a small ring of buffers; the calling
 * thread sends each buffer in order, as data or as a hole.  Reading the
 * next chunks from the source while the current one crosses the
 * (SSH-encrypted) libvirt connection keeps both busy; a full ring makes
 * the reader wait, so memory stays at RING x CHUNK whatever the disk.
 *
 * Each chunk is read as PIECES requests in flight at once (libnbd's
 * asynchronous reads): qemu-nbd serves them concurrently, so the
 * copy-on-read overlay fetches their ranges from the source over as many
 * of its --connections as it has; one 4 MiB read reached the source as
 * one range on one connection, at one connection's rate.
 *
 * Only the reader touches the NBD handle, only the caller the stream.
 * Several disks upload at once, each from a thread of copy_disks.c, on
 * the run's one libvirt connection (libvirt's connections are
 * thread-safe; each disk has its own stream).
 */
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libnbd.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "internal.h"

#define CHUNK (4 * 1024 * 1024)
#define RING 4
#define STATUS_WINDOW (512ULL * 1024 * 1024)
#define MAX_EXTENTS 1024
#define PIECES 8          /* as qemu-img convert -m 8 (output_local_copy.c) */

struct slot {
  char *buf;
  uint64_t len;
  bool hole;
};

struct ring {
  pthread_mutex_t lock;
  pthread_cond_t changed;
  struct slot slot[RING];
  size_t head, tail;           /* filled: [tail, head), modulo RING */
  bool eof;                    /* the reader is done (or failed) */
  bool stop;                   /* the sender gave up: reader, quit */
  char *error;                 /* the reader's error message */

  struct nbd_handle *nbd;
  uint64_t size;
  const char *label;
};

struct extents {
  uint64_t len[MAX_EXTENTS];
  bool zero[MAX_EXTENTS];
  size_t n;
};

static int
extent_cb (void *opaque, const char *ctx, uint64_t off, uint32_t *entries,
           size_t nr, int *error)
{
  struct extents *e = opaque;
  size_t i;

  (void) off; (void) error;
  if (strcmp (ctx, LIBNBD_CONTEXT_BASE_ALLOCATION) != 0)
    return 0;
  for (i = 0; i + 1 < nr && e->n < MAX_EXTENTS; i += 2) {
    e->len[e->n] = entries[i];
    e->zero[e->n] = (entries[i + 1] & LIBNBD_STATE_ZERO) != 0;
    e->n++;
  }
  return 0;
}

static bool
all_zero (const char *buf, size_t n)
{
  return n == 0 || (buf[0] == 0 && memcmp (buf, buf + 1, n - 1) == 0);
}

/* Wait for a free slot; NULL if the sender stopped. */
static struct slot *
ring_free_slot (struct ring *r)
{
  struct slot *s = NULL;

  pthread_mutex_lock (&r->lock);
  while (!r->stop && r->head - r->tail == RING)
    pthread_cond_wait (&r->changed, &r->lock);
  if (!r->stop)
    s = &r->slot[r->head % RING];
  pthread_mutex_unlock (&r->lock);
  return s;
}

static void
ring_push (struct ring *r)
{
  pthread_mutex_lock (&r->lock);
  r->head++;
  pthread_cond_broadcast (&r->changed);
  pthread_mutex_unlock (&r->lock);
}

static void
ring_finish (struct ring *r, char *error)
{
  pthread_mutex_lock (&r->lock);
  r->eof = true;
  r->error = error;
  pthread_cond_broadcast (&r->changed);
  pthread_mutex_unlock (&r->lock);
}

/* Read N bytes at OFF into BUF as up to PIECES requests at once. */
static int
pread_pieces (struct nbd_handle *nbd, char *buf, uint64_t n, uint64_t off)
{
  uint64_t piece = (n + PIECES - 1) / PIECES, done = 0;
  int64_t cookie[PIECES];
  size_t k, sent = 0;
  int ret = 0;

  piece = (piece + 4095) & ~(uint64_t) 4095;
  while (done < n && sent < PIECES) {
    uint64_t len = n - done < piece ? n - done : piece;
    cookie[sent] = nbd_aio_pread (nbd, buf + done, len, off + done,
                                  NBD_NULL_COMPLETION, 0);
    if (cookie[sent] == -1) {
      ret = -1;
      break;
    }
    sent++;
    done += len;
  }
  /* Wait for every request sent, even after an error: BUF is theirs. */
  while (nbd_aio_in_flight (nbd) > 0)
    if (nbd_poll (nbd, -1) == -1)
      return -1;
  for (k = 0; k < sent && ret == 0; ++k)
    if (nbd_aio_command_completed (nbd, (uint64_t) cookie[k]) == -1)
      ret = -1;
  return ret;
}

/* Queue LEN bytes at OFF: a hole, or data read (and checked for zeroes). */
static int
read_range (struct ring *r, uint64_t off, uint64_t len, bool zero,
            char **error)
{
  while (len > 0) {
    uint64_t n = zero ? len : (len < CHUNK ? len : CHUNK);
    struct slot *s = ring_free_slot (r);

    if (s == NULL)
      return -1;
    s->len = n;
    s->hole = zero;
    if (!zero) {
      if (pread_pieces (r->nbd, s->buf, n, off) == -1) {
        if (asprintf (error, "read %s: %s", r->label, nbd_get_error ()) == -1)
          *error = NULL;
        return -1;
      }
      s->hole = all_zero (s->buf, n);
    }
    ring_push (r);
    off += n;
    len -= n;
  }
  return 0;
}

static void *
reader (void *arg)
{
  struct ring *r = arg;
  char *error = NULL;
  uint64_t off = 0;

  while (off < r->size) {
    struct extents e = { .n = 0 };
    uint64_t window = r->size - off < STATUS_WINDOW ? r->size - off
                      : STATUS_WINDOW;
    size_t k;

    if (nbd_block_status (r->nbd, window, off,
                          (nbd_extent_callback) { .callback = extent_cb,
                                                  .user_data = &e }, 0) == -1) {
      if (asprintf (&error, "block status of %s: %s", r->label,
                    nbd_get_error ()) == -1)
        error = NULL;
      break;
    }
    if (e.n == 0) {
      if (asprintf (&error, "block status of %s: no extents", r->label) == -1)
        error = NULL;
      break;
    }
    for (k = 0; k < e.n && off < r->size; ++k) {
      uint64_t len = e.len[k];
      if (off + len > r->size)
        len = r->size - off;
      if (read_range (r, off, len, e.zero[k], &error) == -1)
        goto out;
      off += len;
    }
  }
 out:
  ring_finish (r, error);
  return NULL;
}

/* Wait for the next filled slot; NULL at the end or on the reader's error. */
static struct slot *
ring_next (struct ring *r)
{
  struct slot *s = NULL;

  pthread_mutex_lock (&r->lock);
  while (r->head == r->tail && !r->eof)
    pthread_cond_wait (&r->changed, &r->lock);
  if (r->head != r->tail)
    s = &r->slot[r->tail % RING];
  pthread_mutex_unlock (&r->lock);
  return s;
}

static void
ring_pop (struct ring *r)
{
  pthread_mutex_lock (&r->lock);
  r->tail++;
  pthread_cond_broadcast (&r->changed);
  pthread_mutex_unlock (&r->lock);
}

static int
send_slot (virStreamPtr st, const struct slot *s)
{
  size_t done = 0;

  if (s->hole)
    return virStreamSendHole (st, (long long) s->len, 0);
  while (done < s->len) {
    int n = virStreamSend (st, s->buf + done, s->len - done);
    if (n < 0)
      return -1;
    done += (size_t) n;
  }
  return 0;
}

static int
send_all (struct run *run, struct disk_state *d, int i, struct ring *r,
          virStreamPtr st)
{
  uint64_t sent = 0;
  double start = v2v_now (), last = 0;
  struct slot *s;

  while ((s = ring_next (r)) != NULL) {
    if (send_slot (st, s) == -1) {
      virErrorPtr err = virGetLastError ();
      v2v_error ("%s: send to the volume: %s", d->volume,
                 err && err->message ? err->message : "unknown libvirt error");
      return -1;
    }
    if (!s->hole) {
      sent += s->len;
      /* The disks upload at once (copy_disks.c). */
      __atomic_add_fetch (&run->libvirt_bytes, s->len, __ATOMIC_RELAXED);
    }
    ring_pop (r);
    if (v2v_now () - last > 0.5) {
      last = v2v_now ();
      v2v_event_copy (run, i, sent < d->data_bytes ? sent : d->data_bytes,
                      d->data_bytes, sent / (last - start + 1e-9));
    }
  }
  if (r->error != NULL || !r->eof) {
    v2v_error ("%s", r->error ? r->error : "out of memory");
    return -1;
  }
  v2v_event_copy (run, i, d->data_bytes, d->data_bytes,
                  sent / (v2v_now () - start + 1e-9));
  d->written = sent;
  v2v_info (run, "%s: %" PRIu64 " MiB of data sent over libvirt (%" PRIu64
            " bytes), the rest as holes", d->volume, sent >> 20, sent);
  return 0;
}

int
v2v_upload_stream (struct run *run, struct disk_state *d, int i,
                   struct nbd_handle *nbd, virStreamPtr st)
{
  struct ring r = {
    .lock = PTHREAD_MUTEX_INITIALIZER, .changed = PTHREAD_COND_INITIALIZER,
    .nbd = nbd, .size = d->size, .label = d->label,
  };
  pthread_t thread;
  size_t k;
  int ret = -1;

  for (k = 0; k < RING; ++k) {
    r.slot[k].buf = malloc (CHUNK);
    if (r.slot[k].buf == NULL) {
      v2v_error ("out of memory");
      goto out;
    }
  }
  k = (size_t) pthread_create (&thread, NULL, reader, &r);
  if (k != 0) {
    v2v_error ("cannot start the reader thread: %s", strerror ((int) k));
    goto out;
  }
  ret = send_all (run, d, i, &r, st);
  pthread_mutex_lock (&r.lock);
  r.stop = true;
  pthread_cond_broadcast (&r.changed);
  pthread_mutex_unlock (&r.lock);
  pthread_join (thread, NULL);
 out:
  free (r.error);
  for (k = 0; k < RING; ++k)
    free (r.slot[k].buf);
  return ret;
}
