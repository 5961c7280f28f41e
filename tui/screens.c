/* The wizard's question screens.  Each checks its answers with the
 * engine before moving on, and shows the engine's error (which says what
 * to fix) on the same screen: a wrong password on Source, a missing pool
 * on Destination.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <curses.h>
#include <dirent.h>
#include <errno.h>
#include <ifaddrs.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "wizard.h"

#define HELP "Tab/arrows move  Enter next  ^N/F10 Next  ^B/F2 Back  " \
             "Esc Cancel"

/* The engine's config for the answers so far (pointing into w). */
void
wizard_config (const struct wizard *w, struct v2v_config *cfg)
{
  memset (cfg, 0, sizeof *cfg);
  cfg->source.type = w->src_type ? V2V_SOURCE_SSH : V2V_SOURCE_HTTPS;
  cfg->source.server = (char *) w->server;
  cfg->source.user = w->user[0] ? (char *) w->user : NULL;
  cfg->source.password = w->password[0] ? (char *) w->password : NULL;
  if (w->src_type) {
    cfg->source.identity = w->identity[0] ? (char *) w->identity : NULL;
    if (cfg->source.identity)
      cfg->source.password = NULL;
    cfg->source.known_hosts = (char *) w->known_hosts;
  }
  else
    cfg->source.thumbprint = w->thumbprint[0] ? (char *) w->thumbprint : NULL;
  cfg->dest.type = w->dest_type ? V2V_DEST_LIBVIRT : V2V_DEST_LOCAL;
  cfg->dest.dir = w->dest_type ? NULL : (char *) w->dest_dir;
  if (w->dest_type) {
    cfg->dest.uri = (char *) w->uri;
    cfg->dest.pool = w->pool[0] ? (char *) w->pool : NULL;
    cfg->dest.identity = w->dest_identity[0] ? (char *) w->dest_identity
                         : NULL;
    cfg->dest.known_hosts = w->dest_known[0] ? (char *) w->dest_known : NULL;
  }
  cfg->dest.format = (enum v2v_format) w->format;
  cfg->options.virtio_win = w->virtio_win[0] ? (char *) w->virtio_win : NULL;
  cfg->luks.key = w->luks_key[0] ? (char *) w->luks_key : NULL;
}

/* Cancel on any screen before the conversion: ask first. */
static bool
confirm_quit (void)
{
  return ui_confirm ("Quit the wizard?", "Nothing has been converted.");
}

/* ---- Network ---- */

static const char *const net_modes[] = { "keep as it is", "DHCP", "static",
                                         NULL };

static void
show_nics (int top)
{
  DIR *d = opendir ("/sys/class/net");
  struct ifaddrs *ifa = NULL, *a;
  struct dirent *e;
  int row = top;

  getifaddrs (&ifa);
  mvprintw (row++, 2, "%-12s %-18s %-6s %s", "NIC", "MAC", "link",
            "IPv4 address");
  while (d && (e = readdir (d)) != NULL && row < top + 5) {
    char path[512], mac[32] = "", carrier[8] = "0", addr[64] = "-";
    FILE *f;
    if (e->d_name[0] == '.' || strcmp (e->d_name, "lo") == 0)
      continue;
    snprintf (path, sizeof path, "/sys/class/net/%s/address", e->d_name);
    if ((f = fopen (path, "re"))) {
      if (fscanf (f, "%31s", mac) != 1)
        mac[0] = '\0';
      fclose (f);
    }
    snprintf (path, sizeof path, "/sys/class/net/%s/carrier", e->d_name);
    if ((f = fopen (path, "re"))) {
      if (fscanf (f, "%7s", carrier) != 1)
        carrier[0] = '0';
      fclose (f);
    }
    for (a = ifa; a; a = a->ifa_next)
      if (a->ifa_addr && a->ifa_addr->sa_family == AF_INET &&
          strcmp (a->ifa_name, e->d_name) == 0)
        inet_ntop (AF_INET, &((struct sockaddr_in *) a->ifa_addr)->sin_addr,
                   addr, sizeof addr);
    mvprintw (row++, 2, "%-12.12s %-18s %-6s %s", e->d_name, mac,
              carrier[0] == '1' ? "up" : "down", addr);
  }
  if (d)
    closedir (d);
  freeifaddrs (ifa);
}

