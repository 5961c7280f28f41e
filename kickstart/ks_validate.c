/* Kickstart checks on the whole file, once every line is read: what is
 * required, what conflicts, what is out of range.  Also settles the batch:
 * disks given before a single vm command go to it, and the network maps
 * given before the first vm go to every VM.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "common/vector.h"
#include "ks_table.h"

/* Messages from here on are about the command at file:line, the main
 * file's or an include's; line 0: about the whole, named by the main file.
 */
static void
at (struct ks_ctx *ctx, const char *file, int line)
{
  if (ctx->main_name == NULL)
    ctx->main_name = ctx->name;
  ctx->name = line && file ? file : ctx->main_name;
  ctx->line = line;
  ctx->col = 0;
}

static bool
valid_vm_name (const char *s)
{
  size_t i;

  if (s[0] == '.' || s[0] == '-' || strlen (s) > 64)
    return false;
  for (i = 0; s[i]; ++i)
    if (!isalnum ((unsigned char) s[i]) && !strchr ("._-", s[i]))
      return false;
  return true;
}

static void
check_server (struct ks_ctx *ctx, const char *server)
{
  const char *colon = NULL;

  if (server[0] == '[') {
    const char *close = strchr (server, ']');
    if (close == NULL || (close[1] != '\0' && close[1] != ':')) {
      ks_err (ctx, "source: --server=%s: expected [IPV6]:PORT", server);
      return;
    }
    colon = close[1] == ':' ? close + 1 : NULL;
  }
  else {
    colon = strchr (server, ':');
    if (colon && strchr (colon + 1, ':')) {
      ks_err (ctx, "source: --server=%s: write IPv6 addresses as [ADDR]:PORT",
              server);
      return;
    }
  }
  if (colon) {
    char *end;
    long port = strtol (colon + 1, &end, 10);
    if (end == colon + 1 || *end != '\0' || port < 1 || port > 65535)
      ks_err (ctx, "source: --server=%s: port must be from 1 to 65535",
              server);
  }
  if (server[0] == '\0' || server[0] == ':' ||
      strpbrk (server, "/?#@ ") != NULL)
    ks_err (ctx, "source: --server=%s: expected HOST or HOST:PORT", server);
}

/* A file the run will read must be there, unless a %pre section may
 * write it first (a key or password it brings inline): then the run
 * checks it when it reads it, after %pre.
 */
static void
check_readable (struct ks_ctx *ctx, const char *what, const char *file)
{
  if (ctx->ks->pre == NULL && access (file, R_OK) == -1)
    ks_err (ctx, "%s=%s: %s", what, file, strerror (errno));
}

/* What each kind of source needs and refuses, on top of what every one
 * does (validate_source): a row per kind in source_checks.
 */
static void
check_ssh_source (struct ks_ctx *ctx, const struct v2v_source *src)
{
  if (!src->user)
    ks_err (ctx, "source: --type=ssh needs --user=USER");
  else if (!src->identity == !(src->password_file || src->password))
    ks_err (ctx, "source: --type=ssh needs one of --identity=FILE and "
            "--password-file=FILE");
  if (src->cacert || src->thumbprint || src->insecure)
    ks_err (ctx, "source: --cacert, --thumbprint and --insecure are for "
            "--type=https (ssh checks --known-hosts)");
  if (src->identity)
    check_readable (ctx, "source: --identity", src->identity);
  if (src->known_hosts)
    check_readable (ctx, "source: --known-hosts", src->known_hosts);
}

static void
check_https_source (struct ks_ctx *ctx, const struct v2v_source *src)
{
  if (src->identity || src->known_hosts)
    ks_err (ctx, "source: --identity and --known-hosts are for --type=ssh");
  if (src->user && !src->password_file && !src->password)
    ks_err (ctx, "source: --user needs --password-file=FILE");
}

/* The API's Login needs a user and a password. */
static void
check_vsphere_source (struct ks_ctx *ctx, const struct v2v_source *src)
{
  check_https_source (ctx, src);
  if (!src->user)
    ks_err (ctx, "source: --type=vsphere needs --user=USER and "
            "--password-file=FILE (the API's login)");
}

