/* The kickstart commands: one table of commands and options, and for each
 * command where its options go and what completing a line does.  The
 * parser, dump-config, list-kickstart-options, the kernel command line
 * and the docs test all read this table.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/vector.h"
#include "ks_table.h"

/* ---- growing arrays ---- */

void *
ks_append (struct ks_ctx *ctx, void *array, size_t *n, size_t *cap,
           size_t size, size_t max)
{
  void *a;
  char *e;

  if (*n >= max) {
    ks_err (ctx, "more than %zu of these", max);
    return NULL;
  }
  memcpy (&a, array, sizeof a);
  if (v2v_vector_reserve (&a, cap, *n, 1, size) == -1) {
    ks_err (ctx, "out of memory");
    return NULL;
  }
  memcpy (array, &a, sizeof a);
  e = (char *) a + *n * size;
  memset (e, 0, size);
  (*n)++;
  return e;
}

/* ---- source, destination: once per file ---- */

static void *
once (struct ks_ctx *ctx, int *line, const char **file, const char *what,
      void *target)
{
  if (*line) {
    bool other = *file && strcmp (*file, ctx->name) != 0;
    ks_err (ctx, "%s: given twice (first on line %d%s%s)", what, *line,
            other ? " of " : "", other ? *file : "");
    return NULL;
  }
  *line = ctx->line;
  *file = ctx->name;
  return target;
}

static void *
source_target (struct ks_ctx *ctx)
{
  return once (ctx, &ctx->source_line, &ctx->source_file, "source", &ctx->ks->base.source);
}

static void
source_complete (struct ks_ctx *ctx, void *target, bool errors)
{
  const struct v2v_source *src = target;

  if (!errors && src->password)
    ks_warn (ctx, "source: --password puts the password in the kickstart, "
             "where anyone with the file or the boot medium can read it: "
             "prefer --password-file=FILE (mode 0600)");
}

static void *
dest_target (struct ks_ctx *ctx)
{
  return once (ctx, &ctx->dest_line, &ctx->dest_file, "destination", &ctx->ks->base.dest);
}

/* ---- luks: the key of the guest's encrypted devices, once ---- */

static void *
luks_target (struct ks_ctx *ctx)
{
  return once (ctx, &ctx->luks_line, &ctx->luks_file, "luks",
               &ctx->ks->base.luks);
}

static void
luks_complete (struct ks_ctx *ctx, void *target, bool errors)
{
  const struct v2v_luks *l = target;

  if (errors)
    return;
  if (!l->key_file && !l->key)
    ks_err (ctx, "luks: give --key-file=FILE");
  else if (l->key_file && l->key)
    ks_err (ctx, "luks: give --key-file or --key, not both");
  else if (l->key)
    ks_warn (ctx, "luks: --key puts the LUKS key in the kickstart, where "
             "anyone with the file or the boot medium can read it: prefer "
             "--key-file=FILE (mode 0600)");
}

/* ---- vm, disk: the batch ---- */

static void *
vm_target (struct ks_ctx *ctx)
{
  struct ks_file *ks = ctx->ks;
  struct ks_vm *v = ks_append (ctx, &ks->vms, &ks->nr_vms, &ctx->cap_vms,
                               sizeof *v, KS_MAX_VMS);

  if (v == NULL)
    return NULL;
  ctx->cap_disks = ctx->cap_netmaps = 0;    /* its arrays, empty */
  v->line = ctx->line;
  v->file = ctx->name;
  return &v->vm;
}

static void *
disk_target (struct ks_ctx *ctx)
{
  struct ks_file *ks = ctx->ks;
  struct ks_vm *v = ks->nr_vms > 0 ? &ks->vms[ks->nr_vms - 1] : NULL;

  if (v)
    return ks_append (ctx, &v->disks, &v->nr_disks, &ctx->cap_disks,
                      sizeof *v->disks, 64);
  if (!ctx->early_disk_line) {
    ctx->early_disk_line = ctx->line;
    ctx->early_disk_file = ctx->name;
  }
  return ks_append (ctx, &ctx->early_disks, &ctx->nr_early_disks,
                    &ctx->cap_early_disks, sizeof *ctx->early_disks, 64);
}