/* TCP connect to HOST:PORT within 5 s. */
static void
test_connection (const char *target)
{
  char host[FIELD], *colon;
  const char *port = "443";
  struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *res = NULL;
  int fd = -1, r;

  snprintf (host, sizeof host, "%s", target);
  colon = strrchr (host, ':');
  if (colon && !strchr (colon, ']')) {
    *colon = '\0';
    port = colon + 1;
  }
  if (host[0] == '[') {
    memmove (host, host + 1, strlen (host));
    host[strcspn (host, "]")] = '\0';
  }
  ui_status (-6, "Testing %s ...", target);
  r = getaddrinfo (host, port, &hints, &res);
  if (r != 0) {
    ui_error ("%s: cannot resolve: %s", target, gai_strerror (r));
    return;
  }
  fd = socket (res->ai_family, SOCK_STREAM | SOCK_NONBLOCK, 0);
  if (fd >= 0 && connect (fd, res->ai_addr, res->ai_addrlen) == -1 &&
      errno == EINPROGRESS) {
    struct pollfd p = { .fd = fd, .events = POLLOUT };
    int err = ETIMEDOUT;
    socklen_t l = sizeof err;
    if (poll (&p, 1, 5000) == 1)
      getsockopt (fd, SOL_SOCKET, SO_ERROR, &err, &l);
    errno = err;
  }
  else if (fd >= 0)
    errno = 0;
  if (fd >= 0 && errno == 0)
    ui_status (-6, "%s: reachable (TCP connection accepted)", target);
  else
    ui_error ("%s: not reachable: %s: check the cable, the address and the "
              "gateway", target, strerror (errno));
  if (fd >= 0)
    close (fd);
  freeaddrinfo (res);
}

enum { ACT_TEST = 100, ACT_LIST, ACT_SAVE, ACT_START };

enum wiz_screen
screen_network (struct wizard *w)
{
  struct field f[] = {
    { "Address", F_CHOICE, NULL, &w->net_mode, net_modes, false, 0 },
    { "NIC", F_TEXT, w->net_dev, NULL, NULL, false, 0 },
    { "IP address", F_TEXT, w->net_ip, NULL, NULL, false, 0 },
    { "Netmask", F_TEXT, w->net_mask, NULL, NULL, false, 0 },
    { "Gateway", F_TEXT, w->net_gw, NULL, NULL, false, 0 },
    { "DNS server", F_TEXT, w->net_dns, NULL, NULL, false, 0 },
    { "Test host", F_TEXT, w->net_test, NULL, NULL, false, 0 },
    { "Test", F_BUTTON, NULL, NULL, NULL, false, ACT_TEST },
    { "Next", F_BUTTON, NULL, NULL, NULL, false, ACT_NEXT },
  };
  static int focus;

  for (;;) {
    int a;
    ui_frame ("Network of this host", 1, HELP);
    mvprintw (2, 2, "The network this machine uses to reach the source and "
              "the destination.");
    show_nics (4);
    f[1].hidden = w->net_mode == 0;
    f[2].hidden = f[3].hidden = f[4].hidden = w->net_mode != 2;
    f[5].hidden = w->net_mode == 0;
    a = ui_form (f, sizeof f / sizeof f[0], 10, &focus);
    if (a == ACT_CANCEL && confirm_quit ())
      return SCR_QUIT;
    if (a == ACT_TEST)
      test_connection (w->net_test[0] ? w->net_test : w->server);
    if (a == ACT_NEXT) {
      if (w->net_mode == 2 && (!w->net_ip[0] || !w->net_mask[0])) {
        ui_error ("static: give the IP address and the netmask");
        continue;
      }
      return SCR_SOURCE;
    }
  }
}

/* ---- Source ---- */

static const char *const src_types[] = { "HTTPS (ESXi or web server)",
                                         "SSH (ESXi shell or Linux)", NULL };