static void (*const source_checks[]) (struct ks_ctx *,
                                      const struct v2v_source *) = {
  [V2V_SOURCE_HTTPS] = check_https_source,
  [V2V_SOURCE_SSH] = check_ssh_source,
  [V2V_SOURCE_VSPHERE] = check_vsphere_source,
};

static void
validate_source (struct ks_ctx *ctx, const struct v2v_source *src)
{
  int trust;

  at (ctx, ctx->source_file, ctx->source_line);
  if (!ctx->source_line && ctx->opts && ctx->opts->partial)
    return;
  if (!ctx->source_line) {
    ks_err (ctx, "no source command: say where the VMs are (source "
            "--type=https --server=HOST ...)");
    return;
  }
  if ((size_t) src->type >= sizeof source_checks / sizeof source_checks[0] ||
      !source_checks[src->type]) {
    ks_err (ctx, "source: --type=https|ssh|vsphere is required");
    return;
  }
  if (!src->server)
    ks_err (ctx, "source: --server=HOST[:PORT] is required");
  else
    check_server (ctx, src->server);
  if (src->password && src->password_file)
    ks_err (ctx, "source: give --password-file or --password, not both");
  source_checks[src->type] (ctx, src);
  if ((src->password_file || src->password) && !src->user)
    ks_err (ctx, "source: a password needs --user=USER");
  if (src->password_file)
    check_readable (ctx, "source: --password-file", src->password_file);
  trust = (src->cacert != NULL) + (src->thumbprint != NULL) + src->insecure;
  if (trust > 1)
    ks_err (ctx, "source: give only one of --cacert, --thumbprint and "
            "--insecure");
  if (src->cacert)
    check_readable (ctx, "source: --cacert", src->cacert);
}

/* Is o's vm line in another file than v's (then messages name it)? */
static bool
other_file (const struct ks_vm *v, const struct ks_vm *o)
{
  return o->file && v->file && strcmp (o->file, v->file) != 0;
}

static void
validate_vm (struct ks_ctx *ctx, const struct ks_vm *v, size_t index)
{
  size_t i, j;

  at (ctx, v->file, v->line);
  if (v->vm.inventory) {
    const char *p = v->vm.inventory;
    if (ctx->ks->base.source.type != V2V_SOURCE_VSPHERE)
      ks_err (ctx, "vm: --inventory needs source --type=vsphere");
    if (v->vm.vmx || v->nr_disks > 0 || v->vm.datacenter)
      ks_err (ctx, "vm: --inventory gives the .vmx and its datacenter: "
              "remove --vmx, --datacenter and the disk commands");
    if (p[0] == '\0' || (p[0] != '/' && strchr (p, '/')))
      ks_err (ctx, "vm: --inventory=%s: expected /DC/vm/FOLDER/NAME, "
              "/DC/vm/FOLDER/ or a VM name", p);
    else if (v->vm.name && p[strlen (p) - 1] == '/')
      ks_err (ctx, "vm: --name names one VM, --inventory=%s is a folder of "
              "them: remove --name", p);
  }
  else if (v->vm.vmx) {
    const char *x = v->vm.vmx;
    if (!(x[0] == '/' || (x[0] == '[' && strchr (x, ']'))) ||
        strlen (x) < 5 || strcasecmp (x + strlen (x) - 4, ".vmx") != 0)
      ks_err (ctx, "vm: --vmx=%s: expected \"[DATASTORE] DIR/NAME.vmx\" or "
              "an absolute path to a .vmx", x);
    if (v->nr_disks > 0)
      ks_err (ctx, "vm: --vmx gives the disks: remove the disk commands, "
              "or --vmx");
  }
  else {
    if (v->vm.datacenter)
      ks_err (ctx, "vm: --datacenter goes with --vmx (disks take their own "
              "--datacenter)");
    if (v->nr_disks == 0)
      ks_err (ctx, "vm: no disk: give the VM's .vmx (vm --vmx=...) or each "
              "of its disks (disk --path=...) after the vm line");
  }
  if (!v->vm.name && !v->vm.vmx && !v->vm.inventory)
    ks_err (ctx, "vm: --name=NAME is required: the converted VM needs a "
            "name");
  else if (v->vm.name && !valid_vm_name (v->vm.name))
    ks_err (ctx, "vm: --name=%s: use letters, digits, '.', '_' and '-' "
            "(at most 64, not starting with '.' or '-')", v->vm.name);
  for (j = 0; j < index; ++j) {
    const struct ks_vm *o = &ctx->ks->vms[j];
    if (v->vm.name && o->vm.name && strcmp (v->vm.name, o->vm.name) == 0)
      ks_err (ctx, "vm: --name=%s is already the name of the VM on line %d%s%s",
              v->vm.name, o->line, other_file (v, o) ? " of " : "",
              other_file (v, o) ? o->file : "");
    else if (v->vm.vmx && o->vm.vmx && strcmp (v->vm.vmx, o->vm.vmx) == 0 &&
             !v->vm.name && !o->vm.name)
      ks_err (ctx, "vm: --vmx=%s twice (line %d%s%s): give each a different "
              "--name", v->vm.vmx, o->line, other_file (v, o) ? " of " : "",
              other_file (v, o) ? o->file : "");
  }
  for (i = 0; i < v->nr_disks; ++i) {
    const char *p = v->disks[i].path;
    if (p == NULL)
      ks_err (ctx, "vm %s: disk %zu: --path is required",
              v->vm.name ? v->vm.name : "", i + 1);
    else if (p[0] != '/' && !(p[0] == '[' && strchr (p, ']')))
      ks_err (ctx, "disk --path=%s: expected \"[DATASTORE] DIR/FILE\" or an "
              "absolute path", p);
  }
}

