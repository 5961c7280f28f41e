/* The libvirt destination's test boot, on the KVM host itself, as a
 * transient domain: never the defined one, which stays shut off.
 *
 * The transient domain is the defined domain's XML with another name
 * ("v2vboot-verify-NAME"), its disks qcow2 overlay volumes in the same
 * pool over the converted volumes (deleted afterwards: the volumes are
 * only read), UEFI variables reset from the firmware's template, every
 * NIC on a transient libvirt network with no forward and no address (a
 * bridge that goes nowhere: the source VM's MAC and address may be live
 * elsewhere), and libvirt's autodestroy, so that the host kills it if
 * this agent dies.  KVM when the host has it and the operator does not
 * refuse it (verify_accel.c), else TCG.
 *
 * It is watched over a connection of its own, with libvirt's event loop:
 * the serial console's stream (a login prompt, a known death; copied to
 * verify-serial.log in the work directory), reboot and lifecycle events
 * (a reset loop, a power-off, a crash), the guest agent's connection
 * event, and the packets the NICs sent from the domain's interface
 * statistics (libvirt counts them from the domain's side).  The screen
 * comes from virDomainScreenshot: PNG from libvirt 9.0 with qemu 7.2,
 * made PNG here from the PPM older pairs give (verify_png.c).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/random.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "internal.h"

#define SCREEN_CAP (64 << 20)   /* bytes of a screenshot: 4K RGB is 25 MiB */

struct lv {
  struct run *run;
  struct v2v_verify_signs *signs;
  virConnectPtr conn;
  virStoragePoolPtr pool;
  virNetworkPtr net;
  virDomainPtr dom;
  virStreamPtr console;
  virStorageVolPtr *vols;     /* the overlays, one per disk */
  char *name;                 /* the transient domain's */
  int cb_life, cb_reboot, cb_agent, timer;
  int serial_fd;
  struct v2v_console_scan scan;
  bool stopped;               /* the domain is gone */
};

static int
lv_error (const char *what)
{
  const char *msg = virGetLastErrorMessage ();

  v2v_error ("%s: %s", what, msg ? msg : "failed");
  return -1;
}

/* libvirt's event loop, registered once, before the connection that
 * needs it is opened.
 */
static void
event_loop_once (void)
{
  static bool registered;

  if (!registered && virEventRegisterDefaultImpl () == 0)
    registered = true;
}

/* Is this event about our domain? */
static bool
ours (struct lv *lv, virDomainPtr d)
{
  const char *n = virDomainGetName (d);

  return n && strcmp (n, lv->name) == 0;
}

static int
on_lifecycle (virConnectPtr c, virDomainPtr d, int event, int detail,
              void *opaque)
{
  struct lv *lv = opaque;

  (void) c;
  if (!ours (lv, d))
    return 0;
  if (event == VIR_DOMAIN_EVENT_SHUTDOWN)
    lv->signs->shutdown = true;
  else if (event == VIR_DOMAIN_EVENT_STOPPED) {
    lv->stopped = true;
    if (detail == VIR_DOMAIN_EVENT_STOPPED_SHUTDOWN)
      lv->signs->shutdown = true;
    else
      lv->signs->qemu_died = true;
  }
  return 0;
}

static void
on_reboot (virConnectPtr c, virDomainPtr d, void *opaque)
{
  struct lv *lv = opaque;

  (void) c;
  if (ours (lv, d))
    lv->signs->resets++;
}

static void
on_agent (virConnectPtr c, virDomainPtr d, int state, int reason,
          void *opaque)
{
  struct lv *lv = opaque;

  (void) c; (void) reason;
  if (ours (lv, d) &&
      state == VIR_CONNECT_DOMAIN_EVENT_AGENT_LIFECYCLE_STATE_CONNECTED)
    lv->signs->agent = true;
}

/* Gives SINK what a nonblocking stream has for now.  Returns -2 when
 * more may come, 0 at its end, -1 on an error or when SINK refused: then
 * the stream's callback is removed (nothing more is read).
 */
