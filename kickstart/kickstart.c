/* Kickstart parser: tokenise each line, set options through the command
 * table, then validate the whole (nbdkit's .config then .config_complete).
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kickstart.h"
#include "ks_table.h"

struct ks_ctx {
  const char *name;
  int line;
  int errors;
  FILE *errs;
  int source_line, vm_line, dest_line, after_line;
};

static void __attribute__ ((format (printf, 2, 3)))
ks_err (struct ks_ctx *ctx, const char *fmt, ...)
{
  va_list ap;

  if (ctx->line > 0)
    fprintf (ctx->errs, "%s:%d: ", ctx->name, ctx->line);
  else
    fprintf (ctx->errs, "%s: ", ctx->name);
  va_start (ap, fmt);
  vfprintf (ctx->errs, fmt, ap);
  va_end (ap);
  fputc ('\n', ctx->errs);
  ctx->errors++;
}

/* ---- the targets of each command ---- */

static void *
source_target (struct v2v_config *cfg, struct ks_ctx *ctx)
{
  if (ctx->source_line) {
    ks_err (ctx, "source: given twice (first on line %d)", ctx->source_line);
    return NULL;
  }
  ctx->source_line = ctx->line;
  return &cfg->source;
}

static void *
vm_target (struct v2v_config *cfg, struct ks_ctx *ctx)
{
  if (ctx->vm_line) {
    ks_err (ctx, "vm: given twice (first on line %d)", ctx->vm_line);
    return NULL;
  }
  ctx->vm_line = ctx->line;
  return &cfg->vm;
}

static void *
disk_target (struct v2v_config *cfg, struct ks_ctx *ctx)
{
  struct v2v_disk *d = realloc (cfg->disks,
                                (cfg->nr_disks + 1) * sizeof *d);

  if (d == NULL) {
    ks_err (ctx, "out of memory");
    return NULL;
  }
  cfg->disks = d;
  memset (&d[cfg->nr_disks], 0, sizeof *d);
  return &d[cfg->nr_disks++];
}

static void *
dest_target (struct v2v_config *cfg, struct ks_ctx *ctx)
{
  if (ctx->dest_line) {
    ks_err (ctx, "destination: given twice (first on line %d)",
            ctx->dest_line);
    return NULL;
  }
  ctx->dest_line = ctx->line;
  return &cfg->dest;
}

/* network --map="FROM=TO": options land in a scratch struct first. */
struct ks_network { char *map; };
static struct ks_network network_scratch;

static void *
network_target (struct v2v_config *cfg, struct ks_ctx *ctx)
{
  (void) cfg; (void) ctx;
  memset (&network_scratch, 0, sizeof network_scratch);
  return &network_scratch;
}

static int
network_complete (struct v2v_config *cfg, void *target, struct ks_ctx *ctx)
{
  struct ks_network *n = target;
  struct v2v_netmap *m;
  char *eq;

  if (n->map == NULL) {
    ks_err (ctx, "network: --map=\"SOURCE NETWORK=DESTINATION\" is required");
    return -1;
  }
  eq = strrchr (n->map, '=');
  if (eq == NULL || eq == n->map || eq[1] == '\0') {
    ks_err (ctx, "network: --map=\"%s\": expected \"SOURCE NETWORK="
            "DESTINATION\"", n->map);
    free (n->map);
    return -1;
  }
  m = realloc (cfg->netmaps, (cfg->nr_netmaps + 1) * sizeof *m);
  if (m == NULL) {
    free (n->map);
    return -1;
  }
  cfg->netmaps = m;
  m[cfg->nr_netmaps].from = strndup (n->map, (size_t) (eq - n->map));
  m[cfg->nr_netmaps].to = strdup (eq + 1);
  cfg->nr_netmaps++;
  free (n->map);
  return 0;
}

static void *
after_target (struct v2v_config *cfg, struct ks_ctx *ctx)
{
  if (ctx->after_line) {
    ks_err (ctx, "only one of poweroff, reboot and shell may be given "
            "(first on line %d)", ctx->after_line);
    return NULL;
  }
  ctx->after_line = ctx->line;
  return cfg;
}

