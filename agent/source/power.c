/* The source VM's power state, as the pipeline checks it: before anything
 * of the VM is read (and there, only when the operator asked for it, a
 * shutdown), again just before the overlay is made, and again after the
 * copy, before the domain is defined.  A running VM's disks copy
 * crash-inconsistent and change under the conversion, so a powered-on
 * or suspended VM is refused, and one powered on during the run fails
 * it (the output's abort then removes what was written).  A source that
 * cannot tell says so once, in a warning.  The decisions are in
 * v2v_power_check_with, which takes the table of operations, so that
 * tests/unit/test-power.c drives them with a fake source.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

const char *
v2v_power_name (enum v2v_power state)
{
  switch (state) {
  case V2V_POWER_OFF: return "powered off";
  case V2V_POWER_ON: return "powered on";
  case V2V_POWER_SUSPENDED: return "suspended";
  case V2V_POWER_UNKNOWN: break;
  }
  return "in an unknown power state";
}

/* The source VM as the operator named it: its .vmx, else its name. */
static const char *
vm_label (const struct run *run)
{
  const struct v2v_vm *vm = &run->cfg->vm;

  return vm->vmx ? vm->vmx : vm->name ? vm->name : "the VM";
}

/* The state, or -1 with the error set.  how says how it was learnt, or
 * why it could not be.
 */
static int
get_state (struct run *run, const struct v2v_source_ops *ops,
           enum v2v_power *state, char *how, size_t howlen)
{
  *state = V2V_POWER_UNKNOWN;
  snprintf (how, howlen, "the %s source cannot tell", ops->name);
  if (ops->power_state == NULL)
    return 0;
  how[0] = '\0';
  if (ops->power_state (run, state, how, howlen) == -1)
    return -1;
  if (how[0] == '\0')
    snprintf (how, howlen, "%s source", ops->name);
  return 0;
}

/* First check: refuse a running VM, or shut it down if asked to. */
static int
first_check (struct run *run, const struct v2v_source_ops *ops,
             enum v2v_power state, const char *how)
{
  const struct v2v_options *o = &run->cfg->options;
  const char *vm = vm_label (run);
  unsigned timeout = o->shutdown_timeout ? o->shutdown_timeout
                     : V2V_SHUTDOWN_TIMEOUT;
  char how2[256];

  switch (state) {
  case V2V_POWER_UNKNOWN:
    v2v_warning (run, "cannot tell whether %s is powered off (%s): make "
                 "sure it is, since a running VM's disks copy "
                 "crash-inconsistent", vm, how);
    return 0;
  case V2V_POWER_OFF:
    v2v_info (run, "%s is powered off (%s)", vm, how);
    return 0;
  case V2V_POWER_ON:
  case V2V_POWER_SUSPENDED:
    break;
  }
  if (!o->shutdown_source) {
    v2v_error ("%s is %s (%s): shut it down in vSphere, or add options "
               "--shutdown-source%s to shut it down first", vm,
               v2v_power_name (state), how,
               state == V2V_POWER_SUSPENDED ? " --hard-power-off" : "");
    return -1;
  }
  if (ops->shutdown == NULL) {
    v2v_error ("%s is %s (%s), and the %s source cannot shut it down: "
               "shut it down in vSphere", vm, v2v_power_name (state), how,
               ops->name);
    return -1;
  }
  if (state == V2V_POWER_SUSPENDED && !o->hard_power_off) {
    v2v_error ("%s is suspended (%s): a guest shutdown needs it running: "
               "resume it and shut it down in vSphere, or add "
               "--hard-power-off to power it off (what it held in memory "
               "is lost)", vm, how);
    return -1;
  }
  v2v_info (run, "%s is %s (%s): shutting it down (%s)", vm,
            v2v_power_name (state), how,
            state == V2V_POWER_SUSPENDED ? "a hard power-off"
            : o->hard_power_off ? "a guest shutdown, then a hard power-off "
              "if it is not off in time" : "a guest shutdown");
  if (ops->shutdown (run, timeout, o->hard_power_off) == -1 ||
      get_state (run, ops, &state, how2, sizeof how2) == -1)
    return -1;
  if (state != V2V_POWER_OFF) {
    v2v_error ("%s is still %s after the shutdown (%s)", vm,
               v2v_power_name (state), how2);
    return -1;
  }
  v2v_info (run, "%s is powered off now (%s)", vm, how2);
  return 0;
}

int
v2v_power_check_with (struct run *run, const struct v2v_source_ops *ops,
                      enum v2v_power_when when)
{
  enum v2v_power state;
  char how[256];

  if (get_state (run, ops, &state, how, sizeof how) == -1)
    return -1;
  if (when == V2V_POWER_AT_START)
    return first_check (run, ops, state, how);
  if (state == V2V_POWER_ON || state == V2V_POWER_SUSPENDED) {
    v2v_error ("%s was %s during the run (%s): %s; shut it down and run "
               "again", vm_label (run), v2v_power_name (state), how,
               when == V2V_POWER_AFTER_COPY
               ? "the copy is not consistent and is removed"
               : "its disks are changing; nothing was written");
    return -1;
  }
  v2v_debug ("%s: %s (%s)", vm_label (run), v2v_power_name (state), how);
  return 0;
}

int
v2v_source_power_check (struct run *run, enum v2v_power_when when)
{
  const struct v2v_source_ops *ops = v2v_source_ops_for
    (run->cfg->source.type);
  int r;

  if (ops == NULL) {
    v2v_error ("no source: give one with the source command");
    return -1;
  }
  if (when == V2V_POWER_AT_START)
    return v2v_power_check_with (run, ops, when);
  /* The source was closed after its stage: a session of its own. */
  if (ops->power_state == NULL)
    return 0;
  if (ops->connect (run) == -1)
    return -1;
  r = v2v_power_check_with (run, ops, when);
  ops->close (run);
  return r;
}