/* ---- network: a NIC map, or the image's own NIC ---- */

static void *
network_target (struct ks_ctx *ctx)
{
  memset (&ctx->scratch.network, 0, sizeof ctx->scratch.network);
  return &ctx->scratch.network;
}

static bool
valid_ipv4 (const char *s)
{
  int parts = 0;

  for (;;) {
    const char *start = s;
    unsigned v = 0;
    while (isdigit ((unsigned char) *s) && s - start < 3)
      v = v * 10 + (unsigned) (*s++ - '0');
    if (s == start || v > 255 || (s - start > 1 && *start == '0'))
      return false;
    parts++;
    if (*s == '\0')
      return parts == 4;
    if (*s != '.' || parts == 4)
      return false;
    s++;
  }
}

void
ks_nic_free (struct ks_nic *n)
{
  free (n->device); free (n->ip); free (n->netmask); free (n->gateway);
  free (n->nameserver);
}

static int
add_map (struct ks_ctx *ctx, const char *map)
{
  struct ks_file *ks = ctx->ks;
  struct v2v_netmap **maps, *m;
  size_t *n;
  char *from, *to;
  const char *eq = strrchr (map, '=');

  if (eq == NULL || eq == map || eq[1] == '\0') {
    ks_err (ctx, "network: --map=\"%s\": expected \"SOURCE NETWORK="
            "DESTINATION\"", map);
    return -1;
  }
  /* Before the first vm: for every VM; after one: for that VM. */
  if (ks->nr_vms > 0) {
    maps = &ks->vms[ks->nr_vms - 1].netmaps;
    n = &ks->vms[ks->nr_vms - 1].nr_netmaps;
  }
  else {
    maps = &ks->base.netmaps;
    n = &ks->base.nr_netmaps;
  }
  from = strndup (map, (size_t) (eq - map));
  to = strdup (eq + 1);
  if (from == NULL || to == NULL) {
    ks_err (ctx, "out of memory");
    m = NULL;
  }
  else
    m = ks_append (ctx, maps, n, &ctx->cap_netmaps, sizeof *m, 256);
  if (m == NULL) {
    free (from);
    free (to);
    return -1;
  }
  m->from = from;
  m->to = to;
  return 0;
}

static void
network_complete (struct ks_ctx *ctx, void *target, bool errors)
{
  struct ks_network *n = target;
  struct ks_nic *nic = &n->nic, *nics;
  int before = ctx->errors;
  bool setup = nic->device || nic->bootproto || nic->ip || nic->netmask ||
               nic->gateway || nic->nameserver;

  if (errors)
    goto out;
  if (n->map) {
    if (setup)
      ks_err (ctx, "network: --map is for the converted VM's NICs; the "
              "image's own NIC (--device, --bootproto, ...) takes another "
              "network line");
    else
      add_map (ctx, n->map);
    goto out;
  }
  if (!setup) {
    ks_err (ctx, "network: give --map=\"SOURCE NETWORK=DESTINATION\", or "
            "--bootproto=dhcp|static for the image's own NIC");
    goto out;
  }
  if (nic->bootproto == KS_BOOT_NONE)
    ks_err (ctx, "network: --bootproto=dhcp|static is required");
  else if (nic->bootproto == KS_BOOT_STATIC && (!nic->ip || !nic->netmask))
    ks_err (ctx, "network: --bootproto=static needs --ip=ADDRESS and "
            "--netmask=MASK");
  else if (nic->bootproto == KS_BOOT_DHCP && (nic->ip || nic->netmask ||
                                              nic->gateway))
    ks_err (ctx, "network: --ip, --netmask and --gateway go with "
            "--bootproto=static");
  if (nic->ip && !valid_ipv4 (nic->ip))
    ks_err (ctx, "network: --ip=%s: expected an IPv4 address", nic->ip);
  if (nic->netmask && !valid_ipv4 (nic->netmask))
    ks_err (ctx, "network: --netmask=%s: expected a mask like "
            "255.255.255.0", nic->netmask);
  if (nic->gateway && !valid_ipv4 (nic->gateway))
    ks_err (ctx, "network: --gateway=%s: expected an IPv4 address",
            nic->gateway);
  if (nic->nameserver && !valid_ipv4 (nic->nameserver))
    ks_err (ctx, "network: --nameserver=%s: expected an IPv4 address",
            nic->nameserver);
  if (ctx->errors == before) {
    struct ks_file *ks = ctx->ks;
    nics = ks_append (ctx, &ks->nics, &ks->nr_nics, &ctx->cap_nics,
                      sizeof *nics, 64);
    if (nics) {
      *nics = *nic;
      nic = NULL;
    }
  }
 out:
  free (n->map);
  if (nic)
    ks_nic_free (nic);
}

