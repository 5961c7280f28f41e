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
 *
 * The name is claimed when the names are checked, before any copy
 * (output_libvirt_claim.c).
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
oom (void)
{
  v2v_error ("out of memory");
  return -1;
}

static int
libvirt_error (const char *what)
{
  const char *msg = virGetLastErrorMessage ();

  v2v_error ("%s: %s", what, msg ? msg : "failed");
  return -1;
}

/* qemu+ssh://U@H/system -> qemu+libssh://U@H/system?keyfile=..&known_hosts=..
 * libvirt's OpenSSH transport ignores known_hosts=; its libssh transport
 * verifies the host key against it.  Caller frees; NULL if out of memory.
 */
static char *
libvirt_uri (const struct v2v_destination *dest)
{
  struct v2v_strbuf sb = { 0 };
  const char *uri = dest->uri;
  char sep = '?';
  bool failed = false;

  if (strncmp (uri, "qemu+ssh://", 11) == 0) {
    v2v_sb_puts (&sb, "qemu+libssh://");
    v2v_sb_puts (&sb, uri + 11);
  }
  else
    v2v_sb_puts (&sb, uri);
  if (strncmp (uri, "qemu:///", 8) != 0) {
    if (dest->identity) {
      CLEANUP_FREE char *e = v2v_url_escape (dest->identity, true);
      failed |= e == NULL;
      v2v_sb_printf (&sb, "%ckeyfile=%s", sep, e ? e : "");
      sep = '&';
    }
    if (dest->known_hosts) {
      CLEANUP_FREE char *e = v2v_url_escape (dest->known_hosts, true);
      failed |= e == NULL;
      v2v_sb_printf (&sb, "%cknown_hosts=%s", sep, e ? e : "");
      sep = '&';
    }
    v2v_sb_printf (&sb, "%cknown_hosts_verify=normal", sep);
  }
  if (failed) {
    free (v2v_sb_finish (&sb));
    return NULL;
  }
  return v2v_sb_finish (&sb);
}

/* libvirt prints every error on stderr by default; we report them. */
static void
quiet (void *opaque, virErrorPtr err)
{
  (void) opaque; (void) err;
}

/* A connection to the destination's libvirt (host key verified), or
 * NULL (error set).
 */
struct _virConnect *
v2v_libvirt_open (const struct v2v_destination *dest)
{
  CLEANUP_FREE char *uri = libvirt_uri (dest);
  virConnectPtr conn;
  const char *msg;

  if (uri == NULL) {
    oom ();
    return NULL;
  }
  virSetErrorFunc (NULL, quiet);
  v2v_debug ("libvirt URI %s", uri);
  conn = virConnectOpen (uri);
  if (conn == NULL) {
    msg = virGetLastErrorMessage ();
    v2v_error ("cannot connect to %s: %s%s", dest->uri, msg,
               strstr (msg, "host key") ? ": check the host's key "
               "(ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub on it) and put "
               "it in the --known-hosts file" : "");
  }
  return conn;
}

int
v2v_libvirt_connect (struct run *run)
{
  run->conn = v2v_libvirt_open (&run->cfg->dest);
  return run->conn ? 0 : -1;
}

static int
libvirt_check_pool (struct run *run)
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

