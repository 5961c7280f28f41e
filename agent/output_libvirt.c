/* libvirt destination: a KVM host reached over SSH.
 *
 * Before anything is converted: connect (host key verified against the
 * known-hosts file, key login), find the pool (active), and make sure no
 * domain or volume of the names we will use exists.  The copy creates a
 * raw volume per disk and streams the overlay into it with libvirt's
 * sparse stream upload (upload_stream.c): data from a read-only
 * qemu-nbd on the overlay, zero and trimmed areas sent as holes.
 * Nothing of the disk is stored on this host.  Only when every volume is
 * complete is the domain defined; any failure deletes the volumes this
 * run created.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <libnbd.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "internal.h"


static int
libvirt_error (const char *what)
{
  const char *msg = virGetLastErrorMessage ();

  v2v_error ("%s: %s", what, msg ? msg : "failed");
  return -1;
}

/* qemu+ssh://U@H/system -> qemu+libssh://U@H/system?keyfile=..&known_hosts=..
 * libvirt's OpenSSH transport ignores known_hosts=; its libssh transport
 * verifies the host key against it.  Caller frees.
 */
char *
v2v_libvirt_uri (const struct v2v_destination *dest)
{
  struct v2v_strbuf sb = { 0 };
  const char *uri = dest->uri;
  char sep = '?';

  if (strncmp (uri, "qemu+ssh://", 11) == 0) {
    v2v_sb_puts (&sb, "qemu+libssh://");
    v2v_sb_puts (&sb, uri + 11);
  }
  else
    v2v_sb_puts (&sb, uri);
  if (strncmp (uri, "qemu:///", 8) != 0) {
    if (dest->identity) {
      CLEANUP_FREE char *e = v2v_url_escape (dest->identity, true);
      v2v_sb_printf (&sb, "%ckeyfile=%s", sep, e ? e : "");
      sep = '&';
    }
    if (dest->known_hosts) {
      CLEANUP_FREE char *e = v2v_url_escape (dest->known_hosts, true);
      v2v_sb_printf (&sb, "%cknown_hosts=%s", sep, e ? e : "");
      sep = '&';
    }
    v2v_sb_printf (&sb, "%cknown_hosts_verify=normal", sep);
  }
  return v2v_sb_finish (&sb);
}

/* libvirt prints every error on stderr by default; we report them. */
static void
quiet (void *opaque, virErrorPtr err)
{
  (void) opaque; (void) err;
}

/* Connect to the destination's libvirt (host key verified). */
int
v2v_libvirt_connect (struct run *run)
{
  const struct v2v_destination *dest = &run->cfg->dest;
  CLEANUP_FREE char *uri = v2v_libvirt_uri (dest);
  const char *msg;

  if (uri == NULL)
    return -1;
  virSetErrorFunc (NULL, quiet);
  v2v_debug ("libvirt URI %s", uri);
  run->conn = virConnectOpen (uri);
  if (run->conn == NULL) {
    msg = virGetLastErrorMessage ();
    v2v_error ("cannot connect to %s: %s%s", dest->uri, msg,
               strstr (msg, "host key") ? ": check the host's key "
               "(ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub on it) and put "
               "it in the --known-hosts file" : "");
    return -1;
  }
  return 0;
}

int
v2v_libvirt_check_pool (struct run *run)
{
  const struct v2v_destination *dest = &run->cfg->dest;

  if (v2v_libvirt_connect (run) == -1)
    return -1;
  run->pool = virStoragePoolLookupByName (run->conn, dest->pool);
  if (run->pool == NULL) {
    v2v_error ("%s has no storage pool '%s': virsh -c %s pool-list --all "
               "shows the pools", dest->uri, dest->pool, dest->uri);
    return -1;
  }
  if (virStoragePoolIsActive (run->pool) != 1) {
    v2v_error ("storage pool '%s' on %s is not active: start it with "
               "virsh pool-start %s", dest->pool, dest->uri, dest->pool);
    return -1;
  }
  if (virStoragePoolRefresh (run->pool, 0) == -1)
    return libvirt_error ("refresh the storage pool");
  return 0;
}

int
v2v_libvirt_check_names (struct run *run)
{
  const struct v2v_destination *dest = &run->cfg->dest;
  virDomainPtr dom;
  size_t i;

  dom = virDomainLookupByName (run->conn, run->name);
  if (dom) {
    virDomainFree (dom);
    v2v_error ("a domain named '%s' already exists on %s: choose another "
               "name (vm --name)", run->name, dest->uri);
    return -1;
  }
  for (i = 0; i < run->nr_disks; ++i) {
    struct disk_state *d = &run->disks[i];
    virStorageVolPtr vol;

    d->volume = v2v_disk_name (run, i);
    if (d->volume == NULL)
      return -1;
    vol = virStorageVolLookupByName (run->pool, d->volume);
    if (vol) {
      virStorageVolFree (vol);
      v2v_error ("storage pool '%s' already has a volume '%s': choose "
                 "another name (vm --name) or delete it", dest->pool,
                 d->volume);
      return -1;
    }
  }
  return 0;
}

int
v2v_libvirt_space (struct run *run, uint64_t need, const char *what)
{
  virStoragePoolInfo info;

  if (virStoragePoolGetInfo (run->pool, &info) == -1)
    return libvirt_error ("storage pool information");
  if (info.available < need) {
    v2v_error ("not enough space in storage pool '%s': %llu MiB free, the "
               "VM needs %" PRIu64 " MiB (%s): free some space or choose "
               "another pool", run->cfg->dest.pool, info.available >> 20,
               (need + (1 << 20) - 1) >> 20, what);
    return -1;
  }
  return 0;
}