/* "... fingerprint AB:CD:...)" or "... host key SHA256:xyz:" -> the value. */
static bool
fingerprint_in (const char *msg, const char *marker, char *buf, size_t len)
{
  const char *p = strstr (msg, marker);
  size_t n;

  if (p == NULL)
    return false;
  p += strlen (marker);
  if (strncmp (p, "SHA256:", 7) == 0)      /* SSH: SHA256:base64 */
    n = 7 + strcspn (p + 7, ") :");
  else                                     /* TLS: AB:CD:...:EF */
    n = strcspn (p, ") ");
  if (n == 0 || n >= len)
    return false;
  memcpy (buf, p, n);
  buf[n] = '\0';
  return true;
}

static bool
check_source (struct wizard *w)
{
  struct v2v_config cfg;
  char fp[128];

  for (;;) {
    const char *err;
    wizard_config (w, &cfg);
    ui_status (-6, "Connecting to %s ...", w->server);
    if (v2v_check_source (&cfg) == 0) {
      ui_status (-6, "%s: connected, logged in as %s", w->server, w->user);
      return true;
    }
    err = v2v_last_error ();
    ui_status (-6, "%s", "");
    if (!w->src_type &&
        fingerprint_in (err, "certificate not trusted (SHA-256 fingerprint ",
                        fp, sizeof fp)) {
      if (!ui_confirm ("The server's certificate is not signed by a known CA."
                       " Trust it?", fp)) {
        ui_error ("certificate not trusted (SHA-256 fingerprint %s): compare "
                  "it with the one the ESXi console shows", fp);
        return false;
      }
      snprintf (w->thumbprint, sizeof w->thumbprint, "%s", fp);
      continue;
    }
    if (w->src_type && fingerprint_in (err, "unknown host key ", fp,
                                       sizeof fp)) {
      if (!ui_confirm ("The SSH host key is not known. Trust it?", fp)) {
        ui_error ("unknown host key %s: compare it with ssh-keygen -lf "
                  "/etc/ssh/ssh_host_*_key.pub on the host", fp);
        return false;
      }
      if (v2v_ssh_trust_host (&cfg, fp) == -1) {
        ui_error ("%s", v2v_last_error ());
        return false;
      }
      continue;
    }
    ui_error ("%s", err);
    return false;
  }
}

enum wiz_screen
screen_source (struct wizard *w)
{
  struct field f[] = {
    { "Protocol", F_CHOICE, NULL, &w->src_type, src_types, false, 0 },
    { "Server", F_TEXT, w->server, NULL, NULL, false, 0 },
    { "User", F_TEXT, w->user, NULL, NULL, false, 0 },
    { "Password", F_SECRET, w->password, NULL, NULL, false, 0 },
    { "SSH key file", F_TEXT, w->identity, NULL, NULL, false, 0 },
    { "LUKS key", F_SECRET, w->luks_key, NULL, NULL, false, 0 },
    { "Back", F_BUTTON, NULL, NULL, NULL, false, ACT_BACK },
    { "Next", F_BUTTON, NULL, NULL, NULL, false, ACT_NEXT },
  };
  static int focus = 1;

  ui_frame ("Source", 2, HELP);
  for (;;) {
    int a;
    mvprintw (2, 2, "Where does the VM live?  Server as HOST or HOST:PORT.");
    mvprintw (3, 2, "%-76s", w->src_type
              ? "SSH: give a password or a key file (without passphrase)."
              : "HTTPS: the ESXi host's user (root) and password.");
    f[4].hidden = w->src_type == 0;
    a = ui_form (f, sizeof f / sizeof f[0], 5, &focus);
    if (a == ACT_NONE) {
      ui_frame ("Source", 2, HELP);
      continue;
    }
    if (a == ACT_BACK)
      return SCR_NETWORK;
    if (a == ACT_CANCEL) {
      if (confirm_quit ())
        return SCR_QUIT;
      continue;
    }
    if (a != ACT_NEXT)
      continue;
    if (!w->server[0] || !w->user[0]) {
      ui_error ("give the server and the user");
      continue;
    }
    if (!w->password[0] && !(w->src_type && w->identity[0])) {
      ui_error ("give the password%s", w->src_type ? " or an SSH key file"
                : "");
      continue;
    }
    if (check_source (w)) {
      w->nr_vms = 0;            /* list again for this source */
      return SCR_VM;
    }
  }
}