static int
stream_drain (virStreamPtr st, int (*sink) (void *, const char *, size_t),
              void *opaque)
{
  char buf[65536];
  int n;

  while ((n = virStreamRecv (st, buf, sizeof buf)) > 0)
    if (sink (opaque, buf, (size_t) n) == -1) {
      n = -1;
      break;
    }
  if (n != -2)
    virStreamEventRemoveCallback (st);
  return n;
}

/* The serial console's bytes, as they come. */
static int
console_sink (void *opaque, const char *buf, size_t n)
{
  struct lv *lv = opaque;

  v2v_console_scan (&lv->scan, buf, n);
  if (lv->serial_fd >= 0 && write (lv->serial_fd, buf, n) < 0) {
    close (lv->serial_fd);
    lv->serial_fd = -1;
  }
  return 0;
}

static void
on_console (virStreamPtr st, int events, void *opaque)
{
  (void) events;
  stream_drain (st, console_sink, opaque);
}

static void
on_tick (int timer, void *opaque)
{
  (void) timer; (void) opaque;   /* only wakes the loop */
}

/* The packets the domain's NICs sent, or the last count if unknown. */
static void
count_packets (struct lv *lv)
{
  virDomainPtr doms[] = { lv->dom, NULL };
  virDomainStatsRecordPtr *recs = NULL;
  uint64_t sum = 0;
  int i;

  if (virDomainListGetStats (doms, VIR_DOMAIN_STATS_INTERFACE, &recs, 0) < 1)
    return;
  for (i = 0; i < recs[0]->nparams; ++i) {
    const virTypedParameter *p = &recs[0]->params[i];
    size_t len = strlen (p->field);
    if (strncmp (p->field, "net.", 4) == 0 && len > 8 &&
        strcmp (p->field + len - 8, ".tx.pkts") == 0 &&
        p->type == VIR_TYPED_PARAM_ULLONG)
      sum += p->value.ul;
  }
  virDomainStatsRecordListFree (recs);
  lv->signs->packets = sum;
}

/* A network with no forward and no address: libvirt makes an isolated
 * bridge, with no DHCP server and no route off it.
 */
static int
make_network (struct lv *lv)
{
  char xml[128];
  unsigned char r[4];

  if (getrandom (r, sizeof r, 0) != (ssize_t) sizeof r) {
    v2v_error ("getrandom: %m");
    return -1;
  }
  snprintf (xml, sizeof xml,
            "<network><name>v2vboot-verify-%02x%02x%02x%02x</name></network>",
            r[0], r[1], r[2], r[3]);
  lv->net = virNetworkCreateXML (lv->conn, xml);
  return lv->net ? 0 : lv_error ("create an isolated network");
}

/* A qcow2 overlay volume over each converted volume; *paths gets their
 * paths (caller frees).
 */
static int
make_overlays (struct lv *lv, const struct v2v_domain *dom, char ***paths)
{
  struct run *run = lv->run;
  size_t i;

  lv->vols = calloc (dom->nr_disks + 1, sizeof *lv->vols);
  *paths = calloc (dom->nr_disks + 1, sizeof **paths);
  if (lv->vols == NULL || *paths == NULL) {
    v2v_error ("out of memory");
    return -1;
  }
  for (i = 0; i < dom->nr_disks; ++i) {
    CLEANUP_FREE char *xml = NULL;

    if (asprintf (&xml, "<volume><name>%s-verify.qcow2</name>"
                  "<capacity unit='bytes'>%" PRIu64 "</capacity>"
                  "<target><format type='qcow2'/></target>"
                  "<backingStore><path>%s</path><format type='%s'/>"
                  "</backingStore></volume>",
                  run->disks[i].volume, run->disks[i].size,
                  dom->disks[i].path,
                  dom->disks[i].format == V2V_FORMAT_RAW ? "raw" : "qcow2")
        == -1) {
      v2v_error ("out of memory");
      return -1;
    }
    lv->vols[i] = virStorageVolCreateXML (lv->pool, xml, 0);
    if (lv->vols[i] == NULL)
      return lv_error ("create an overlay volume");
    (*paths)[i] = virStorageVolGetPath (lv->vols[i]);
    if ((*paths)[i] == NULL)
      return lv_error ("overlay volume path");
  }
  return 0;
}