/* Extents of the overlay from block status: (length, is_zero) pairs. */
/* Serve the overlay read-only on a socket with qemu-nbd. */
static pid_t
serve_overlay (struct run *run, struct disk_state *d, size_t i, char **sock)
{
  CLEANUP_FREE char *log = NULL;
  pid_t pid;
  struct stat st;
  int k;

  if (asprintf (sock, "%s/overlay%zu.sock", run->workdir, i) == -1 ||
      asprintf (&log, "%s/qemu-nbd%zu.log", run->workdir, i) == -1)
    return -1;
  {
    const char *argv[] = { "qemu-nbd", "--read-only", "--format=qcow2",
                           "--shared=1", "--socket", *sock, d->overlay,
                           NULL };
    pid = v2v_spawn_logged (argv, log);
  }
  for (k = 0; pid > 0 && k < 300; ++k) {
    struct timespec ts = { 0, 50 * 1000 * 1000 };
    if (stat (*sock, &st) == 0)
      return pid;
    nanosleep (&ts, NULL);
  }
  v2v_kill_wait (pid);
  v2v_error ("qemu-nbd did not serve the overlay");
  return -1;
}

int
v2v_libvirt_copy_disk (struct run *run, struct disk_state *d, int i)
{
  bool prealloc = run->cfg->dest.allocation == V2V_ALLOC_PREALLOCATED;
  CLEANUP_FREE char *xml = NULL, *sock = NULL;
  struct nbd_handle *nbd = NULL;
  virStorageVolPtr vol = NULL;
  virStreamPtr st = NULL;
  pid_t qnbd;
  int ret = -1;

  if (asprintf (&xml, "<volume><name>%s</name>"
                "<capacity unit='bytes'>%" PRIu64 "</capacity>"
                "<allocation unit='bytes'>%" PRIu64 "</allocation>"
                "<target><format type='raw'/></target></volume>",
                d->volume, d->size, prealloc ? d->size : 0) == -1)
    return -1;
  v2v_event_copy (run, i, 0, d->data_bytes, 0);
  vol = virStorageVolCreateXML (run->pool, xml, 0);
  if (vol == NULL)
    return libvirt_error ("create the volume");
  d->out_created = true;
  d->out_path = virStorageVolGetPath (vol);
  if (d->out_path == NULL) {
    libvirt_error ("volume path");
    goto out;
  }
  qnbd = serve_overlay (run, d, (size_t) i, &sock);
  if (qnbd == -1)
    goto out;
  nbd = nbd_create ();
  if (nbd == NULL ||
      nbd_add_meta_context (nbd, LIBNBD_CONTEXT_BASE_ALLOCATION) == -1 ||
      nbd_connect_unix (nbd, sock) == -1) {
    v2v_error ("connect to qemu-nbd: %s", nbd_get_error ());
    goto kill;
  }
  st = virStreamNew (run->conn, 0);
  if (st == NULL ||
      virStorageVolUpload (vol, st, 0, d->size,
                           VIR_STORAGE_VOL_UPLOAD_SPARSE_STREAM) == -1) {
    libvirt_error ("start the upload");
    goto kill;
  }
  if (v2v_upload_stream (run, d, i, nbd, st) == -1) {
    virStreamAbort (st);
    goto kill;
  }
  if (virStreamFinish (st) == -1) {
    libvirt_error ("finish the upload");
    goto kill;
  }
  ret = 0;
 kill:
  if (nbd)
    nbd_close (nbd);
  v2v_kill_wait (qnbd);
 out:
  if (st)
    virStreamFree (st);
  virStorageVolFree (vol);
  return ret;
}

int
v2v_libvirt_define (struct run *run, const char *xml)
{
  virDomainPtr dom = virDomainDefineXML (run->conn, xml);

  if (dom == NULL)
    return libvirt_error ("define the domain");
  virDomainFree (dom);
  v2v_info (run, "defined domain %s on %s", run->name, run->cfg->dest.uri);
  return 0;
}

/* After a failure: delete every volume this run created.  One that
 * cannot be deleted (the connection dropped, the host said no) is named in
 * an error, with the command that deletes it.
 */
void
v2v_libvirt_abort (struct run *run)
{
  const struct v2v_destination *dest = &run->cfg->dest;
  size_t i;

  for (i = 0; i < run->nr_disks; ++i) {
    struct disk_state *d = &run->disks[i];
    virStorageVolPtr vol;
    const char *why = NULL;
    CLEANUP_FREE char *left = NULL;

    if (!d->out_created || d->volume == NULL)
      continue;
    vol = run->pool ? virStorageVolLookupByName (run->pool, d->volume) : NULL;
    if (vol == NULL) {
      virErrorPtr e = virGetLastError ();
      if (run->pool && e && e->code == VIR_ERR_NO_STORAGE_VOL)
        continue;               /* gone already */
      why = run->pool ? virGetLastErrorMessage () : "no connection";
    }
    else if (virStorageVolDelete (vol, 0) == -1)
      why = virGetLastErrorMessage ();
    if (why &&
        asprintf (&left, "volume %s in storage pool '%s' on %s (delete it "
                  "with: virsh -c %s vol-delete --pool %s %s)", d->volume,
                  dest->pool, dest->uri, dest->uri, dest->pool,
                  d->volume) != -1)
      v2v_cleanup_failed (run, left, why ? why : "failed");
    if (vol)
      virStorageVolFree (vol);
  }
}

void
v2v_libvirt_close (struct run *run)
{
  if (run->pool)
    virStoragePoolFree (run->pool);
  run->pool = NULL;
  if (run->conn)
    virConnectClose (run->conn);
  run->conn = NULL;
}
