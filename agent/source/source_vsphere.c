/* vSphere source (an ESXi host or a vCenter through its Web Services
 * API): its table of operations, v2v_source_vsphere.  connect works out
 * the TLS trust as the https source does and logs in (vsphere_soap.c);
 * close logs out.  The inventory answers list_vms, the power state and
 * the shutdown; the VM's files (.vmx, descriptors, disks) are read over
 * HTTPS /folder with the https source's own operations, with the dcPath
 * and dsName the API gave (vm --inventory is resolved into vm --vmx and
 * --datacenter before the run: v2v_vsphere_find).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

#define POLL_SECONDS 2
#define TASK_SECONDS 300

static int
vsphere_connect (struct run *run)
{
  if (v2v_https_trust (run) == -1)
    return -1;
  run->vsphere = v2v_vsphere_login (run);
  return run->vsphere ? 0 : -1;
}

static void
vsphere_close (struct run *run)
{
  v2v_vsphere_logout (run->vsphere);
  run->vsphere = NULL;
}

/* The login is proven by connect. */
static int
vsphere_check_login (struct run *run, const char *datacenter)
{
  (void) datacenter;
  return run->vsphere ? 0 : -1;
}

/* The run's session, or a new one when the source stage has closed it
 * (*temp then says to log it out).  NULL with the error set.
 */
static struct v2v_vsphere *
session (struct run *run, bool *temp)
{
  *temp = run->vsphere == NULL;
  if (!*temp)
    return run->vsphere;
  /* the trust connect worked out stays in the run (run->cainfo) */
  if (run->cfg->source.thumbprint && run->cainfo == NULL &&
      v2v_https_trust (run) == -1)
    return NULL;
  return v2v_vsphere_login (run);
}

static void
end_session (struct v2v_vsphere *vs, bool temp)
{
  if (temp)
    v2v_vsphere_logout (vs);
}

/* Report VM o to fn as a struct v2v_found_vm. */
static void
report (const struct v2v_vs_object *o, v2v_found_vm_fn fn, void *opaque)
{
  struct v2v_found_vm vm = {
    .vmx = o->vmx ? o->vmx : "", .name = o->name ? o->name : "",
    .guest_os = o->guest_id ? o->guest_id : "",
    .memory_mib = o->memory_mib, .vcpus = o->vcpus,
    .firmware = o->firmware, .nr_disks = o->nr_disks,
    .nr_nics = o->nr_nics, .power = o->power, .inventory = o->path,
    .datacenter = o->datacenter,
  };
  struct v2v_strbuf nets = { 0 };
  CLEANUP_FREE char *n = NULL;
  size_t i;

  for (i = 0; i < o->nr_disks; ++i)
    vm.disk_bytes += o->disks[i].capacity;
  for (i = 0; i < o->nr_nics; ++i)
    v2v_sb_printf (&nets, "%s%s", i ? ", " : "", o->nics[i].network);
  n = v2v_sb_finish (&nets);
  vm.networks = n ? n : "";
  if (o->vmx == NULL)
    vm.problem = "the API gives no .vmx path for it";
  else if (o->snapshot)
    vm.problem = "it has snapshots: delete or consolidate them first";
  fn (&vm, opaque);
}

/* Every VM of the inventory (in datacenter --datacenter when given). */
static int
vsphere_list_vms (struct v2v_lister *l)
{
  struct run *run = l->run;
  const char *dc = run->cfg->vm.datacenter;
  struct v2v_vs_inventory inv = { 0 };
  size_t i;
  int r = v2v_vsphere_inventory (run->vsphere, &inv, true);

  for (i = 0; r == 0 && i < inv.nr && l->found < V2V_MAX_VMS; ++i) {
    const struct v2v_vs_object *o = &inv.objs[i];
    if (strcmp (o->type, "VirtualMachine") != 0 ||
        (dc && (o->datacenter == NULL || strcmp (o->datacenter, dc) != 0)))
      continue;
    l->found++;
    report (o, l->fn, l->opaque);
  }
  v2v_vs_inventory_free (&inv);
  return r;
}

/* The VMs name designates, reported to fn (see v2v_vsphere_find); run's
 * source is connected.
 */