/* ---- VM ---- */

static void
collect_vm (const struct v2v_found_vm *vm, void *opaque)
{
  struct wizard *w = opaque;
  struct found_vm *v;

  if (w->nr_vms >= MAX_ITEMS)
    return;
  v = &w->vms[w->nr_vms++];
  memset (v, 0, sizeof *v);
  snprintf (v->vmx, sizeof v->vmx, "%s", vm->vmx);
  snprintf (v->name, sizeof v->name, "%s", vm->name ? vm->name : "");
  snprintf (v->os, sizeof v->os, "%s", vm->guest_os ? vm->guest_os : "");
  snprintf (v->networks, sizeof v->networks, "%s",
            vm->networks ? vm->networks : "");
  snprintf (v->problem, sizeof v->problem, "%s",
            vm->problem ? vm->problem : "");
  v->memory_mib = vm->memory_mib;
  v->vcpus = vm->vcpus;
  v->disks = vm->nr_disks;
  v->bytes = vm->disk_bytes;
}

/* "web 01 (prod)" -> "web-01-prod": a name libvirt and files accept. */
static void
default_name (struct wizard *w, const char *display)
{
  size_t n = 0;
  const char *p;

  for (p = display; *p && n < 64; ++p) {
    if (isalnum ((unsigned char) *p) || strchr ("._", *p))
      w->vm_name[n++] = *p;
    else if (n > 0 && w->vm_name[n - 1] != '-')
      w->vm_name[n++] = '-';
  }
  while (n > 0 && w->vm_name[n - 1] == '-')
    n--;
  w->vm_name[n] = '\0';
}

static enum wiz_screen
vm_details (struct wizard *w)
{
  struct field f[] = {
    { "VM (.vmx)", F_TEXT, w->vmx, NULL, NULL, false, 0 },
    { "or disk path", F_TEXT, w->disk_path, NULL, NULL, false, 0 },
    { "New name", F_TEXT, w->vm_name, NULL, NULL, false, 0 },
    { "Drivers", F_TEXT, w->virtio_win, NULL, NULL, true, 0 },
    { "Find drivers", F_BUTTON, NULL, NULL, NULL, true, ACT_OTHER },
    { "Back", F_BUTTON, NULL, NULL, NULL, false, ACT_BACK },
    { "Next", F_BUTTON, NULL, NULL, NULL, false, ACT_NEXT },
  };
  int focus = 2;
  /* A Windows VM (by its .vmx) or one typed by path may need drivers. */
  bool windows = strcasestr (w->vm_os, "win") != NULL;

  f[3].hidden = f[4].hidden = !windows;

  for (;;) {
    int a;
    ui_frame ("VM", 3, HELP);
    mvprintw (2, 2, "The VM to convert, and its name on KVM.");
    mvprintw (3, 2, "A .vmx as \"[DATASTORE] DIR/NAME.vmx\"; or, without "
              "one, the disk's path.");
    a = ui_form (f, sizeof f / sizeof f[0], 5, &focus);
    if (a == ACT_BACK)
      return SCR_VM;
    if (a == ACT_CANCEL) {
      if (confirm_quit ())
        return SCR_QUIT;
      continue;
    }
    if (a == ACT_OTHER) {
      drivers_pick (w);
      continue;
    }
    if (a != ACT_NEXT)
      continue;
    if (!w->vmx[0] && !w->disk_path[0]) {
      ui_error ("choose a VM, or type its .vmx or disk path");
      continue;
    }
    if (!w->vm_name[0] && !w->vmx[0]) {
      ui_error ("give the converted VM a name");
      continue;
    }
    return SCR_DEST;
  }
}