/* The transient domain's XML: the defined one's, renamed, over the
 * overlays, on the isolated network.  Caller frees.
 */
static char *
transient_xml (struct lv *lv, const struct v2v_domain *dom, char **paths,
               bool kvm)
{
  struct v2v_domain t = *dom;
  CLEANUP_FREE struct v2v_domain_disk *disks =
    calloc (dom->nr_disks + 1, sizeof *disks);
  CLEANUP_FREE struct v2v_nic *nics = calloc (dom->nr_nics + 1, sizeof *nics);
  const char *net = virNetworkGetName (lv->net);
  size_t i;

  if (disks == NULL || nics == NULL || net == NULL)
    return NULL;
  for (i = 0; i < dom->nr_disks; ++i) {
    disks[i].path = paths[i];
    disks[i].format = V2V_FORMAT_QCOW2;
  }
  for (i = 0; i < dom->nr_nics; ++i) {
    nics[i] = dom->nics[i];
    nics[i].network = net;
  }
  t.name = lv->name;
  t.disks = disks;
  t.nics = nics;
  t.tcg = !kvm;
  return v2v_domain_xml (&t);
}

/* KVM on the destination's host, unless refused. */
static bool
host_has_kvm (struct lv *lv)
{
  char *caps;

  if (v2v_verify_kvm_refused ())
    return false;
  caps = virConnectGetDomainCapabilities (lv->conn, NULL, "x86_64", NULL,
                                          "kvm", 0);
  v2v_clear_error ();
  if (caps == NULL)
    return false;
  free (caps);
  return true;
}

/* The screen's bytes as they come (a blocking virStreamRecvAll of a
 * screenshot never returns over libvirt 9.0's remote driver: the stream
 * is read from the event loop, as the console is).
 */
struct screen {
  struct v2v_strbuf img;
  int done;                 /* 1 at its end, -1 on an error */
};

static int
screen_sink (void *opaque, const char *buf, size_t n)
{
  struct screen *sc = opaque;

  if (sc->img.len + n > SCREEN_CAP)
    return -1;
  return v2v_sb_add (&sc->img, buf, n);
}

static void
on_screen (virStreamPtr st, int events, void *opaque)
{
  struct screen *sc = opaque;
  int n;

  (void) events;
  n = stream_drain (st, screen_sink, sc);
  if (n != -2)
    sc->done = n == 0 ? 1 : -1;
}