/* ---- options, log: once, through scratch structs ---- */

static void *
options_target (struct ks_ctx *ctx)
{
  memset (&ctx->scratch.options, 0, sizeof ctx->scratch.options);
  return once (ctx, &ctx->options_line, &ctx->options_file, "options",
               &ctx->scratch.options);
}

static void
options_complete (struct ks_ctx *ctx, void *target, bool errors)
{
  struct ks_options *o = target;

  if (!errors && !o->o.shutdown_source &&
      (o->o.hard_power_off || o->o.shutdown_timeout)) {
    ks_err (ctx, "options: --%s only goes with --shutdown-source",
            o->o.hard_power_off ? "hard-power-off" : "shutdown-timeout");
    errors = true;
  }
  if (errors) {
    free (o->o.virtio_win);
    return;
  }
  ctx->ks->base.options = o->o;
  ctx->ks->parallel = o->parallel;
}

static void *
log_target (struct ks_ctx *ctx)
{
  memset (&ctx->scratch.log, 0, sizeof ctx->scratch.log);
  return once (ctx, &ctx->log_line, &ctx->log_file, "log", &ctx->scratch.log);
}

static void
log_complete (struct ks_ctx *ctx, void *target, bool errors)
{
  struct ks_log *l = target;

  if (!errors && !l->file && !l->remote)
    ks_err (ctx, "log: give --file=PATH and/or --remote=syslog://HOST[:PORT]");
  else if (!errors && l->file && l->file[0] != '/')
    ks_err (ctx, "log: --file=%s: expected an absolute path", l->file);
  else if (!errors && l->remote && strncmp (l->remote, "syslog://", 9) != 0)
    ks_err (ctx, "log: --remote=%s: expected syslog://HOST[:PORT]",
            l->remote);
  else if (!errors) {
    ctx->ks->log_file = l->file;
    ctx->ks->log_remote = l->remote;
    return;
  }
  free (l->file);
  free (l->remote);
}

/* ---- include URL: read by the parser once the line is done ---- */

static void *
include_target (struct ks_ctx *ctx)
{
  memset (&ctx->scratch.include, 0, sizeof ctx->scratch.include);
  return &ctx->scratch.include;
}

static void
include_complete (struct ks_ctx *ctx, void *target, bool errors)
{
  struct ks_include *inc = target;

  if (errors || inc->url == NULL) {
    if (!errors)
      ks_err (ctx, "include: give the URL of the file to include");
    free (inc->url);
    return;
  }
  ctx->include_url = inc->url;
}

/* ---- poweroff, reboot, shell ---- */

static void *
after_target (struct ks_ctx *ctx)
{
  if (ctx->after_line) {
    ks_err (ctx, "only one of poweroff, reboot and shell may be given "
            "(first on line %d)", ctx->after_line);
    return NULL;
  }
  ctx->after_line = ctx->line;
  ctx->after_file = ctx->name;
  return ctx->ks;
}

static void
poweroff_complete (struct ks_ctx *ctx, void *t, bool errors)
{
  (void) t; (void) errors;
  ctx->ks->base.after = V2V_AFTER_POWEROFF;
}