static int
resolve (struct run *run, struct v2v_vs_inventory *inv, const char *name,
         v2v_found_vm_fn fn, void *opaque)
{
  const char *server = run->cfg->source.server;
  struct v2v_vs_object **m = NULL;
  size_t n, i, len = strlen (name);
  int r = -1;

  if (v2v_vsphere_inventory (run->vsphere, inv, true) == -1)
    return -1;
  if (v2v_vs_match (inv, name, &m, &n) == -1)
    return v2v_oom ();
  if (n == 0) {
    if (name[0] == '/' && !v2v_vs_has_datacenter (inv, name))
      v2v_error_kind (V2V_ERR_NOT_FOUND, NULL,
                      "%s: vm --inventory=%s: no such datacenter (list the "
                      "VMs with list-vms)", server, name);
    else
      v2v_error_kind (V2V_ERR_NOT_FOUND, NULL,
                      "%s: vm --inventory=%s: no such %s (list the VMs with "
                      "list-vms)", server, name,
                      len > 0 && name[len - 1] == '/' ? "folder, or no VM in it"
                      : "VM");
    goto out;
  }
  if (n > 1 && name[len - 1] != '/') {
    struct v2v_strbuf sb = { 0 };
    CLEANUP_FREE char *list = NULL;
    for (i = 0; i < n && i < 10; ++i)
      v2v_sb_printf (&sb, "%s%s", i ? ", " : "", m[i]->path);
    list = v2v_sb_finish (&sb);
    v2v_error ("%s: vm --inventory=%s: %zu VMs have that name (%s%s): give "
               "its inventory path", server, name, n, list ? list : "",
               n > 10 ? ", ..." : "");
    goto out;
  }
  for (i = 0; i < n; ++i)
    report (m[i], fn, opaque);
  r = 0;
 out:
  free (m);
  return r;
}

int
v2v_vsphere_find (const struct v2v_config *cfg, const char *name,
                  v2v_found_vm_fn fn, void *opaque)
{
  struct run run;
  struct v2v_vs_inventory inv = { 0 };
  int r = -1;

  if (v2v_quick_look_begin (&run, cfg, "source") == -1)
    goto out;
  if (cfg->source.type != V2V_SOURCE_VSPHERE) {
    v2v_error ("vm --inventory=%s needs source --type=vsphere", name);
    goto out;
  }
  if (v2v_open_source (&run) == -1)
    goto out;
  r = resolve (&run, &inv, name, fn, opaque);
 out:
  v2v_vs_inventory_free (&inv);
  v2v_run_cleanup (&run, false);
  return r;
}

/* The run's VM in inv: by its inventory path when it has one, else by
 * its .vmx (and datacenter).  NULL with the error set.
 */
static struct v2v_vs_object *
this_vm (struct run *run, struct v2v_vsphere *vs,
         struct v2v_vs_inventory *inv)
{
  const struct v2v_vm *vm = &run->cfg->vm;
  struct v2v_vs_object *o = NULL, **m = NULL;
  size_t n = 0;

  if (v2v_vsphere_inventory (vs, inv, false) == -1)
    return NULL;
  if (vm->inventory) {
    if (v2v_vs_match (inv, vm->inventory, &m, &n) == -1) {
      v2v_oom ();
      return NULL;
    }
    o = n == 1 ? m[0] : NULL;
    free (m);
  }
  else if (vm->vmx)
    o = v2v_vs_by_vmx (inv, vm->vmx, vm->datacenter);
  if (o == NULL)
    v2v_error_kind (V2V_ERR_NOT_FOUND, NULL,
                    "%s: the API knows no VM %s%s%s", run->cfg->source.server,
                    vm->inventory ? vm->inventory
                    : vm->vmx ? vm->vmx : "(none given)",
                    vm->datacenter ? " in datacenter " : "",
                    vm->datacenter ? vm->datacenter : "");
  return o;
}

/* What power_state and shutdown do with the run's VM o. */
struct vm_job {
  enum v2v_power *state;          /* power_state */
  char *how;
  size_t howlen;
  unsigned timeout;               /* shutdown */
  bool hard;
};
typedef int (*vm_job_fn) (struct run *run, struct v2v_vsphere *vs,
                          const struct v2v_vs_object *o,
                          const struct vm_job *job);

/* Find the run's VM in a session (the run's, or one of its own) and
 * call fn on it.
 */
static int
with_vm (struct run *run, vm_job_fn fn, const struct vm_job *job)
{
  struct v2v_vs_inventory inv = { 0 };
  struct v2v_vs_object *o;
  bool temp;
  struct v2v_vsphere *vs = session (run, &temp);
  int r = -1;

  if (vs == NULL)
    return -1;
  o = this_vm (run, vs, &inv);
  if (o)
    r = fn (run, vs, o, job);
  v2v_vs_inventory_free (&inv);
  end_session (vs, temp);
  return r;
}

static int
report_power (struct run *run, struct v2v_vsphere *vs,
              const struct v2v_vs_object *o, const struct vm_job *job)
{
  (void) run; (void) vs;
  *job->state = o->power;
  snprintf (job->how, job->howlen, "vSphere API: %s runtime.powerState = %s",
            o->path ? o->path : o->id, v2v_vs_power_name (o->power));
  return 0;
}

static int
vsphere_power_state (struct run *run, enum v2v_power *state, char *how,
                     size_t howlen)
{
  return with_vm (run, report_power, &(struct vm_job) {
      .state = state, .how = how, .howlen = howlen });
}

/* The VM's power state now. */
static int
poll_power (struct v2v_vsphere *vs, const char *id, enum v2v_power *p)
{
  static const char *const props[] = { "runtime.powerState", NULL };
  struct v2v_vs_inventory inv = { 0 };
  int r = v2v_vsphere_vm_props (vs, "VirtualMachine", id, props, &inv);

  if (r == 0 && inv.nr == 0) {
    v2v_error_kind (V2V_ERR_NOT_FOUND, NULL, "%s: the VM is gone",
                    vs->run->cfg->source.server);
    r = -1;
  }
  if (r == 0)
    *p = inv.objs[0].power;
  v2v_vs_inventory_free (&inv);
  return r;
}