static int
poweroff_complete (struct v2v_config *cfg, void *t, struct ks_ctx *ctx)
{
  (void) t; (void) ctx;
  cfg->after = V2V_AFTER_POWEROFF;
  return 0;
}

static int
reboot_complete (struct v2v_config *cfg, void *t, struct ks_ctx *ctx)
{
  (void) t; (void) ctx;
  cfg->after = V2V_AFTER_REBOOT;
  return 0;
}

static int
shell_complete (struct v2v_config *cfg, void *t, struct ks_ctx *ctx)
{
  (void) t; (void) ctx;
  cfg->after = V2V_AFTER_SHELL;
  return 0;
}

/* ---- the table ---- */

static const char *const source_types[] = { "", "https", "ssh", NULL };
static const char *const dest_types[] = { "", "local", "libvirt", NULL };
static const char *const formats[] = { "", "qcow2", "raw", NULL };
static const char *const allocations[] = { "sparse", "preallocated", NULL };
static const char *const firmwares[] = { "auto", "bios", "uefi", NULL };

#define STR(st, f, meta, doc) \
  { #f, KS_STRING, offsetof (struct st, f), NULL, 0, 0, meta, doc }

static const struct ks_option source_opts[] = {
  { "type", KS_ENUM, offsetof (struct v2v_source, type), source_types, 0, 0,
    "https|ssh", "how to reach the source host" },
  { "server", KS_STRING, offsetof (struct v2v_source, server), NULL, 0, 0,
    "HOST[:PORT]", "the ESXi host or file server" },
  { "user", KS_STRING, offsetof (struct v2v_source, user), NULL, 0, 0,
    "USER", "user name to log in with" },
  { "password-file", KS_STRING, offsetof (struct v2v_source, password_file),
    NULL, 0, 0, "FILE", "file holding the password (make it 0600)" },
  { "cacert", KS_STRING, offsetof (struct v2v_source, cacert), NULL, 0, 0,
    "FILE", "PEM file of the CA that signed the server certificate" },
  { "thumbprint", KS_STRING, offsetof (struct v2v_source, thumbprint), NULL,
    0, 0, "SHA256", "pinned SHA-256 fingerprint of the server certificate" },
  { "insecure", KS_FLAG, offsetof (struct v2v_source, insecure), NULL, 0, 0,
    NULL, "do not verify the server certificate" },
  { "identity", KS_STRING, offsetof (struct v2v_source, identity), NULL, 0, 0,
    "FILE", "ssh: private key to log in with" },
  { "known-hosts", KS_STRING, offsetof (struct v2v_source, known_hosts),
    NULL, 0, 0, "FILE", "ssh: known_hosts file with the host's key" },
  { NULL }
};

static const struct ks_option vm_opts[] = {
  { "vmx", KS_STRING, offsetof (struct v2v_vm, vmx), NULL, 0, 0,
    "\"[DATASTORE] DIR/NAME.vmx\"", "the VM's .vmx: its disks, NICs, "
    "memory, vCPUs, firmware and name" },
  { "datacenter", KS_STRING, offsetof (struct v2v_vm, datacenter), NULL,
    0, 0, "DC", "ESXi datacenter of the .vmx (ha-datacenter)" },
  { "name", KS_STRING, offsetof (struct v2v_vm, name), NULL, 0, 0,
    "NAME", "name of the converted VM" },
  { "memory", KS_UINT, offsetof (struct v2v_vm, memory_mib), NULL, 64,
    4194304, "MiB", "memory of the converted VM (default 2048)" },
  { "vcpus", KS_UINT, offsetof (struct v2v_vm, vcpus), NULL, 1, 512,
    "N", "virtual CPUs of the converted VM (default 1)" },
  { "firmware", KS_ENUM, offsetof (struct v2v_vm, firmware), firmwares, 0, 0,
    "auto|bios|uefi", "firmware of the converted VM (default: as found)" },
  { NULL }
};

static const struct ks_option disk_opts[] = {
  { "path", KS_STRING, offsetof (struct v2v_disk, path), NULL, 0, 0,
    "PATH", "\"[DATASTORE] DIR/FILE-flat.vmdk\" or /abs/path" },
  { "datacenter", KS_STRING, offsetof (struct v2v_disk, datacenter), NULL,
    0, 0, "DC", "ESXi datacenter of a datastore path (ha-datacenter)" },
  { NULL }
};

static const struct ks_option dest_opts[] = {
  { "type", KS_ENUM, offsetof (struct v2v_destination, type), dest_types,
    0, 0, "local|libvirt", "where the converted VM goes" },
  { "dir", KS_STRING, offsetof (struct v2v_destination, dir), NULL, 0, 0,
    "DIR", "local: directory for the disks and the domain XML" },
  { "uri", KS_STRING, offsetof (struct v2v_destination, uri), NULL, 0, 0,
    "qemu+ssh://USER@HOST/system", "libvirt: the KVM host" },
  { "pool", KS_STRING, offsetof (struct v2v_destination, pool), NULL, 0, 0,
    "POOL", "libvirt: the storage pool for the disks" },
  { "identity", KS_STRING, offsetof (struct v2v_destination, identity), NULL,
    0, 0, "FILE", "libvirt: private key for the ssh login" },
  { "known-hosts", KS_STRING, offsetof (struct v2v_destination, known_hosts),
    NULL, 0, 0, "FILE", "libvirt: known_hosts file with the host's key" },
  { "format", KS_ENUM, offsetof (struct v2v_destination, format), formats,
    0, 0, "qcow2|raw", "disk format (qcow2 in a directory, raw in a pool)" },
  { "allocation", KS_ENUM, offsetof (struct v2v_destination, allocation),
    allocations, 0, 0, "sparse|preallocated",
    "allocate only data (default) or the whole disk" },
  { NULL }
};

static const struct ks_option network_opts[] = {
  { "map", KS_STRING, offsetof (struct ks_network, map), NULL, 0, 0,
    "\"SOURCE=DEST\"", "connect NICs on a source network to a libvirt "
    "network" },
  { NULL }
};

static const struct ks_option no_opts[] = { { NULL } };

const struct ks_command ks_commands[] = {
  { "source", source_opts, source_target, NULL,
    "where the VM's disks are read from" },
  { "vm", vm_opts, vm_target, NULL, "the converted VM" },
  { "disk", disk_opts, disk_target, NULL, "a disk of the VM (repeat)" },
  { "destination", dest_opts, dest_target, NULL,
    "where the converted VM is written" },
  { "network", network_opts, network_target, network_complete,
    "network mapping (repeat)" },
  { "poweroff", no_opts, after_target, poweroff_complete,
    "power the image off after the run" },
  { "reboot", no_opts, after_target, reboot_complete,
    "reboot the image after the run" },
  { "shell", no_opts, after_target, shell_complete,
    "leave a shell on the console after the run" },
  { NULL }
};

/* ---- suggestions for typos ---- */

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

static const char *
suggest_option (const struct ks_option *opts, const char *name)
{
  const char *best = NULL;
  size_t bestd = 3, i;

  for (i = 0; opts[i].name; ++i) {
    size_t d = edit_distance (opts[i].name, name);
    if (d < bestd || (strstr (opts[i].name, name) && d < 6 && !best)) {
      bestd = d;
      best = opts[i].name;
    }
  }
  return best;
}

static const char *
suggest_command (const char *name)
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

/* ---- setting one option ---- */

static int
set_option (struct ks_ctx *ctx, const struct ks_command *cmd,
            const struct ks_option *opt, void *target, const char *value)
{
  char *field = (char *) target + opt->offset;
  size_t i;

  switch (opt->type) {
  case KS_FLAG:
    if (value) {
      ks_err (ctx, "%s: --%s takes no value", cmd->name, opt->name);
      return -1;
    }
    *(bool *) field = true;
    return 0;
  case KS_STRING:
    if (*(char **) field) {
      ks_err (ctx, "%s: --%s given twice", cmd->name, opt->name);
      return -1;
    }
    if (value[0] == '\0') {
      ks_err (ctx, "%s: --%s: empty value", cmd->name, opt->name);
      return -1;
    }
    *(char **) field = strdup (value);
    return 0;
  case KS_UINT: {
    char *end;
    unsigned long v;
    errno = 0;
    v = strtoul (value, &end, 10);
    if (!isdigit ((unsigned char) value[0]) || *end != '\0' || errno != 0 ||
        v < opt->min || v > opt->max) {
      ks_err (ctx, "%s: --%s=%s: expected a whole number from %u to %u",
              cmd->name, opt->name, value, opt->min, opt->max);
      return -1;
    }
    *(unsigned *) field = (unsigned) v;
    return 0;
  }
  case KS_ENUM:
    for (i = 0; opt->choices[i]; ++i) {
      if (opt->choices[i][0] && strcmp (opt->choices[i], value) == 0) {
        *(int *) field = (int) i;
        return 0;
      }
    }
    ks_err (ctx, "%s: --%s=%s: expected %s", cmd->name, opt->name, value,
            opt->metavar);
    return -1;
  }
  return -1;
}

/* ---- tokenising ---- */

/* Split a line into words in place: "..." and '...' quote, \ escapes
 * outside single quotes, # starts a comment at the start of a word.
 * Returns the number of words, or -1 with the error reported.
 */
static int
split_words (struct ks_ctx *ctx, char *line, char **words, int max)
{
  char *r = line, *w;
  int n = 0;

  for (;;) {
    char quote = 0;
    while (*r == ' ' || *r == '\t')
      r++;
    if (*r == '\0' || *r == '#')
      return n;
    if (n == max) {
      ks_err (ctx, "too many words on one line (at most %d)", max);
      return -1;
    }
    words[n++] = w = r;
    for (; *r; ++r) {
      if (quote) {
        if (*r == quote) { quote = 0; continue; }
        if (*r == '\\' && quote == '"' && (r[1] == '"' || r[1] == '\\'))
          r++;
        *w++ = *r;
      }
      else if (*r == '"' || *r == '\'')
        quote = *r;
      else if (*r == ' ' || *r == '\t')
        break;
      else {
        if (*r == '\\' && r[1])
          r++;
        *w++ = *r;
      }
    }
    if (quote) {
      ks_err (ctx, "unterminated %c quote", quote);
      return -1;
    }
    if (*r)
      r++;
    *w = '\0';
  }
}

static void
parse_line (struct ks_ctx *ctx, struct v2v_config *cfg, char *line)
{
  char *words[64];
  int n, i;
  const struct ks_command *cmd;
  void *target;
  int errors = ctx->errors;

  n = split_words (ctx, line, words, 64);
  if (n <= 0)
    return;
  for (cmd = ks_commands; cmd->name; ++cmd)
    if (strcmp (cmd->name, words[0]) == 0)
      break;
  if (cmd->name == NULL) {
    const char *s = suggest_command (words[0]);
    if (words[0][0] == '%')
      ks_err (ctx, "%s: sections are not supported by this version",
              words[0]);
    else if (s)
      ks_err (ctx, "unknown command '%s' (did you mean '%s'?)", words[0], s);
    else
      ks_err (ctx, "unknown command '%s'", words[0]);
    return;
  }
  target = cmd->target (cfg, ctx);
  if (target == NULL)
    return;
  for (i = 1; i < n; ++i) {
    char *name = words[i], *value = NULL, *eq;
    const struct ks_option *opt;

    if (strncmp (name, "--", 2) != 0) {
      ks_err (ctx, "%s: unexpected '%s' (options look like --name=value)",
              cmd->name, name);
      continue;
    }
    name += 2;
    eq = strchr (name, '=');
    if (eq) {
      *eq = '\0';
      value = eq + 1;
    }
    for (opt = cmd->options; opt->name; ++opt)
      if (strcmp (opt->name, name) == 0)
        break;
    if (opt->name == NULL) {
      const char *s = suggest_option (cmd->options, name);
      if (s)
        ks_err (ctx, "%s: unknown option --%s (did you mean --%s?)",
                cmd->name, name, s);
      else
        ks_err (ctx, "%s: unknown option --%s", cmd->name, name);
      continue;
    }
    if (value == NULL && opt->type != KS_FLAG) {
      if (i + 1 < n && strncmp (words[i + 1], "--", 2) != 0)
        value = words[++i];
      else {
        ks_err (ctx, "%s: --%s needs a value (--%s=%s)", cmd->name,
                opt->name, opt->name, opt->metavar);
        continue;
      }
    }
    set_option (ctx, cmd, opt, target, value);
  }
  if (cmd->complete && ctx->errors == errors)
    cmd->complete (cfg, target, ctx);
  else if (cmd->complete == network_complete)
    free (network_scratch.map);
}

/* ---- validating the whole ---- */

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

static void
check_readable (struct ks_ctx *ctx, const char *what, const char *file)
{
  if (access (file, R_OK) == -1)
    ks_err (ctx, "%s=%s: %s", what, file, strerror (errno));
}

static void
validate (struct ks_ctx *ctx, struct v2v_config *cfg)
{
  const struct v2v_source *src = &cfg->source;
  int trust = 0;
  size_t i;

  ctx->line = ctx->source_line;
  if (!ctx->source_line)
    ks_err (ctx, "no source command: say where the VM is (source "
            "--type=https --server=HOST ...)");
  else if (src->type == V2V_SOURCE_NONE)
    ks_err (ctx, "source: --type=https|ssh is required");
  else {
    if (!src->server)
      ks_err (ctx, "source: --server=HOST[:PORT] is required");
    else
      check_server (ctx, src->server);
    if (src->type == V2V_SOURCE_SSH) {
      if (!src->user)
        ks_err (ctx, "source: --type=ssh needs --user=USER");
      else if (!src->identity == !src->password_file)
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
    else if (src->identity || src->known_hosts)
      ks_err (ctx, "source: --identity and --known-hosts are for --type=ssh");
    if (src->type == V2V_SOURCE_HTTPS && src->user && !src->password_file)
      ks_err (ctx, "source: --user needs --password-file=FILE");
    if (src->password_file && !src->user)
      ks_err (ctx, "source: --password-file needs --user=USER");
    if (src->password_file)
      check_readable (ctx, "source: --password-file", src->password_file);
    trust = (src->cacert != NULL) + (src->thumbprint != NULL) + src->insecure;
    if (trust > 1)
      ks_err (ctx, "source: give only one of --cacert, --thumbprint and "
              "--insecure");
    if (src->cacert)
      check_readable (ctx, "source: --cacert", src->cacert);
  }

  ctx->line = ctx->vm_line;
  if (cfg->vm.vmx) {
    const char *x = cfg->vm.vmx;
    if (!(x[0] == '/' || (x[0] == '[' && strchr (x, ']'))) ||
        strlen (x) < 5 || strcasecmp (x + strlen (x) - 4, ".vmx") != 0)
      ks_err (ctx, "vm: --vmx=%s: expected \"[DATASTORE] DIR/NAME.vmx\" or "
              "an absolute path to a .vmx", x);
    if (cfg->nr_disks > 0)
      ks_err (ctx, "vm: --vmx gives the disks: remove the disk commands, "
              "or --vmx");
  }
  else if (cfg->vm.datacenter)
    ks_err (ctx, "vm: --datacenter goes with --vmx (disks take their own "
            "--datacenter)");
  if (!cfg->vm.name && !cfg->vm.vmx)
    ks_err (ctx, "vm: --name=NAME is required: the converted VM needs a "
            "name");
  else if (cfg->vm.name && !valid_vm_name (cfg->vm.name))
    ks_err (ctx, "vm: --name=%s: use letters, digits, '.', '_' and '-' "
            "(at most 64, not starting with '.' or '-')", cfg->vm.name);

  ctx->line = 0;
  if (cfg->nr_disks == 0 && !cfg->vm.vmx)
    ks_err (ctx, "no disk command: give the VM's .vmx (vm --vmx=...) or "
            "each of its disks (disk --path=...)");
  for (i = 0; i < cfg->nr_disks; ++i) {
    const char *p = cfg->disks[i].path;
    if (p == NULL)
      ks_err (ctx, "disk %zu: --path is required", i + 1);
    else if (p[0] != '/' && !(p[0] == '[' && strchr (p, ']')))
      ks_err (ctx, "disk --path=%s: expected \"[DATASTORE] DIR/FILE\" or an "
              "absolute path", p);
  }

  ctx->line = ctx->dest_line;
  if (!ctx->dest_line)
    ks_err (ctx, "no destination command: say where the VM goes "
            "(destination --type=local --dir=DIR)");
  else if (cfg->dest.type == V2V_DEST_NONE)
    ks_err (ctx, "destination: --type=local is required");
  else if (cfg->dest.type == V2V_DEST_LIBVIRT) {
    const struct v2v_destination *d = &cfg->dest;
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
  else {
    if (!cfg->dest.dir)
      ks_err (ctx, "destination: --dir=DIR is required");
    if (cfg->dest.uri || cfg->dest.pool || cfg->dest.identity ||
        cfg->dest.known_hosts)
      ks_err (ctx, "destination: --uri, --pool, --identity and --known-hosts "
              "are for --type=libvirt");
  }
}

int
ks_parse_string (const char *name, const char *text, size_t len,
                 struct v2v_config *cfg, FILE *errs)
{
  struct ks_ctx ctx = { .name = name, .errs = errs };
  const char *p = text, *end = text + len;
  char *line;

  if (len > KS_MAX_FILE) {
    ks_err (&ctx, "file is larger than %d bytes: is this a kickstart?",
            KS_MAX_FILE);
    return -1;
  }
  line = malloc (KS_MAX_LINE + 1);
  if (line == NULL) {
    ks_err (&ctx, "out of memory");
    return -1;
  }
  while (p < end) {
    size_t n = 0;
    bool too_long = false, nul = false;

    ctx.line++;
    /* Join continuation lines ending in a backslash. */
    for (;;) {
      const char *eol = memchr (p, '\n', (size_t) (end - p));
      size_t l = eol ? (size_t) (eol - p) : (size_t) (end - p);
      if (memchr (p, '\0', l))
        nul = true;
      if (l > 0 && p[l - 1] == '\r')
        l--;
      if (n + l > KS_MAX_LINE)
        too_long = true;
      else {
        memcpy (line + n, p, l);
        n += l;
      }
      p = eol ? eol + 1 : end;
      if (!too_long && n > 0 && line[n - 1] == '\\' && p < end) {
        n--;
        ctx.line++;
        continue;
      }
      break;
    }
    line[n] = '\0';
    if (nul)
      ks_err (&ctx, "NUL byte in line: is this a text file?");
    else if (too_long)
      ks_err (&ctx, "line longer than %d bytes", KS_MAX_LINE);
    else
      parse_line (&ctx, cfg, line);
  }
  free (line);
  validate (&ctx, cfg);
  return ctx.errors ? -1 : 0;
}

int
ks_parse_file (const char *file, struct v2v_config *cfg, FILE *errs)
{
  FILE *f = fopen (file, "re");
  char *buf;
  size_t n;
  int r;

  if (f == NULL) {
    fprintf (errs, "%s: %s\n", file, strerror (errno));
    return -1;
  }
  buf = malloc (KS_MAX_FILE + 1);
  if (buf == NULL) {
    fclose (f);
    return -1;
  }
  n = fread (buf, 1, KS_MAX_FILE + 1, f);
  if (ferror (f)) {
    fprintf (errs, "%s: %s\n", file, strerror (errno));
    fclose (f);
    free (buf);
    return -1;
  }
  fclose (f);
  r = ks_parse_string (file, buf, n, cfg, errs);
  free (buf);
  return r;
}
