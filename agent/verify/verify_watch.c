/* The test boot itself: start qemu, then once a second read its QMP
 * events (resets, power-off), the growth of the serial log and of each
 * NIC's capture, and ask the guest agent (if the domain has its channel)
 * for a ping; stop at the first decisive sign or the timeout, take the
 * screenshot, quit qemu.  Cancellation stops it at once.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "internal.h"

#define READ_CAP (1 << 20)  /* bytes of a log read per look */

struct watch {
  const struct v2v_verify_vm *vm;
  struct v2v_verify_signs *signs;
  struct v2v_qmp *qmp, *agent;
  struct v2v_console_scan console;
  struct v2v_pcap_count *pcaps;
  size_t nic;               /* the capture being read */
  uint64_t serial_off;
};

/* QMP's events; the end of a command's reply. */
static int
qmp_line (const char *line, void *opaque)
{
  struct watch *w = opaque;

  if (strstr (line, "\"event\": \"RESET\"") &&
      strstr (line, "\"guest\": true"))
    w->signs->resets++;
  else if (strstr (line, "\"event\": \"SHUTDOWN\"") &&
           strstr (line, "\"guest\": true"))
    w->signs->shutdown = true;
  else if (strstr (line, "\"return\"") || strstr (line, "\"error\""))
    return 1;
  return 0;
}

static int
agent_line (const char *line, void *opaque)
{
  struct watch *w = opaque;

  if (strstr (line, "\"return\""))
    w->signs->agent = true;
  return 0;
}

/* The bytes of path from *off on (at most READ_CAP), to fn. */
static void
read_more (const char *path, uint64_t *off,
           void (*fn) (struct watch *, const char *, size_t),
           struct watch *w)
{
  int fd = open (path, O_RDONLY | O_CLOEXEC);
  CLEANUP_FREE char *buf = NULL;
  ssize_t n;

  if (fd == -1)
    return;
  buf = malloc (READ_CAP);
  if (buf) {
    n = pread (fd, buf, READ_CAP, (off_t) *off);
    if (n > 0)
      fn (w, buf, (size_t) n);
  }
  close (fd);
}

static void
console_bytes (struct watch *w, const char *buf, size_t len)
{
  v2v_console_scan (&w->console, buf, len);
  w->serial_off += len;
}

static void
pcap_bytes (struct watch *w, const char *buf, size_t len)
{
  v2v_pcap_count (&w->pcaps[w->nic], buf, len);
}

static void
look (struct watch *w)
{
  const struct v2v_domain *dom = w->vm->dom;
  CLEANUP_FREE char *serial = NULL;
  size_t i;

  if (w->qmp && v2v_qmp_read (w->qmp, 0, qmp_line, w) == -1) {
    v2v_qmp_close (w->qmp);
    w->qmp = NULL;
  }
  if (asprintf (&serial, "%s/verify-serial.log", w->vm->workdir) != -1)
    read_more (serial, &w->serial_off, console_bytes, w);
  w->signs->login = w->console.login;
  w->signs->death = w->console.death;
  w->signs->packets = 0;
  for (i = 0; i < dom->nr_nics; ++i) {
    CLEANUP_FREE char *pcap = NULL;
    if (asprintf (&pcap, "%s/verify-nic%zu.pcap", w->vm->workdir, i) == -1)
      continue;
    w->nic = i;
    read_more (pcap, &w->pcaps[i].offset, pcap_bytes, w);
    w->signs->packets += w->pcaps[i].frames;
  }
  if (dom->guest_agent && !w->signs->agent) {
    CLEANUP_FREE char *sock = NULL;
    if (w->agent == NULL &&
        asprintf (&sock, "%s/verify-agent.sock", w->vm->workdir) != -1)
      w->agent = v2v_qmp_connect (sock, 0);
    if (w->agent && (v2v_qmp_send (w->agent, "{\"execute\":\"guest-ping\"}\n") == -1 ||
                     v2v_qmp_read (w->agent, 0.2, agent_line, w) == -1)) {
      v2v_qmp_close (w->agent);
      w->agent = NULL;
    }
    v2v_clear_error ();
  }
}