/* Wait for task to end: 0 when it succeeded, -1 with its error. */
static int
wait_task (struct v2v_vsphere *vs, const char *task, const char *what)
{
  static const char *const props[] = { "info.state", "info.error", NULL };
  unsigned waited;

  for (waited = 0; waited <= TASK_SECONDS; waited += POLL_SECONDS) {
    struct v2v_vs_inventory inv = { 0 };
    const char *st;
    int r = v2v_vsphere_vm_props (vs, "Task", task, props, &inv);
    if (r == 0 && inv.nr == 1 && (st = inv.objs[0].task_state)) {
      if (strcmp (st, "success") == 0) {
        v2v_vs_inventory_free (&inv);
        return 0;
      }
      if (strcmp (st, "error") == 0) {
        char *e = inv.objs[0].task_error;
        if (e)
          v2v_vs_printable (e, 400);
        v2v_error ("%s: %s failed: %s", vs->run->cfg->source.server, what,
                   e ? e : "no reason given");
        v2v_vs_inventory_free (&inv);
        return -1;
      }
    }
    v2v_vs_inventory_free (&inv);
    if (r == -1)
      return -1;
    sleep (POLL_SECONDS);
  }
  v2v_error ("%s: %s: the task did not end in %d s",
             vs->run->cfg->source.server, what, TASK_SECONDS);
  return -1;
}

/* Guest shutdown through VMware Tools, up to timeout seconds; then, if
 * hard, PowerOffVM_Task.
 */
static int
shutdown_vm (struct run *run, struct v2v_vsphere *vs, const char *id,
             const char *label, enum v2v_power p, unsigned timeout, bool hard)
{
  CLEANUP_FREE char *task = NULL;
  unsigned waited = 0;

  if (p == V2V_POWER_ON) {
    v2v_info (run, "%s: guest shutdown (VMware Tools), waiting up to %u s",
              label, timeout);
    if (v2v_vsphere_vm_call (vs, "ShutdownGuest", id, NULL) == -1) {
      if (!hard)
        return -1;
      v2v_warning (run, "%s: guest shutdown refused (%s): powering off",
                   label, v2v_last_error ());
      v2v_clear_error ();
      timeout = 0;
    }
    while (waited < timeout) {
      sleep (POLL_SECONDS);
      waited += POLL_SECONDS;
      if (poll_power (vs, id, &p) == -1)
        return -1;
      if (p == V2V_POWER_OFF) {
        v2v_info (run, "%s: powered off after %u s", label, waited);
        return 0;
      }
    }
  }
  if (!hard && p == V2V_POWER_SUSPENDED) {
    v2v_error ("%s: %s is suspended: a guest shutdown needs it running; "
               "resume it and shut it down, or allow a hard power-off",
               run->cfg->source.server, label);
    return -1;
  }
  if (!hard) {
    v2v_error ("%s: %s is still %s after %u s: shut it down in the guest, "
               "or allow a hard power-off", run->cfg->source.server, label,
               v2v_vs_power_name (p), timeout);
    return -1;
  }
  v2v_info (run, "%s: hard power-off", label);
  if (v2v_vsphere_vm_call (vs, "PowerOffVM_Task", id, &task) == -1 ||
      wait_task (vs, task, "PowerOffVM_Task") == -1 ||
      poll_power (vs, id, &p) == -1)
    return -1;
  if (p != V2V_POWER_OFF) {
    v2v_error ("%s: %s is %s after the power-off", run->cfg->source.server,
               label, v2v_vs_power_name (p));
    return -1;
  }
  return 0;
}

static int
shutdown_job (struct run *run, struct v2v_vsphere *vs,
              const struct v2v_vs_object *o, const struct vm_job *job)
{
  if (o->power == V2V_POWER_OFF)
    return 0;
  return shutdown_vm (run, vs, o->id, o->path ? o->path : o->id, o->power,
                      job->timeout, job->hard);
}

static int
vsphere_shutdown (struct run *run, unsigned timeout, bool hard)
{
  return with_vm (run, shutdown_job, &(struct vm_job) {
      .timeout = timeout, .hard = hard });
}

const struct v2v_source_ops v2v_source_vsphere = {
  .name = "vsphere",
  .connect = vsphere_connect,
  .close = vsphere_close,
  .check_login = vsphere_check_login,
  .probe = v2v_https_probe,
  .get = v2v_https_get_path,
  .nbdkit_args = v2v_https_nbdkit_args,
  .list_vms = vsphere_list_vms,
  .list_where = "the vSphere inventory",
  .url = v2v_https_url_of,
  .url_is_ours = v2v_https_url_is_ours,
  .download = v2v_https_download,
  .power_state = vsphere_power_state,
  .shutdown = vsphere_shutdown,
};