/* What each kind of destination needs and refuses: a row per kind in
 * dest_checks.
 */
static void
check_libvirt_dest (struct ks_ctx *ctx, const struct v2v_destination *d)
{
  if (!d->uri)
    ks_err (ctx, "destination: --type=libvirt needs "
            "--uri=qemu+ssh://USER@HOST/system");
  else if (strncmp (d->uri, "qemu+ssh://", 11) != 0 &&
           strncmp (d->uri, "qemu+libssh://", 14) != 0 &&
           strncmp (d->uri, "qemu:///", 8) != 0)
    ks_err (ctx, "destination: --uri=%s: expected qemu+ssh://USER@HOST/"
            "system (or qemu:///system on this host)", d->uri);
  else if (strchr (d->uri, '?'))
    ks_err (ctx, "destination: --uri=%s: give the key and known hosts as "
            "--identity and --known-hosts, not in the URI", d->uri);
  if (!d->pool)
    ks_err (ctx, "destination: --type=libvirt needs --pool=POOL");
  if (d->dir)
    ks_err (ctx, "destination: --dir is for --type=local");
  if (d->format == V2V_FORMAT_QCOW2)
    ks_err (ctx, "destination: --format=qcow2: a libvirt pool receives "
            "raw volumes (sparse), use --format=raw or leave it out");
  if (d->identity)
    check_readable (ctx, "destination: --identity", d->identity);
  if (d->known_hosts)
    check_readable (ctx, "destination: --known-hosts", d->known_hosts);
}

static void
check_local_dest (struct ks_ctx *ctx, const struct v2v_destination *d)
{
  if (!d->dir)
    ks_err (ctx, "destination: --dir=DIR is required");
  if (d->uri || d->pool || d->identity || d->known_hosts)
    ks_err (ctx, "destination: --uri, --pool, --identity and --known-hosts "
            "are for --type=libvirt");
}

static void (*const dest_checks[]) (struct ks_ctx *,
                                    const struct v2v_destination *) = {
  [V2V_DEST_LOCAL] = check_local_dest,
  [V2V_DEST_LIBVIRT] = check_libvirt_dest,
};

