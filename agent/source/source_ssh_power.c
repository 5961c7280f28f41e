/* The power state of the VM over SSH, with the host's own tools: on an
 * ESXi host `vim-cmd vmsvc/getallvms` gives the VM's id by its .vmx path,
 * `vim-cmd vmsvc/power.getstate ID` its state; the shutdown is
 * `power.shutdown ID` (the guest's, through VMware Tools), then
 * `power.off ID` when the operator allowed it.  Each is one exec channel
 * on the session of source_ssh.c; only the id we parsed (digits) ever
 * goes into a command line.  What the host prints is read capped and
 * parsed by vimcmd.c.  A host without vim-cmd (a plain SSH server)
 * cannot tell: V2V_POWER_UNKNOWN, with the reason.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libssh/libssh.h>

#include "internal.h"

#define MAX_OUTPUT (1024 * 1024)    /* getallvms: ~5000 VMs */
#define EXEC_TIMEOUT 60             /* seconds for one command */
#define POLL_SECONDS 2

/* What a command printed: stdout (NUL-terminated, at most MAX_OUTPUT
 * bytes) and its exit status.
 */
struct exec_result {
  char *out;
  size_t len;
  int status;               /* -1: none (the channel closed without one) */
};

/* Read the command's stdout into r and its stderr into nothing, until
 * the end or the deadline.  Both at once: libssh says EOF only once
 * both are drained.
 */
static int
read_output (ssh_channel ch, struct exec_result *r, time_t deadline)
{
  char buf[4096];

  while (!ssh_channel_is_eof (ch) && !ssh_channel_is_closed (ch) &&
         time (NULL) < deadline) {
    int n = ssh_channel_read_timeout (ch, buf, sizeof buf, 0, 500);
    if (n == SSH_ERROR)
      return -1;
    if (n > 0 && r->len < MAX_OUTPUT) {
      size_t k = (size_t) n < MAX_OUTPUT - r->len ? (size_t) n
                 : MAX_OUTPUT - r->len;
      memcpy (r->out + r->len, buf, k);
      r->len += k;
    }
    if (ssh_channel_read_nonblocking (ch, buf, sizeof buf, 1) == SSH_ERROR)
      return -1;
  }
  return 0;
}

/* Run cmd (ours: no remote text in it) on the session.  0 with *r set
 * (caller frees r->out), or -1 with the error set.
 */
static int
exec_cmd (struct run *run, const char *cmd, struct exec_result *r)
{
  ssh_channel ch = ssh_channel_new (run->ssh);
  time_t deadline = time (NULL) + EXEC_TIMEOUT;
  int ret = -1;

  r->out = malloc (MAX_OUTPUT + 1);
  r->len = 0;
  r->status = -1;
  if (r->out == NULL) {
    v2v_oom ();
    goto out;
  }
  if (ch == NULL || ssh_channel_open_session (ch) != SSH_OK ||
      ssh_channel_request_exec (ch, cmd) != SSH_OK) {
    v2v_error ("%s: cannot run %s: %s", run->cfg->source.server, cmd,
               ssh_get_error (run->ssh));
    goto out;
  }
  ssh_channel_send_eof (ch);
  if (read_output (ch, r, deadline) == -1) {
    v2v_error ("%s: %s: %s", run->cfg->source.server, cmd,
               ssh_get_error (run->ssh));
    goto out;
  }
  if (!ssh_channel_is_eof (ch) && !ssh_channel_is_closed (ch)) {
    v2v_error ("%s: %s: no answer in %d s", run->cfg->source.server, cmd,
               EXEC_TIMEOUT);
    goto out;
  }
  r->out[r->len] = '\0';
  r->status = ssh_channel_get_exit_status (ch);
  ret = 0;
 out:
  if (ch) {
    ssh_channel_close (ch);
    ssh_channel_free (ch);
  }
  if (ret == -1) {
    free (r->out);
    r->out = NULL;
  }
  return ret;
}

/* The .vmx as vim-cmd prints it: "[ds] dir/name.vmx" (a
 * /vmfs/volumes/DS/... path becomes "[DS] ..."), or NULL when the VM has
 * none.  Caller frees.
 */
static char *
vmx_as_listed (struct run *run)
{
  const char *vmx = run->cfg->vm.vmx;
  const char *p = "/vmfs/volumes/";
  const char *slash;
  char *s = NULL;

  if (vmx == NULL)
    return NULL;
  if (strncmp (vmx, p, strlen (p)) == 0 &&
      (slash = strchr (vmx + strlen (p), '/')) != NULL) {
    if (asprintf (&s, "[%.*s] %s", (int) (slash - vmx - strlen (p)),
                  vmx + strlen (p), slash + 1) == -1)
      s = NULL;
  }
  else
    s = strdup (vmx);
  if (s == NULL)
    v2v_oom ();
  return s;
}