enum wiz_screen
screen_vm (struct wizard *w)
{
  static char filter[64];
  static int sel;
  static const char *rows[MAX_ITEMS];
  static char text[MAX_ITEMS][100];
  struct v2v_config cfg;
  size_t i;

  ui_frame ("VM", 3, HELP);
  if (w->nr_vms == 0) {
    ui_status (3, "Looking for VMs on %s ...", w->server);
    wizard_config (w, &cfg);
    if (v2v_list_vms (&cfg, collect_vm, w) == -1) {
      ui_error ("%s", v2v_last_error ());
      ui_status (3, "No list of VMs: type the VM's .vmx or disk path.");
      ui_key (stdscr);
      return vm_details (w);
    }
  }
  for (i = 0; i < w->nr_vms; ++i) {
    const struct found_vm *v = &w->vms[i];
    if (v->problem[0])
      snprintf (text[i], sizeof text[i], "! %-26.26s %s", v->vmx, v->problem);
    else
      snprintf (text[i], sizeof text[i], "%-22.22s %-13.13s %5u MiB %2zu disk "
                "%4llu GiB  %s", v->name, v->os, v->memory_mib, v->disks,
                (unsigned long long) (v->bytes >> 30), v->networks);
    rows[i] = text[i];
  }
  for (;;) {
    int r;
    ui_frame ("VM", 3, "Type to filter  Enter select  Tab type a path  "
              "^B Back  Esc Cancel");
    mvprintw (2, 2, "VMs found on %s: %zu.  Choose the one to convert.",
              w->server, w->nr_vms);
    r = ui_list ("Name                   Guest OS       Memory  Disks      "
                 "Networks", rows, w->nr_vms, 4, LINES - 11, filter, &sel);
    if (r == -ACT_BACK)
      return SCR_SOURCE;
    if (r == -ACT_CANCEL) {
      if (confirm_quit ())
        return SCR_QUIT;
      continue;
    }
    if (r == -ACT_OTHER || r == -ACT_NEXT) {
      enum wiz_screen s = vm_details (w);
      if (s != SCR_VM)
        return s;
      continue;
    }
    if (r >= 0) {
      const struct found_vm *v = &w->vms[r];
      if (v->problem[0]) {
        ui_error ("%s: %s", v->vmx, v->problem);
        ui_key (stdscr);
        continue;
      }
      snprintf (w->vmx, sizeof w->vmx, "%s", v->vmx);
      w->disk_path[0] = '\0';
      snprintf (w->vm_networks, sizeof w->vm_networks, "%s", v->networks);
      snprintf (w->vm_os, sizeof w->vm_os, "%s", v->os);
      default_name (w, v->name);
      {
        enum wiz_screen s = vm_details (w);
        if (s != SCR_VM)
          return s;
      }
    }
  }
}

/* ---- Destination ---- */

static const char *const dest_types[] = { "a directory (NFS, local)",
                                          "a KVM host (libvirt over SSH)",
                                          NULL };

static void
collect_target (const struct v2v_found_target *t, void *opaque)
{
  struct wizard *w = opaque;

  if (strcmp (t->kind, "pool") == 0 && w->nr_pools < 64 && t->active)
    snprintf (w->pools[w->nr_pools++], FIELD, "%s", t->name);
  else if (strcmp (t->kind, "network") == 0 && w->nr_networks < 64)
    snprintf (w->networks[w->nr_networks++], FIELD, "%s", t->name);
}

/* The chosen VM's source networks, each with a destination network. */
static void
setup_netmaps (struct wizard *w)
{
  char nets[FIELD], *tok, *save = NULL;

  snprintf (nets, sizeof nets, "%s", w->vm_networks);
  w->nr_netmaps = 0;
  for (tok = strtok_r (nets, ",", &save); tok && w->nr_netmaps < 8;
       tok = strtok_r (NULL, ",", &save)) {
    size_t k;
    while (*tok == ' ')
      tok++;
    for (k = 0; k < w->nr_netmaps; ++k)
      if (strcmp (w->netmap_from[k], tok) == 0)
        break;
    if (k < w->nr_netmaps || !tok[0])
      continue;
    snprintf (w->netmap_from[w->nr_netmaps], FIELD, "%s", tok);
    snprintf (w->netmap_to[w->nr_netmaps], FIELD, "%s",
              w->nr_networks ? w->networks[0] : "default");
    w->nr_netmaps++;
  }
}