/* The screen, as PNG at shot. */
static int
screenshot (struct lv *lv, const char *shot)
{
  virStreamPtr st = virStreamNew (lv->conn, VIR_STREAM_NONBLOCK);
  struct screen sc = { .done = 0 };
  struct v2v_strbuf png = { 0 };
  const struct v2v_strbuf *out = &sc.img;
  char *mime = NULL;
  double end = v2v_now () + 30;
  int fd, r = -1;

  if (st == NULL || (mime = virDomainScreenshot (lv->dom, st, 0, 0)) == NULL ||
      virStreamEventAddCallback (st, VIR_STREAM_EVENT_READABLE |
                                 VIR_STREAM_EVENT_ERROR |
                                 VIR_STREAM_EVENT_HANGUP,
                                 on_screen, &sc, NULL) == -1) {
    lv_error ("screenshot");
    goto out;
  }
  while (sc.done == 0 && v2v_now () < end && !v2v_cancelled () &&
         virEventRunDefaultImpl () == 0)
    ;
  if (sc.done != 1) {
    virStreamEventRemoveCallback (st);
    virStreamAbort (st);
    v2v_error ("the screenshot did not arrive (%zu bytes in %s)",
               sc.img.len, sc.done ? "an error" : "30 s");
    goto out;
  }
  virStreamFinish (st);
  if (strcmp (mime, "image/png") != 0) {
    if (v2v_ppm_to_png (sc.img.buf, sc.img.len, &png) == -1)
      goto out;
    out = &png;
  }
  fd = open (shot, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
  if (fd == -1 || write (fd, out->buf, out->len) != (ssize_t) out->len) {
    v2v_error ("%s: %m", shot);
    if (fd >= 0)
      close (fd);
    goto out;
  }
  r = close (fd);
 out:
  if (st)
    virStreamFree (st);
  free (mime);
  free (sc.img.buf);
  free (png.buf);
  return r;
}

/* Boot, then watch until a decision, the timeout or cancellation. */
static int
watch (struct lv *lv, const struct v2v_domain *dom, unsigned timeout)
{
  struct v2v_verify_signs *s = lv->signs;
  double start = v2v_now (), alive_at = 0, counted = 0;

  while (!v2v_cancelled ()) {
    if (virEventRunDefaultImpl () == -1)
      return lv_error ("libvirt's event loop");
    /* (the loop turns for every piece of console output: the statistics,
     * a round trip to the host, are asked for twice a second at most)
     */
    if (!lv->stopped && v2v_now () - counted >= 0.5) {
      count_packets (lv);
      counted = v2v_now ();
    }
    v2v_clear_error ();
    s->login = lv->scan.login;
    s->death = lv->scan.death;
    s->seconds = v2v_now () - start;
    if ((s->login || s->agent) && alive_at == 0)
      alive_at = s->seconds;
    if (lv->stopped || v2v_verify_decided (s, dom->nr_nics, alive_at) ||
        s->seconds >= timeout)
      return 0;
  }
  v2v_error ("cancelled while the VM was booting");
  return -1;
}

static void
teardown (struct lv *lv, size_t nr_disks)
{
  size_t i;

  if (lv->console) {
    virStreamEventRemoveCallback (lv->console);
    virStreamAbort (lv->console);
    virStreamFree (lv->console);
  }
  if (lv->cb_life >= 0)
    virConnectDomainEventDeregisterAny (lv->conn, lv->cb_life);
  if (lv->cb_reboot >= 0)
    virConnectDomainEventDeregisterAny (lv->conn, lv->cb_reboot);
  if (lv->cb_agent >= 0)
    virConnectDomainEventDeregisterAny (lv->conn, lv->cb_agent);
  if (lv->timer >= 0)
    virEventRemoveTimeout (lv->timer);
  if (lv->dom) {
    if (!lv->stopped && virDomainDestroy (lv->dom) == -1)
      v2v_warning (lv->run, "verify: cannot stop the test domain %s: %s",
                   lv->name, virGetLastErrorMessage ());
    virDomainFree (lv->dom);
  }
  for (i = 0; lv->vols && i < nr_disks; ++i) {
    if (lv->vols[i] == NULL)
      continue;
    if (virStorageVolDelete (lv->vols[i], 0) == -1)
      v2v_warning (lv->run, "verify: cannot delete the overlay volume: %s",
                   virGetLastErrorMessage ());
    virStorageVolFree (lv->vols[i]);
  }
  free (lv->vols);
  if (lv->net) {
    virNetworkDestroy (lv->net);
    virNetworkFree (lv->net);
  }
  if (lv->pool)
    virStoragePoolFree (lv->pool);
  if (lv->conn)
    virConnectClose (lv->conn);
  if (lv->serial_fd >= 0)
    close (lv->serial_fd);
  free (lv->name);
}

int
v2v_verify_libvirt (struct run *run, const struct v2v_domain *dom,
                    unsigned timeout, const char *shot,
                    struct v2v_verify_signs *signs)
{
  struct lv lv = { .run = run, .signs = signs, .cb_life = -1,
                   .cb_reboot = -1, .cb_agent = -1, .timer = -1,
                   .serial_fd = -1 };
  CLEANUP_FREE_STRV char **paths = NULL;
  CLEANUP_FREE char *xml = NULL, *serial = NULL;
  unsigned flags = VIR_DOMAIN_START_AUTODESTROY;
  int r = -1;

  event_loop_once ();
  if (asprintf (&lv.name, "v2vboot-verify-%s", run->name) == -1 ||
      asprintf (&serial, "%s/verify-serial.log", run->workdir) == -1) {
    lv.name = NULL;
    v2v_error ("out of memory");
    return -1;
  }
  lv.serial_fd = open (serial, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  lv.conn = v2v_libvirt_open (&run->cfg->dest);
  if (lv.conn == NULL)
    goto out;
  lv.pool = virStoragePoolLookupByName (lv.conn, run->cfg->dest.pool);
  if (lv.pool == NULL) {
    lv_error ("storage pool");
    goto out;
  }
  signs->kvm = host_has_kvm (&lv);
  if (make_network (&lv) == -1 || make_overlays (&lv, dom, &paths) == -1)
    goto out;
  xml = transient_xml (&lv, dom, paths, signs->kvm);
  if (xml == NULL) {
    v2v_error ("out of memory");
    goto out;
  }
  lv.cb_life = virConnectDomainEventRegisterAny
    (lv.conn, NULL, VIR_DOMAIN_EVENT_ID_LIFECYCLE,
     VIR_DOMAIN_EVENT_CALLBACK (on_lifecycle), &lv, NULL);
  lv.cb_reboot = virConnectDomainEventRegisterAny
    (lv.conn, NULL, VIR_DOMAIN_EVENT_ID_REBOOT,
     VIR_DOMAIN_EVENT_CALLBACK (on_reboot), &lv, NULL);
  lv.cb_agent = virConnectDomainEventRegisterAny
    (lv.conn, NULL, VIR_DOMAIN_EVENT_ID_AGENT_LIFECYCLE,
     VIR_DOMAIN_EVENT_CALLBACK (on_agent), &lv, NULL);
  lv.timer = virEventAddTimeout (500, on_tick, NULL, NULL);
  if (lv.cb_life < 0 || lv.cb_reboot < 0 || lv.timer < 0) {
    lv_error ("watch the test domain's events");
    goto out;
  }
  if (dom->firmware == V2V_FW_UEFI)
    flags |= VIR_DOMAIN_START_RESET_NVRAM;
  v2v_info (run, "booting %s on %s for up to %u s (%s) as transient domain "
            "%s, its NICs on isolated network %s", run->name,
            run->cfg->dest.uri, timeout, signs->kvm ? "KVM" : "TCG",
            lv.name, virNetworkGetName (lv.net));
  lv.dom = virDomainCreateXML (lv.conn, xml, flags);
  if (lv.dom == NULL) {
    lv_error ("start the test domain");
    goto out;
  }
  lv.console = virStreamNew (lv.conn, VIR_STREAM_NONBLOCK);
  if (lv.console == NULL ||
      virDomainOpenConsole (lv.dom, NULL, lv.console,
                            VIR_DOMAIN_CONSOLE_FORCE) == -1 ||
      virStreamEventAddCallback (lv.console, VIR_STREAM_EVENT_READABLE |
                                 VIR_STREAM_EVENT_ERROR |
                                 VIR_STREAM_EVENT_HANGUP,
                                 on_console, &lv, NULL) == -1) {
    lv_error ("open the serial console");
    goto out;
  }
  if (watch (&lv, dom, timeout) == -1)
    goto out;
  if (!lv.stopped && screenshot (&lv, shot) == -1)
    v2v_warning (run, "no screenshot: %s", v2v_last_error ());
  r = 0;
 out:
  teardown (&lv, dom->nr_disks);
  return r;
}