/* The VM's id: > 0, or 0 with *why (then the state is unknown), or -1
 * with the error set.
 */
static long
find_vmid (struct run *run, char *why, size_t whylen)
{
  CLEANUP_FREE char *vmx = vmx_as_listed (run);
  struct exec_result r;
  long id;
  int n;

  if (vmx == NULL) {
    if (run->cfg->vm.vmx)
      return -1;
    snprintf (why, whylen, "no .vmx to find the VM by in vim-cmd's list");
    return 0;
  }
  if (exec_cmd (run, "vim-cmd vmsvc/getallvms", &r) == -1) {
    /* A server that runs no commands (SFTP only) cannot tell. */
    snprintf (why, whylen, "%s", v2v_last_error ());
    v2v_clear_error ();
    return 0;
  }
  n = v2v_vimcmd_vmid (r.out, r.len, vmx, &id);
  if (n == 0 && r.status != 0)
    snprintf (why, whylen, "no vim-cmd on %s (exit status %d): not an ESXi "
              "host", run->cfg->source.server, r.status);
  else if (n == 0)
    snprintf (why, whylen, "vim-cmd vmsvc/getallvms on %s lists no VM "
              "with that .vmx", run->cfg->source.server);
  else if (n > 1)
    snprintf (why, whylen, "vim-cmd vmsvc/getallvms on %s lists several "
              "VMs with that .vmx", run->cfg->source.server);
  free (r.out);
  return n == 1 ? id : 0;
}

/* The state of VM id (how: the command), or -1 with the error set. */
static int
get_state (struct run *run, long id, enum v2v_power *state, char *how,
           size_t howlen)
{
  char cmd[64];
  struct exec_result r;
  int ok;

  snprintf (cmd, sizeof cmd, "vim-cmd vmsvc/power.getstate %ld", id);
  if (exec_cmd (run, cmd, &r) == -1)
    return -1;
  ok = v2v_vimcmd_power (r.out, r.len, state);
  free (r.out);
  if (ok == -1) {
    v2v_error ("%s: %s: no power state in its answer (exit status %d)",
               run->cfg->source.server, cmd, r.status);
    return -1;
  }
  snprintf (how, howlen, "%s", cmd);
  return 0;
}

int
v2v_ssh_power_state (struct run *run, enum v2v_power *state, char *how,
                 size_t howlen)
{
  long id = find_vmid (run, how, howlen);

  *state = V2V_POWER_UNKNOWN;
  if (id <= 0)
    return (int) id;
  return get_state (run, id, state, how, howlen);
}

/* Run power.CMD on VM id; its exit status, or -1 with the error set. */
static int
power_cmd (struct run *run, const char *what, long id)
{
  char cmd[64];
  struct exec_result r;

  snprintf (cmd, sizeof cmd, "vim-cmd vmsvc/power.%s %ld", what, id);
  v2v_debug ("%s", cmd);
  if (exec_cmd (run, cmd, &r) == -1)
    return -1;
  free (r.out);
  return r.status;
}

int
v2v_ssh_shutdown (struct run *run, unsigned timeout, bool hard)
{
  const char *server = run->cfg->source.server;
  char how[256];
  enum v2v_power state;
  long id = find_vmid (run, how, sizeof how);
  time_t start = time (NULL), said = start;

  if (id == 0)
    v2v_error ("%s: cannot shut the VM down: %s", server, how);
  if (id <= 0 || get_state (run, id, &state, how, sizeof how) == -1)
    return -1;
  if (state == V2V_POWER_ON) {
    int st = power_cmd (run, "shutdown", id);
    if (st == -1)
      return -1;
    if (st != 0)
      v2v_info (run, "%s: vim-cmd vmsvc/power.shutdown %ld refused "
                "(exit status %d): are VMware Tools running in the guest?",
                server, id, st);
    while (st == 0 && state != V2V_POWER_OFF &&
           time (NULL) - start < (time_t) timeout) {
      if (v2v_cancelled ()) {
        v2v_error ("cancelled while waiting for the guest shutdown");
        return -1;
      }
      sleep (POLL_SECONDS);
      if (get_state (run, id, &state, how, sizeof how) == -1)
        return -1;
      if (time (NULL) - said >= 30) {
        said = time (NULL);
        v2v_info (run, "waiting for the guest to shut down (%lld of %u s)",
                  (long long) (said - start), timeout);
      }
    }
  }
  if (state == V2V_POWER_OFF)
    return 0;
  if (!hard) {
    v2v_error ("the VM is still %s after %lld s: the guest did not shut "
               "down (are VMware Tools running?): shut it down in vSphere, "
               "or add --hard-power-off", v2v_power_name (state),
               (long long) (time (NULL) - start));
    return -1;
  }
  v2v_info (run, "hard power-off: vim-cmd vmsvc/power.off %ld", id);
  if (power_cmd (run, "off", id) == -1)
    return -1;
  return 0;
}