static void
reboot_complete (struct ks_ctx *ctx, void *t, bool errors)
{
  (void) t; (void) errors;
  ctx->ks->base.after = V2V_AFTER_REBOOT;
}

static void
shell_complete (struct ks_ctx *ctx, void *t, bool errors)
{
  (void) t; (void) errors;
  ctx->ks->base.after = V2V_AFTER_SHELL;
}

/* ---- the table ---- */

static const char *const source_types[] = { "", "https", "ssh", "vsphere",
                                            NULL };
static const char *const dest_types[] = { "", "local", "libvirt", NULL };

const char *
ks_dest_type_name (enum v2v_dest_type type)
{
  if ((size_t) type >= sizeof dest_types / sizeof dest_types[0] - 1 ||
      !dest_types[type][0])
    return NULL;
  return dest_types[type];
}
static const char *const formats[] = { "", "qcow2", "raw", NULL };
static const char *const allocations[] = { "sparse", "preallocated", NULL };
static const char *const firmwares[] = { "auto", "bios", "uefi", NULL };
static const char *const bootprotos[] = { "", "dhcp", "static", NULL };
static const char *const block_drivers[] = { "virtio-blk", "virtio-scsi",
                                             "sata", NULL };

#define OPT(st, field, name, type, meta, doc) \
  { name, type, offsetof (struct st, field), NULL, 0, 0, meta, doc }
#define ENUM(st, field, name, choices, meta, doc) \
  { name, KS_ENUM, offsetof (struct st, field), choices, 0, 0, meta, doc }
#define UINT(st, field, name, min, max, meta, doc) \
  { name, KS_UINT, offsetof (struct st, field), NULL, min, max, meta, doc }

static const struct ks_option source_opts[] = {
  ENUM (v2v_source, type, "type", source_types, "https|ssh|vsphere",
        "how to reach the source host (vsphere: the ESXi or vCenter API)"),
  OPT (v2v_source, server, "server", KS_STRING, "HOST[:PORT]",
       "the ESXi host or file server"),
  OPT (v2v_source, user, "user", KS_STRING, "USER",
       "user name to log in with"),
  OPT (v2v_source, password_file, "password-file", KS_STRING, "FILE",
       "file holding the password (make it 0600)"),
  OPT (v2v_source, password, "password", KS_STRING, "PASSWORD",
       "the password itself: visible to anyone with the kickstart "
       "(accepted with a warning)"),
  OPT (v2v_source, cacert, "cacert", KS_STRING, "FILE",
       "PEM file of the CA that signed the server certificate"),
  OPT (v2v_source, thumbprint, "thumbprint", KS_STRING, "SHA256",
       "pinned SHA-256 fingerprint of the server certificate"),
  OPT (v2v_source, insecure, "insecure", KS_FLAG, NULL,
       "do not verify the server certificate"),
  OPT (v2v_source, identity, "identity", KS_STRING, "FILE",
       "ssh: private key to log in with"),
  OPT (v2v_source, known_hosts, "known-hosts", KS_STRING, "FILE",
       "ssh: known_hosts file with the host's key"),
  { NULL }
};

static const struct ks_option luks_opts[] = {
  OPT (v2v_luks, key_file, "key-file", KS_STRING, "FILE",
       "file holding the key (passphrase) of the guest's LUKS devices "
       "(make it 0600)"),
  OPT (v2v_luks, key, "key", KS_STRING, "KEY",
       "the key itself: visible to anyone with the kickstart (accepted "
       "with a warning)"),
  { NULL }
};