static void
validate_dest (struct ks_ctx *ctx, const struct v2v_destination *d)
{
  at (ctx, ctx->dest_file, ctx->dest_line);
  if (!ctx->dest_line && ctx->opts && ctx->opts->partial)
    return;
  if (!ctx->dest_line) {
    ks_err (ctx, "no destination command: say where the VMs go "
            "(destination --type=local --dir=DIR)");
    return;
  }
  if ((size_t) d->type >= sizeof dest_checks / sizeof dest_checks[0] ||
      !dest_checks[d->type])
    ks_err (ctx, "destination: --type=local|libvirt is required");
  else
    dest_checks[d->type] (ctx, d);
}

/* Disks before the only vm command belong to it. */
static void
settle_early_disks (struct ks_ctx *ctx)
{
  struct ks_file *ks = ctx->ks;
  struct ks_vm *v;
  void *d;
  size_t i;

  if (ctx->nr_early_disks == 0)
    return;
  at (ctx, ctx->early_disk_file, ctx->early_disk_line);
  if (ks->nr_vms != 1) {
    if (ks->nr_vms == 0)
      ks_err (ctx, "disk: no vm command: add one (vm --name=NAME) for "
              "these disks");
    else
      ks_err (ctx, "disk: this file has several vm commands: put each disk "
              "after the vm it belongs to");
    for (i = 0; i < ctx->nr_early_disks; ++i) {
      free (ctx->early_disks[i].path);
      free (ctx->early_disks[i].datacenter);
    }
    return;
  }
  v = &ks->vms[0];
  d = ctx->early_disks;
  if (v2v_vector_reserve (&d, &ctx->cap_early_disks, ctx->nr_early_disks,
                          v->nr_disks, sizeof *v->disks) == -1) {
    ks_err (ctx, "out of memory");
    return;
  }
  ctx->early_disks = d;
  if (v->nr_disks)
    memcpy (ctx->early_disks + ctx->nr_early_disks, v->disks,
            v->nr_disks * sizeof *v->disks);
  free (v->disks);
  v->disks = ctx->early_disks;
  v->nr_disks += ctx->nr_early_disks;
  ctx->early_disks = NULL;
  ctx->nr_early_disks = 0;
}

/* The maps given before the first vm go to every VM that has no map of
 * its own for the same source network.
 */
static void
settle_netmaps (struct ks_ctx *ctx)
{
  struct ks_file *ks = ctx->ks;
  size_t i, j, k;

  for (i = 0; i < ks->nr_vms; ++i) {
    struct ks_vm *v = &ks->vms[i];
    size_t cap = v->nr_netmaps;       /* at least */
    for (j = 0; j < ks->base.nr_netmaps; ++j) {
      const struct v2v_netmap *g = &ks->base.netmaps[j];
      struct v2v_netmap *m;
      char *from, *to;
      for (k = 0; k < v->nr_netmaps; ++k)
        if (strcmp (v->netmaps[k].from, g->from) == 0)
          break;
      if (k < v->nr_netmaps)
        continue;
      from = strdup (g->from);
      to = strdup (g->to);
      m = from && to ? ks_append (ctx, &v->netmaps, &v->nr_netmaps, &cap,
                                  sizeof *m, SIZE_MAX) : NULL;
      if (m == NULL) {
        if (!from || !to)
          ks_err (ctx, "out of memory");
        free (from);
        free (to);
        return;
      }
      m->from = from;
      m->to = to;
    }
  }
}

/* The .vmx a --vmx names, spelled one way, into buf: "[DS]  DIR//X.vmx",
 * "[DS] ./DIR/X.vmx" and "/vmfs/volumes/DS/DIR/X.vmx" are all
 * "[DS] DIR/X.vmx".  False if it does not fit.
 */