static int
libvirt_check_names (struct run *run)
{
  const struct v2v_destination *dest = &run->cfg->dest;
  virDomainPtr dom;
  size_t i;

  for (i = 0; i < run->nr_disks; ++i) {
    run->disks[i].volume = v2v_disk_name (run, i);
    if (run->disks[i].volume == NULL)
      return oom ();
  }
  if (v2v_libvirt_claim_name (run) == -1)
    return -1;
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

static int
libvirt_space (struct run *run, uint64_t need, const char *what)
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

/* Serve the overlay read-only on a socket with qemu-nbd. */
static pid_t
serve_overlay (struct run *run, struct disk_state *d, size_t i, char **sock)
{
  CLEANUP_FREE char *log = NULL;
  pid_t pid;
  struct stat st;
  int k;

  if (asprintf (sock, "%s/overlay%zu.sock", run->workdir, i) == -1) {
    *sock = NULL;
    return oom ();
  }
  if (asprintf (&log, "%s/qemu-nbd%zu.log", run->workdir, i) == -1)
    return oom ();
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

static int
libvirt_copy_disk (struct run *run, struct disk_state *d, int i)
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
    return oom ();
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

static int
libvirt_define (struct run *run, const char *xml)
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
static void
libvirt_abort (struct run *run)
{
  const struct v2v_destination *dest = &run->cfg->dest;
  bool left = false;
  size_t i;

  for (i = 0; i < run->nr_disks; ++i) {
    struct disk_state *d = &run->disks[i];
    virStorageVolPtr vol;
    const char *why = NULL;
    CLEANUP_FREE char *what = NULL;

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
    left |= why != NULL;
    if (why &&
        asprintf (&what, "volume %s in storage pool '%s' on %s (delete it "
                  "with: virsh -c %s vol-delete --pool %s %s)", d->volume,
                  dest->pool, dest->uri, dest->uri, dest->pool,
                  d->volume) == -1)
      what = NULL;              /* out of memory: name the volume at least */
    if (why)
      v2v_cleanup_failed (run, what ? what : d->volume, why);
    if (vol)
      virStorageVolFree (vol);
  }
  v2v_libvirt_release_claim (run, left);
}

static void
libvirt_close (struct run *run)
{
  v2v_libvirt_release_claim (run, false);
  if (run->pool)
    virStoragePoolFree (run->pool);
  run->pool = NULL;
  if (run->conn)
    virConnectClose (run->conn);
  run->conn = NULL;
}

static char *
libvirt_describe (const struct run *run)
{
  char *s;

  if (asprintf (&s, "pool %s on %s", run->cfg->dest.pool,
                run->cfg->dest.uri) == -1)
    return NULL;
  return s;
}

static char *
libvirt_next_step (const struct run *run)
{
  char *s;

  if (asprintf (&s, "start it with: virsh -c %s start %s",
                run->cfg->dest.uri, run->name) == -1)
    return NULL;
  return s;
}

/* For the wizard: every storage pool and network of the host. */
static int
libvirt_list (struct run *run, v2v_found_target_fn fn, void *opaque)
{
  virStoragePoolPtr *pools = NULL;
  virNetworkPtr *nets = NULL;
  int n, i;

  if (v2v_libvirt_connect (run) == -1)
    return -1;
  n = virConnectListAllStoragePools (run->conn, &pools, 0);
  for (i = 0; i < n; ++i) {
    virStoragePoolInfo info = { 0 };
    struct v2v_found_target t = { .kind = "pool",
                                  .name = virStoragePoolGetName (pools[i]) };
    t.active = virStoragePoolIsActive (pools[i]) == 1;
    if (t.active && virStoragePoolGetInfo (pools[i], &info) == 0)
      t.available = info.available;
    fn (&t, opaque);
    virStoragePoolFree (pools[i]);
  }
  free (pools);
  n = n < 0 ? n : virConnectListAllNetworks (run->conn, &nets, 0);
  for (i = 0; i < n; ++i) {
    struct v2v_found_target t = { .kind = "network",
                                  .name = virNetworkGetName (nets[i]) };
    t.active = virNetworkIsActive (nets[i]) == 1;
    fn (&t, opaque);
    virNetworkFree (nets[i]);
  }
  free (nets);
  if (n < 0) {
    v2v_error ("cannot list the pools and networks of %s: %s",
               run->cfg->dest.uri, virGetLastErrorMessage ());
    return -1;
  }
  return 0;
}

const struct v2v_output_ops v2v_output_libvirt = {
  .name = "libvirt",
  .raw_by_default = true,
  .check = libvirt_check_pool,
  .check_names = libvirt_check_names,
  .space = libvirt_space,
  .copy_disk = libvirt_copy_disk,
  .define = libvirt_define,
  .verify = v2v_verify_libvirt,
  .abort = libvirt_abort,
  .close = libvirt_close,
  .describe = libvirt_describe,
  .next_step = libvirt_next_step,
  .list = libvirt_list,
  .sweep = NULL,                /* a dead run's claim is judged by name */
};