static int
command (struct watch *w, const char *json)
{
  if (w->qmp == NULL || v2v_qmp_send (w->qmp, json) == -1)
    return -1;
  return v2v_qmp_read (w->qmp, 10, qmp_line, w) == 1 ? 0 : -1;
}

int
v2v_verify_watch (struct run *run, const struct v2v_verify_vm *vm,
                  unsigned timeout, const char *screenshot,
                  struct v2v_verify_signs *signs)
{
  CLEANUP_FREE_STRV char **argv = v2v_verify_qemu_argv (vm);
  CLEANUP_FREE char *log = NULL, *sock = NULL, *dump = NULL;
  struct watch w = { .vm = vm, .signs = signs };
  double start, alive_at = 0;
  pid_t pid;
  int status, r = -1;

  w.pcaps = calloc (vm->dom->nr_nics + 1, sizeof *w.pcaps);
  if (argv == NULL || w.pcaps == NULL ||
      asprintf (&log, "%s/verify-qemu.log", vm->workdir) == -1 ||
      asprintf (&sock, "%s/verify-qmp.sock", vm->workdir) == -1) {
    free (w.pcaps);
    v2v_error ("out of memory");
    return -1;
  }
  v2v_info (run, "booting %s for up to %u s (%s), its NICs on an "
            "isolated network", run->name, timeout, vm->kvm ? "KVM" : "TCG");
  start = v2v_now ();
  pid = v2v_spawn_logged ((const char *const *) argv, log);
  if (pid == -1)
    goto out;
  w.qmp = v2v_qmp_connect (sock, 30);
  if (w.qmp == NULL || command (&w, "{\"execute\":\"qmp_capabilities\"}\n") == -1) {
    CLEANUP_FREE char *tail = v2v_read_file_tail (log, 512);
    v2v_error ("qemu did not start: %s", tail ? v2v_chomp (tail) : "");
    goto out;
  }
  while (!v2v_cancelled ()) {
    look (&w);
    if (v2v_reap (pid, &status, WNOHANG) == pid) {
      pid = -1;
      signs->qemu_died = true;
    }
    signs->seconds = v2v_now () - start;
    if ((signs->login || signs->agent) && alive_at == 0)
      alive_at = signs->seconds;
    if (v2v_verify_decided (signs, vm->dom->nr_nics, alive_at) ||
        signs->seconds >= timeout)
      break;
    if (w.qmp == NULL || v2v_qmp_read (w.qmp, 1, qmp_line, &w) == -1)
      usleep (500000);   /* QMP gone: qemu is ending, the reap sees it */
  }
  if (v2v_cancelled ())
    goto out;             /* the error is set once qemu is gone */
  /* (the path goes into QMP's JSON as it is: a work directory whose
   * name needs escaping gets no screenshot)
   */
  if (pid > 0 && screenshot && !strpbrk (screenshot, "\"\\") &&
      asprintf (&dump, "{\"execute\":\"screendump\",\"arguments\":"
                "{\"filename\":\"%s\",\"format\":\"png\"}}\n",
                screenshot) != -1 &&
      command (&w, dump) == -1)
    v2v_warning (run, "no screenshot: %s", v2v_last_error ()
                 ? v2v_last_error () : "qemu did not answer");
  r = 0;

 out:
  v2v_qmp_close (w.agent);
  if (pid > 0 && w.qmp && v2v_qmp_send (w.qmp, "{\"execute\":\"quit\"}\n") == 0) {
    double end = v2v_now () + 10;
    while (v2v_reap (pid, &status, WNOHANG) != pid) {
      if (v2v_now () > end) {
        v2v_kill_wait (pid);
        break;
      }
      usleep (100000);
    }
  }
  else if (pid > 0)
    v2v_kill_wait (pid);
  v2v_qmp_close (w.qmp);
  free (w.pcaps);
  /* (after quitting qemu, whose failed QMP calls set errors too) */
  if (r == -1 && v2v_cancelled ())
    v2v_error ("cancelled while the VM was booting");
  return r;
}