static const struct ks_option vm_opts[] = {
  OPT (v2v_vm, vmx, "vmx", KS_STRING, "\"[DATASTORE] DIR/NAME.vmx\"",
       "the VM's .vmx: its disks, NICs, memory, vCPUs, firmware and name"),
  OPT (v2v_vm, inventory, "inventory", KS_STRING, "/DC/vm/FOLDER/NAME",
       "vsphere: the VM by inventory path or name; a path ending in / is "
       "every VM of that folder"),
  OPT (v2v_vm, datacenter, "datacenter", KS_STRING, "DC",
       "ESXi datacenter of the .vmx (ha-datacenter)"),
  OPT (v2v_vm, name, "name", KS_STRING, "NAME", "name of the converted VM"),
  UINT (v2v_vm, memory_mib, "memory", 64, 4194304, "MiB",
        "memory of the converted VM (default: as found, or 2048)"),
  UINT (v2v_vm, vcpus, "vcpus", 1, 512, "N",
        "virtual CPUs of the converted VM (default: as found, or 1)"),
  ENUM (v2v_vm, firmware, "firmware", firmwares, "auto|bios|uefi",
        "firmware of the converted VM (default: as found)"),
  { NULL }
};

static const struct ks_option disk_opts[] = {
  OPT (v2v_disk, path, "path", KS_STRING, "PATH",
       "\"[DATASTORE] DIR/FILE-flat.vmdk\" or /abs/path"),
  OPT (v2v_disk, datacenter, "datacenter", KS_STRING, "DC",
       "ESXi datacenter of a datastore path (ha-datacenter)"),
  { NULL }
};

static const struct ks_option dest_opts[] = {
  ENUM (v2v_destination, type, "type", dest_types, "local|libvirt",
        "where the converted VM goes"),
  OPT (v2v_destination, dir, "dir", KS_STRING, "DIR",
       "local: directory for the disks and the domain XML"),
  OPT (v2v_destination, uri, "uri", KS_STRING, "qemu+ssh://USER@HOST/system",
       "libvirt: the KVM host"),
  OPT (v2v_destination, pool, "pool", KS_STRING, "POOL",
       "libvirt: the storage pool for the disks"),
  OPT (v2v_destination, identity, "identity", KS_STRING, "FILE",
       "libvirt: private key for the ssh login"),
  OPT (v2v_destination, known_hosts, "known-hosts", KS_STRING, "FILE",
       "libvirt: known_hosts file with the host's key"),
  ENUM (v2v_destination, format, "format", formats, "qcow2|raw",
        "disk format (qcow2 in a directory, raw in a pool)"),
  ENUM (v2v_destination, allocation, "allocation", allocations,
        "sparse|preallocated", "allocate only data (default) or the whole "
        "disk"),
  { NULL }
};

static const struct ks_option network_opts[] = {
  OPT (ks_network, map, "map", KS_STRING, "\"SOURCE=DEST\"",
       "connect the VM's NICs on a source network to a libvirt network "
       "or bridge"),
  OPT (ks_network, nic.device, "device", KS_STRING, "NAME|MAC",
       "the image's NIC to set up (default: every NIC with a link)"),
  ENUM (ks_network, nic.bootproto, "bootproto", bootprotos, "dhcp|static",
        "how the image's NIC gets its address"),
  OPT (ks_network, nic.ip, "ip", KS_STRING, "ADDRESS",
       "static: the image's IPv4 address"),
  OPT (ks_network, nic.netmask, "netmask", KS_STRING, "MASK",
       "static: its netmask (255.255.255.0)"),
  OPT (ks_network, nic.gateway, "gateway", KS_STRING, "ADDRESS",
       "static: the default gateway"),
  OPT (ks_network, nic.nameserver, "nameserver", KS_STRING, "ADDRESS",
       "the DNS server"),
  { NULL }
};

