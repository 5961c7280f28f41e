/* v2vboot-agent list-vms and list-destination: what a source holds and
 * what a destination offers, from a kickstart that needs only its source
 * or destination line.  list-vms prints vm lines ready for a batch
 * kickstart (or JSON with --machine-readable).
 */
#include <inttypes.h>
#include <stdio.h>

#include "cli.h"
#include "common/cleanup.h"
#include "kickstart.h"

/* A field of the comment after a vm line; "" if NULL.  Caller frees. */
static char *
field (const char *s, size_t max)
{
  return ks_escape (s ? s : "", max);
}

/* A power state as list-vms prints it. */
static const char *
power_name (enum v2v_power p)
{
  switch (p) {
  case V2V_POWER_ON: return "powered on";
  case V2V_POWER_OFF: return "powered off";
  case V2V_POWER_SUSPENDED: return "suspended";
  case V2V_POWER_UNKNOWN: break;
  }
  return "power state unknown";
}

/* The text form: a vm line, whose path parses back as the same string
 * (ks_quote), then what the .vmx says in a comment; or, for a path that
 * a kickstart cannot hold (the names come from the datastore, and a
 * name with a newline and a %pre would be run by check), a comment that
 * shows it escaped, and why.
 */
static void
print_vm_line (const struct v2v_found_vm *vm)
{
  const char *why;
  CLEANUP_FREE char *q = ks_quote (vm->vmx, &why);
  CLEANUP_FREE char *path = NULL, *name = NULL, *os = NULL, *nets = NULL;
  CLEANUP_FREE char *problem = NULL;
  char size[32];

  if (q == NULL) {
    path = ks_escape (vm->vmx, 512);
    printf ("# skipped: %s: %s\n", path ? path : "?", why);
    fprintf (stderr, "v2vboot-agent: list-vms: skipped %s: %s\n",
             path ? path : "?", why);
    return;
  }
  if (vm->problem) {
    problem = field (vm->problem, 256);
    printf ("# vm --vmx=%s  # cannot be read: %s\n", q,
            problem ? problem : "?");
    return;
  }
  name = field (vm->name, 128);
  os = field (vm->guest_os, 64);
  nets = field (vm->networks, 256);
  if (name == NULL || os == NULL || nets == NULL)
    return;
  /* (a disk under 1 GiB in MiB: "0 GiB" says nothing) */
  if (vm->disk_bytes < (UINT64_C (1) << 30))
    snprintf (size, sizeof size, "%" PRIu64 " MiB", vm->disk_bytes >> 20);
  else
    snprintf (size, sizeof size, "%" PRIu64 " GiB", vm->disk_bytes >> 30);
  printf ("vm --vmx=%s", q);
  if (vm->datacenter) {
    CLEANUP_FREE char *dc = ks_quote (vm->datacenter, &why);
    CLEANUP_FREE char *inv = vm->inventory ? ks_quote (vm->inventory, &why)
                             : NULL;
    if (dc)
      printf (" --datacenter=%s", dc);
    printf ("  # %s, %s, %s, %s, %u MiB, %u vCPU, %zu disk(s) %s, "
            "networks: %s", inv ? inv : "?", power_name (vm->power),
            name, os, vm->memory_mib, vm->vcpus, vm->nr_disks, size, nets);
  }
  else
    printf ("  # %s, %s, %u MiB, %u vCPU, %zu disk(s) %s, networks: %s",
            name, os, vm->memory_mib, vm->vcpus, vm->nr_disks, size, nets);
  if (vm->power != V2V_POWER_UNKNOWN && !vm->datacenter)
    printf (", %s", power_name (vm->power));
  putchar ('\n');
}

static void
print_vm (const struct v2v_found_vm *vm, void *opaque)
{
  (void) opaque;
  if (cli_out.machine_readable) {
    fputs ("{\"event\":\"vm\",\"vmx\":", stdout);
    cli_json_string (stdout, vm->vmx);
    fputs (",\"name\":", stdout);
    cli_json_string (stdout, vm->name);
    fputs (",\"guest_os\":", stdout);
    cli_json_string (stdout, vm->guest_os);
    printf (",\"memory_mib\":%u,\"vcpus\":%u,\"firmware\":\"%s\","
            "\"disks\":%zu,\"disk_bytes\":%" PRIu64 ",\"nics\":%zu,"
            "\"networks\":", vm->memory_mib, vm->vcpus,
            vm->firmware == V2V_FW_UEFI ? "uefi" : "bios", vm->nr_disks,
            vm->disk_bytes, vm->nr_nics);
    cli_json_string (stdout, vm->networks);
    printf (",\"power\":\"%s\",\"inventory\":", vm->power == V2V_POWER_ON
            ? "on" : vm->power == V2V_POWER_OFF ? "off"
            : vm->power == V2V_POWER_SUSPENDED ? "suspended" : "unknown");
    if (vm->inventory)
      cli_json_string (stdout, vm->inventory);
    else
      fputs ("null", stdout);
    fputs (",\"datacenter\":", stdout);
    if (vm->datacenter)
      cli_json_string (stdout, vm->datacenter);
    else
      fputs ("null", stdout);
    fputs (",\"problem\":", stdout);
    if (vm->problem)
      cli_json_string (stdout, vm->problem);
    else
      fputs ("null", stdout);
    fputs ("}\n", stdout);
    return;
  }
  print_vm_line (vm);
}

static void
print_target (const struct v2v_found_target *t, void *opaque)
{
  (void) opaque;
  if (cli_out.machine_readable) {
    printf ("{\"event\":\"%s\",\"name\":", t->kind);
    cli_json_string (stdout, t->name);
    printf (",\"active\":%s,\"available\":%" PRIu64 "}\n",
            t->active ? "true" : "false", t->available);
  }
  else
    printf ("%-8s %-24s %-8s %8" PRIu64 " GiB free\n", t->kind, t->name,
            t->active ? "active" : "inactive", t->available >> 30);
}

int
cli_list (const char *what, const struct ks_file *ks)
{
  struct v2v_config cfg = ks->base;
  int r;

  if (ks->nr_vms > 0)
    cfg.vm = ks->vms[0].vm;     /* its --datacenter */
  if (what[5] == 'v') {
    if (cfg.source.type == V2V_SOURCE_NONE) {
      fprintf (stderr, "v2vboot-agent: list-vms: the kickstart needs a "
               "source line\n");
      return 2;
    }
    r = v2v_list_vms (&cfg, print_vm, NULL);
  }
  else {
    if (cfg.dest.type == V2V_DEST_NONE) {
      fprintf (stderr, "v2vboot-agent: list-destination: the kickstart "
               "needs a destination line\n");
      return 2;
    }
    r = v2v_list_destination (&cfg, print_target, NULL);
  }
  if (r == -1) {
    cli_error ();
    return 1;
  }
  return 0;
}