static bool
check_dest (struct wizard *w)
{
  struct v2v_config cfg;
  size_t i;

  w->nr_pools = w->nr_networks = 0;
  wizard_config (w, &cfg);
  ui_status (-6, "Checking %s ...", w->dest_type ? w->uri : w->dest_dir);
  if (v2v_list_destination (&cfg, collect_target, w) == -1) {
    ui_status (-6, "%s", "");
    ui_error ("%s", v2v_last_error ());
    return false;
  }
  if (w->dest_type) {
    bool found = false;
    for (i = 0; i < w->nr_pools; ++i)
      found |= strcmp (w->pools[i], w->pool) == 0;
    if (!found && w->nr_pools)
      snprintf (w->pool, sizeof w->pool, "%s", w->pools[0]);
    if (w->nr_pools == 0) {
      ui_error ("%s has no active storage pool: create and start one "
                "(virsh pool-define-as, pool-start)", w->uri);
      return false;
    }
  }
  ui_status (-6, "%s: ok%s", w->dest_type ? w->uri : w->dest_dir,
             w->dest_type ? ", choose the pool and the networks" : "");
  setup_netmaps (w);
  return true;
}

enum wiz_screen
screen_dest (struct wizard *w)
{
  static const char *pool_choices[65], *net_choices[65];
  static int pool_sel, net_sel[8];
  static const char *const formats[] = { "qcow2", "raw", NULL };
  static int fmt;
  static int focus = 1;
  bool checked = false;
  int prev_type;

  for (;;) {
    struct field f[24];
    size_t n = 0, i;
    int a;

    f[n++] = (struct field) { "Write to", F_CHOICE, NULL, &w->dest_type,
                              dest_types, false, 0 };
    if (w->dest_type == 0) {
      f[n++] = (struct field) { "Directory", F_TEXT, w->dest_dir, NULL, NULL,
                                false, 0 };
      f[n++] = (struct field) { "Format", F_CHOICE, NULL, &fmt, formats,
                                false, 0 };
    }
    else {
      f[n++] = (struct field) { "libvirt URI", F_TEXT, w->uri, NULL, NULL,
                                false, 0 };
      f[n++] = (struct field) { "SSH key file", F_TEXT, w->dest_identity,
                                NULL, NULL, false, 0 };
      f[n++] = (struct field) { "known_hosts", F_TEXT, w->dest_known, NULL,
                                NULL, false, 0 };
      if (checked && w->nr_pools) {
        for (i = 0; i < w->nr_pools; ++i)
          pool_choices[i] = w->pools[i];
        pool_choices[w->nr_pools] = NULL;
        f[n++] = (struct field) { "Storage pool", F_CHOICE, NULL, &pool_sel,
                                  pool_choices, false, 0 };
      }
    }
    if (checked && w->dest_type && w->nr_networks) {
      for (i = 0; i < w->nr_networks; ++i)
        net_choices[i] = w->networks[i];
      net_choices[w->nr_networks] = NULL;
      for (i = 0; i < w->nr_netmaps; ++i)
        f[n++] = (struct field) { w->netmap_from[i], F_CHOICE, NULL,
                                  &net_sel[i], net_choices, false, 0 };
    }
    else if (checked)
      for (i = 0; i < w->nr_netmaps; ++i)
        f[n++] = (struct field) { w->netmap_from[i], F_TEXT,
                                  w->netmap_to[i], NULL, NULL, false, 0 };
    f[n++] = (struct field) { "Back", F_BUTTON, NULL, NULL, NULL, false,
                              ACT_BACK };
    f[n++] = (struct field) { checked ? "Next" : "Check", F_BUTTON, NULL,
                              NULL, NULL, false, ACT_NEXT };
    ui_frame ("Destination", 4, HELP);
    mvprintw (2, 2, "Where the converted VM goes.%s", checked && w->nr_netmaps
              ? "  Source networks (left) go to:" : "");
    if (focus >= (int) n)
      focus = (int) n - 1;
    prev_type = w->dest_type;
    a = ui_form (f, n, 4, &focus);
    if (a == ACT_NONE) {
      if (w->dest_type != prev_type)
        checked = false;        /* check the new kind of destination */
      continue;
    }
    if (a == ACT_BACK)
      return SCR_VM;
    if (a == ACT_CANCEL) {
      if (confirm_quit ())
        return SCR_QUIT;
      continue;
    }
    if (a != ACT_NEXT)
      continue;
    if (w->dest_type == 0 && !w->dest_dir[0]) {
      ui_error ("give the directory");
      continue;
    }
    if (w->dest_type == 1 && strncmp (w->uri, "qemu", 4) != 0) {
      ui_error ("give the KVM host as qemu+ssh://USER@HOST/system");
      continue;
    }
    if (!checked) {
      checked = check_dest (w);
      pool_sel = 0;
      memset (net_sel, 0, sizeof net_sel);
      continue;
    }
    w->format = w->dest_type ? 2 : fmt + 1;
    if (w->dest_type) {
      snprintf (w->pool, sizeof w->pool, "%s", w->pools[pool_sel]);
      for (i = 0; i < w->nr_netmaps; ++i)
        snprintf (w->netmap_to[i], FIELD, "%s", w->networks[net_sel[i]]);
    }
    return SCR_REVIEW;
  }
}