static bool
vmx_key (const char *p, char *buf, size_t len)
{
  size_t n = 0;
  const char *close;
  bool datastore = true;

  if (strncmp (p, "/vmfs/volumes/", 14) == 0 && strchr (p + 14, '/')) {
    const char *ds = p + 14, *slash = strchr (ds, '/');
    if ((size_t) (slash - ds) + 4 >= len)
      return false;
    buf[n++] = '[';
    memcpy (buf + n, ds, (size_t) (slash - ds));
    n += (size_t) (slash - ds);
    buf[n++] = ']';
    p = slash;
  }
  else if (p[0] == '[' && (close = strchr (p, ']')) != NULL) {
    if ((size_t) (close - p) + 3 >= len)
      return false;
    memcpy (buf, p, (size_t) (close - p) + 1);
    n = (size_t) (close - p) + 1;
    p = close + 1;
  }
  else
    datastore = false;
  if (datastore) {
    buf[n++] = ' ';
    while (*p == ' ' || *p == '/')
      p++;
  }
  for (; *p; ++p) {
    if (*p == '/' && n > 0 && buf[n - 1] == '/')
      continue;                 /* "//" */
    if (*p == '.' && p[1] == '/' && (n == 0 || buf[n - 1] == '/' ||
                                     buf[n - 1] == ' ')) {
      p++;                      /* "./" */
      continue;
    }
    if (n + 1 >= len)
      return false;
    buf[n++] = *p;
  }
  buf[n] = '\0';
  return true;
}

/* Names unique across the batch, as far as the kickstart tells them: VMs
 * without --name take theirs from the .vmx, so one .vmx spelled two ways
 * gives two VMs of one name.  (Names from two different .vmx files are
 * known only at run time: the destination refuses the second before any
 * copy, output_local.c and output_libvirt.c.)
 */
static void
check_batch_names (struct ks_ctx *ctx)
{
  struct ks_file *ks = ctx->ks;
  char a[1024], b[1024];
  size_t i, j;

  for (i = 0; i < ks->nr_vms; ++i) {
    const struct ks_vm *v = &ks->vms[i];
    if (v->vm.name || !v->vm.vmx || !vmx_key (v->vm.vmx, a, sizeof a))
      continue;
    for (j = 0; j < i; ++j) {
      const struct ks_vm *o = &ks->vms[j];
      if (o->vm.name || !o->vm.vmx || strcmp (v->vm.vmx, o->vm.vmx) == 0 ||
          !vmx_key (o->vm.vmx, b, sizeof b) || strcmp (a, b) != 0)
        continue;               /* (the same string: validate_vm says so) */
      at (ctx, v->file, v->line);
      ks_err (ctx, "vm: --vmx=%s is the .vmx of the VM on line %d%s%s (%s): "
              "both would get the same name: give each a different --name",
              v->vm.vmx, o->line, other_file (v, o) ? " of " : "",
              other_file (v, o) ? o->file : "", o->vm.vmx);
      break;
    }
  }
}

void
ks_validate (struct ks_ctx *ctx)
{
  struct ks_file *ks = ctx->ks;
  size_t i;

  ctx->col = 0;
  settle_early_disks (ctx);
  settle_netmaps (ctx);
  validate_source (ctx, &ks->base.source);
  at (ctx, NULL, 0);
  if (ks->nr_vms == 0 && ctx->nr_early_disks == 0 &&
      !(ctx->opts && ctx->opts->partial))
    ks_err (ctx, "no vm command: say which VM to convert (vm --vmx=... or "
            "vm --name=NAME with disk commands)");
  for (i = 0; i < ks->nr_vms; ++i)
    validate_vm (ctx, &ks->vms[i], i);
  check_batch_names (ctx);
  validate_dest (ctx, &ks->base.dest);
  if (ks->base.luks.key_file) {
    at (ctx, ctx->luks_file, ctx->luks_line);
    check_readable (ctx, "luks: --key-file", ks->base.luks.key_file);
  }
  at (ctx, ctx->options_file, ctx->options_line);
  if (ks->parallel > 1 && ks->nr_vms < 2)
    ks_warn (ctx, "options: --parallel=%u with a single VM does nothing",
             ks->parallel);
  if (!ks->base.options.verify_boot && (ks->base.options.verify_timeout ||
                                        ks->base.options.verify_report_only))
    ks_err (ctx, "options: --verify-timeout and --verify-report-only go "
            "with --verify-boot");
  at (ctx, NULL, 0);
}