static const struct ks_option options_opts[] = {
  OPT (ks_options, o.no_fstrim, "no-fstrim", KS_FLAG, NULL,
       "do not trim the filesystems: copy free space too"),
  OPT (ks_options, o.keep_vmware_tools, "keep-vmware-tools", KS_FLAG, NULL,
       "leave VMware Tools installed in the guest"),
  ENUM (ks_options, o.block_driver, "block-driver", block_drivers,
        "virtio-blk|virtio-scsi|sata", "disk bus of the converted VM "
        "(default virtio-blk; sata for Windows without --virtio-win)"),
  OPT (ks_options, o.virtio_win, "virtio-win", KS_STRING, "PATH|URL",
       "Windows guests: virtio-win ISO or directory (or its http(s) URL) "
       "to take the virtio drivers from"),
  OPT (ks_options, o.shutdown_source, "shutdown-source", KS_FLAG, NULL,
       "a powered-on source VM: shut it down first (a guest shutdown "
       "through VMware Tools), instead of refusing it"),
  UINT (ks_options, o.shutdown_timeout, "shutdown-timeout", 10, 86400,
        "SECONDS", "with --shutdown-source: how long to wait for the guest "
        "to be off (default 300)"),
  OPT (ks_options, o.hard_power_off, "hard-power-off", KS_FLAG, NULL,
       "with --shutdown-source: power the VM off if the guest shutdown "
       "did not in time (or it is suspended)"),
  UINT (ks_options, o.connections, "connections", 1, 16, "N",
        "read each disk over up to N connections to the source at once "
        "(default 4)"),
  OPT (ks_options, o.verify_boot, "verify-boot", KS_FLAG, NULL,
       "boot the converted VM once, isolated, and report whether it "
       "booted (a failure fails the run)"),
  UINT (ks_options, o.verify_timeout, "verify-timeout", 30, 3600, "SECONDS",
        "--verify-boot: how long the VM has to show life (default 300)"),
  OPT (ks_options, o.verify_report_only, "verify-report-only", KS_FLAG, NULL,
       "--verify-boot: report a failed verification, do not fail the run"),
  UINT (ks_options, parallel, "parallel", 1, 16, "N",
        "convert up to N VMs of the file at once (default 1)"),
  { NULL }
};

static const struct ks_option log_opts[] = {
  OPT (ks_log, file, "file", KS_STRING, "PATH",
       "append the run's log to this file"),
  OPT (ks_log, remote, "remote", KS_STRING, "syslog://HOST[:PORT]",
       "also send it to a syslog server (UDP, port 514 by default)"),
  { NULL }
};

static const struct ks_option include_opts[] = {
  OPT (ks_include, url, "url", KS_STRING, "URL",
       "http://, https://, tftp://, file:/PATH or /PATH (the word after "
       "include)"),
  { NULL }
};

static const struct ks_option no_opts[] = { { NULL } };

/* Where a struct v2v_config keeps a command's options (struct
 * ks_command's kept).  The options struct ks_options collects are a
 * struct v2v_options, then the ks_file's --parallel.
 */
#define NOT_KEPT KS_NOT_KEPT, 0, 0, 0
#define KEPT(f) KS_KEPT, offsetof (struct v2v_config, f), \
    sizeof ((struct v2v_config *) 0)->f, 0
#define KEPT_EACH(f, nr) KS_KEPT_EACH, offsetof (struct v2v_config, f), \
    sizeof *((struct v2v_config *) 0)->f, offsetof (struct v2v_config, nr)
_Static_assert (offsetof (struct ks_options, o) == 0,
                "options: its struct v2v_options comes first");

const struct ks_command ks_commands[] = {
  { "source", source_opts, NULL, source_target, source_complete,
    "where the VMs' disks are read from", KEPT (source) },
  { "vm", vm_opts, NULL, vm_target, NULL,
    "a VM to convert (repeat for a batch)", KEPT (vm) },
  { "disk", disk_opts, NULL, disk_target, NULL,
    "a disk of the VM above (repeat)", KEPT_EACH (disks, nr_disks) },
  { "destination", dest_opts, NULL, dest_target, NULL,
    "where the converted VMs are written", KEPT (dest) },
  { "network", network_opts, NULL, network_target, network_complete,
    "a network mapping, or the image's own NIC (repeat)", NOT_KEPT },
  { "options", options_opts, NULL, options_target, options_complete,
    "how the conversion is done", KEPT (options) },
  { "luks", luks_opts, NULL, luks_target, luks_complete,
    "the key that opens the guest's LUKS-encrypted devices", KEPT (luks) },
  { "log", log_opts, NULL, log_target, log_complete,
    "where the run's log also goes", NOT_KEPT },
  { "include", include_opts, "url", include_target, include_complete,
    "read more commands from a URL", NOT_KEPT },
  { "poweroff", no_opts, NULL, after_target, poweroff_complete,
    "power the image off after the run", NOT_KEPT },
  { "reboot", no_opts, NULL, after_target, reboot_complete,
    "reboot the image after the run", NOT_KEPT },
  { "shell", no_opts, NULL, after_target, shell_complete,
    "leave a shell on the console after the run", NOT_KEPT },
  { NULL }
};