/* ---- Review ---- */

enum wiz_screen
screen_review (struct wizard *w)
{
  struct field f[] = {
    { "Back", F_BUTTON, NULL, NULL, NULL, false, ACT_BACK },
    { "Save as kickstart", F_BUTTON, NULL, NULL, NULL, false, ACT_SAVE },
    { "Start the conversion", F_BUTTON, NULL, NULL, NULL, false, ACT_START },
  };
  int focus = 2;
  size_t i;
  char note[FIELD * 2] = "";

  for (;;) {
    int a, row = 2;
    ui_frame ("Review", 5, "Tab/arrows move  Enter press  ^B/F2 Back  "
              "Esc Cancel");
    mvprintw (row++, 2, "Source:      %s://%s@%s%s", w->src_type ? "ssh"
              : "https", w->user, w->server, w->thumbprint[0]
              ? " (certificate pinned)" : "");
    mvprintw (row++, 2, "VM:          %.64s", w->vmx[0] ? w->vmx
              : w->disk_path);
    mvprintw (row++, 2, "New name:    %.64s", w->vm_name[0] ? w->vm_name
              : "(from the .vmx)");
    if (w->virtio_win[0])
      mvprintw (row++, 2, "Drivers:     %.64s", w->virtio_win);
    if (w->dest_type)
      mvprintw (row++, 2, "Destination: pool %s on %.50s", w->pool, w->uri);
    else
      mvprintw (row++, 2, "Destination: %.50s (%s)", w->dest_dir,
                w->format == 2 ? "raw" : "qcow2");
    for (i = 0; i < w->nr_netmaps; ++i)
      mvprintw (row++, 2, "Network:     \"%s\" -> %s", w->netmap_from[i],
                w->netmap_to[i]);
    row++;
    mvprintw (row++, 2, "Before anything is copied, the agent checks again:");
    mvprintw (row++, 4, "the destination, the login, every disk, the names "
              "it will write;");
    mvprintw (row++, 4, "the guest's OS and free space; the converted size "
              "against free space.");
    mvprintw (row++, 2, "The source is only read.");
    mvprintw (LINES - 6, 2, "%.76s", note);
    a = ui_form (f, 3, row + 1, &focus);
    if (a == ACT_BACK)
      return SCR_DEST;
    if (a == ACT_CANCEL) {
      if (confirm_quit ())
        return SCR_QUIT;
      continue;
    }
    if (a == ACT_SAVE) {
      char path[FIELD];
      snprintf (path, sizeof path, "%s", w->ks_path[0] ? w->ks_path
                : "/root/v2vboot.ks");
      if (!ui_prompt ("Save the kickstart as (the password goes beside it, "
                      "mode 0600, as FILE.password; a LUKS key as "
                      "FILE.luks-key):", path, sizeof path))
        continue;
      {
        char pw[FIELD + 16];
        snprintf (pw, sizeof pw, "%s.password", path);
        if (ks_write (w, path, pw) == -1)
          ui_error ("cannot save %s: %s", path, strerror (errno));
        else {
          snprintf (w->ks_path, sizeof w->ks_path, "%s", path);
          snprintf (note, sizeof note, "Saved %s", path);
        }
      }
      continue;
    }
    if (a == ACT_START || a == ACT_NEXT)
      return SCR_RUN;
  }
}