/* ---- the fields of struct v2v_config that options set ---- */

static size_t
type_size (enum ks_type t)
{
  switch (t) {
  case KS_STRING: return sizeof (char *);
  case KS_UINT: return sizeof (unsigned);
  case KS_ENUM: return sizeof (int);
  case KS_FLAG: return sizeof (bool);
  }
  return 0;
}

void
ks_config_fields (v2v_config_field_fn fn, void *opaque)
{
  const struct ks_command *c;
  const struct ks_option *o;

  for (c = ks_commands; c->name; ++c) {
    bool each = c->kept == KS_KEPT_EACH;
    if (c->kept == KS_NOT_KEPT)
      continue;
    if (each) {
      struct v2v_config_field a = {
        V2V_FIELD_ARRAY, V2V_FIELD_TOP, c->config_offset, c->config_size,
        c->count_offset
      };
      fn (&a, opaque);
    }
    for (o = c->options; o->name; ++o) {
      struct v2v_config_field f = {
        o->type == KS_STRING ? V2V_FIELD_STRING : V2V_FIELD_VALUE,
        each ? c->config_offset : V2V_FIELD_TOP,
        each ? o->offset : c->config_offset + o->offset,
        o->type == KS_STRING ? 0 : type_size (o->type), 0
      };
      if (o->offset + type_size (o->type) > c->config_size)
        continue;               /* not in the config: options --parallel */
      fn (&f, opaque);
    }
  }
}

/* ---- lookups and suggestions for typos ---- */

static size_t
edit_distance (const char *a, const char *b)
{
  size_t la = strlen (a), lb = strlen (b), i, j;
  size_t row[64];

  if (la >= 63 || lb >= 63)
    return SIZE_MAX;
  for (j = 0; j <= lb; ++j)
    row[j] = j;
  for (i = 1; i <= la; ++i) {
    size_t prev = row[0];
    row[0] = i;
    for (j = 1; j <= lb; ++j) {
      size_t cur = row[j];
      size_t best = prev + (a[i - 1] != b[j - 1]);
      if (row[j] + 1 < best) best = row[j] + 1;
      if (row[j - 1] + 1 < best) best = row[j - 1] + 1;
      row[j] = best;
      prev = cur;
    }
  }
  return row[lb];
}

const struct ks_command *
ks_find_command (const char *name)
{
  const struct ks_command *c;

  for (c = ks_commands; c->name; ++c)
    if (strcmp (c->name, name) == 0)
      return c;
  return NULL;
}

const struct ks_option *
ks_find_option (const struct ks_command *cmd, const char *name)
{
  const struct ks_option *o;

  for (o = cmd->options; o->name; ++o)
    if (strcmp (o->name, name) == 0)
      return o;
  return NULL;
}

const char *
ks_suggest_option (const struct ks_command *cmd, const char *name)
{
  const char *best = NULL;
  size_t bestd = 3, i;

  for (i = 0; cmd->options[i].name; ++i) {
    const char *o = cmd->options[i].name;
    size_t d = edit_distance (o, name);
    if (d < bestd || (strstr (o, name) && d < 6 && !best)) {
      bestd = d;
      best = o;
    }
  }
  return best;
}

const char *
ks_suggest_command (const char *name)
{
  const char *best = NULL;
  size_t bestd = 3, i;

  for (i = 0; ks_commands[i].name; ++i) {
    size_t d = edit_distance (ks_commands[i].name, name);
    if (d < bestd) {
      bestd = d;
      best = ks_commands[i].name;
    }
  }
  return best;
}
