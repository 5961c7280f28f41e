/* Kickstart parsing: a good file fills the config and survives a
 * dump-config round trip; a batch file gives each VM its own disks and
 * maps; each bad input gives its FILE:LINE:COL message.
 */
#include <time.h>
#include <unistd.h>

#include "kickstart.h"
#include "internal.h"
#include "unit.h"

static char pwfile[] = "/tmp/v2vboot-unit-pw.XXXXXX";

static double
now (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

/* Parse text; returns the parser's messages (caller frees). */
static char *
parse (const char *text, size_t len, struct ks_file *ks, int *r)
{
  char *msgs = NULL;
  size_t msglen = 0;
  FILE *errs = open_memstream (&msgs, &msglen);

  memset (ks, 0, sizeof *ks);
  *r = ks_parse_string ("test.ks", text, len, NULL, ks, errs);
  fclose (errs);
  return msgs;
}

static char *
dump (const struct ks_file *ks)
{
  char *d = NULL;
  size_t dlen;
  FILE *f = open_memstream (&d, &dlen);

  ks_dump (ks, f);
  fclose (f);
  return d;
}

/* fmt with every %s replaced by the password file's name. */
static char *
with_pw (const char *fmt)
{
  char *s;

  if (asprintf (&s, fmt, pwfile, pwfile) == -1)
    abort ();
  return s;
}

#define GOOD \
  "# a comment\n" \
  "source --type=https --server=esx1.example.com:443 --user=root \\\n" \
  "       --password-file=%s --insecure\n" \
  "disk --path=\"[datastore1] web 01/web 01-flat.vmdk\" --datacenter=DC1\n" \
  "disk --path /vmfs/volumes/ds2/web01/data.vmdk\n" \
  "vm --name=web01 --memory=4096 --vcpus=2 --firmware=bios\n" \
  "destination --type=local --dir=/var/tmp --format=raw " \
  "--allocation=preallocated\n" \
  "network --map=\"VM Network=default\"\n" \
  "poweroff\n"

static void
good (void)
{
  struct ks_file ks, ks2;
  struct v2v_config cfg;
  char *text = with_pw (GOOD), *msgs, *d, *d2;
  int r;

  msgs = parse (text, strlen (text), &ks, &r);
  CHECK (r == 0);
  CHECK_STR (msgs, "");
  CHECK (ks.nr_vms == 1);
  ks_vm_config (&ks, 0, &cfg);
  CHECK (cfg.source.type == V2V_SOURCE_HTTPS);
  CHECK_STR (cfg.source.server, "esx1.example.com:443");
  CHECK_STR (cfg.source.user, "root");
  CHECK_STR (cfg.source.password_file, pwfile);
  CHECK (cfg.source.insecure);
  CHECK (cfg.nr_disks == 2);
  CHECK_STR (cfg.disks[0].path, "[datastore1] web 01/web 01-flat.vmdk");
  CHECK_STR (cfg.disks[0].datacenter, "DC1");
  CHECK_STR (cfg.disks[1].path, "/vmfs/volumes/ds2/web01/data.vmdk");
  CHECK_STR (cfg.vm.name, "web01");
  CHECK (cfg.vm.memory_mib == 4096 && cfg.vm.vcpus == 2);
  CHECK (cfg.vm.firmware == V2V_FW_BIOS);
  CHECK (cfg.dest.type == V2V_DEST_LOCAL);
  CHECK (cfg.dest.format == V2V_FORMAT_RAW);
  CHECK (cfg.dest.allocation == V2V_ALLOC_PREALLOCATED);
  CHECK (cfg.nr_netmaps == 1);
  CHECK_STR (cfg.netmaps[0].from, "VM Network");
  CHECK_STR (cfg.netmaps[0].to, "default");
  CHECK (cfg.after == V2V_AFTER_POWEROFF);

  /* dump-config output parses back to the same dump */
  d = dump (&ks);
  free (msgs);
  msgs = parse (d, strlen (d), &ks2, &r);
  CHECK (r == 0);
  d2 = dump (&ks2);
  CHECK_STR (d2, d);
  CHECK_CONTAINS (d, "disk --path=\"[datastore1] web 01/web 01-flat.vmdk\""
                  " --datacenter=DC1\n");
  ks_free (&ks);
  ks_free (&ks2);
  free (msgs);
  free (d);
  free (d2);
  free (text);
}

#define BATCH \
  "source --type=https --server=esx --user=root --password=s3cret\n" \
  "destination --type=libvirt --uri=qemu+ssh://root@kvm/system --pool=p\n" \
  "network --map=\"VM Network=default\"\n" \
  "network --map=\"DMZ=br-dmz\"\n" \
  "options --no-fstrim --keep-vmware-tools --block-driver=virtio-scsi " \
  "--parallel=2 --shutdown-source --shutdown-timeout=120 --hard-power-off\n" \
  "log --file=/var/log/v2vboot/run.log --remote=syslog://10.0.0.9\n" \
  "network --bootproto=static --device=eth0 --ip=10.0.0.5 " \
  "--netmask=255.255.255.0 --gateway=10.0.0.1 --nameserver=10.0.0.2\n" \
  "vm --name=web01\n" \
  "disk --path=\"[ds1] web01/web01-flat.vmdk\"\n" \
  "disk --path=\"[ds1] web01/web01_1-flat.vmdk\"\n" \
  "network --map=\"DMZ=br-web\"\n" \
  "vm --vmx=\"[ds1] db01/db01.vmx\" --name=db01 --memory=8192\n" \
  "%pre\n  echo \"pre $V2V_VMS\"   # a comment, kept\n%end\n" \
  "%post\necho --not-an-option\n%end\n" \
  "%onerror\nlogger failed\n  %end  \n" \
  "shell\n"

static void
batch (void)
{
  struct ks_file ks, ks2;
  struct v2v_config c0, c1;
  char *msgs, *d, *d2;
  int r;

  msgs = parse (BATCH, strlen (BATCH), &ks, &r);
  CHECK (r == 0);
  /* an inline password is accepted, with a warning that says where */
  CHECK_CONTAINS (msgs, "test.ks:1:1: warning: source: --password puts the "
                  "password in the kickstart");
  CHECK (ks.nr_vms == 2);
  ks_vm_config (&ks, 0, &c0);
  ks_vm_config (&ks, 1, &c1);
  CHECK_STR (c0.vm.name, "web01");
  CHECK (c0.nr_disks == 2 && c1.nr_disks == 0);
  CHECK_STR (c1.vm.vmx, "[ds1] db01/db01.vmx");
  CHECK (c1.options.shutdown_source && c1.options.shutdown_timeout == 120 &&
         c1.options.hard_power_off);
  CHECK (c1.vm.memory_mib == 8192);
  /* a VM's own map wins over the file's; the file's fill in the rest */
  CHECK (c0.nr_netmaps == 2);
  CHECK_STR (c0.netmaps[0].from, "DMZ");
  CHECK_STR (c0.netmaps[0].to, "br-web");
  CHECK_STR (c0.netmaps[1].to, "default");
  CHECK (c1.nr_netmaps == 2);
  CHECK_STR (c1.netmaps[1].to, "br-dmz");
  CHECK_STR (c0.source.password, "s3cret");
  CHECK (c0.options.no_fstrim && c1.options.keep_vmware_tools);
  CHECK (c1.options.block_driver == V2V_BLOCK_VIRTIO_SCSI);
  CHECK (ks.parallel == 2);
  CHECK_STR (ks.log_file, "/var/log/v2vboot/run.log");
  CHECK_STR (ks.log_remote, "syslog://10.0.0.9");
  CHECK (ks.nr_nics == 1 && ks.nics[0].bootproto == KS_BOOT_STATIC);
  CHECK_STR (ks.nics[0].gateway, "10.0.0.1");
  CHECK_STR (ks.pre, "  echo \"pre $V2V_VMS\"   # a comment, kept\n");
  CHECK_STR (ks.post, "echo --not-an-option\n");
  CHECK_STR (ks.onerror, "logger failed\n");
  CHECK (ks.base.after == V2V_AFTER_SHELL);

  /* the dump masks the password and parses back to itself; sections
   * are shown only by length and hash (their bodies may hold secrets),
   * so the commands before them are what round-trips
   */
  d = dump (&ks);
  CHECK (strstr (d, "s3cret") == NULL);
  CHECK_CONTAINS (d, "--password=********");
  CHECK (strstr (d, "echo") == NULL && strstr (d, "logger") == NULL);
  CHECK_CONTAINS (d, "%pre\n# not shown: 42 bytes, sha256 ");
  free (msgs);
  msgs = parse (d, strlen (d), &ks2, &r);
  CHECK (r == 0);
  d2 = dump (&ks2);
  if (strstr (d, "%pre\n") && strstr (d2, "%pre\n")) {
    *strstr (d, "%pre\n") = '\0';
    *strstr (d2, "%pre\n") = '\0';
  }
  CHECK_STR (d2, d);
  ks_free (&ks);
  ks_free (&ks2);
  free (msgs);
  free (d);
  free (d2);
}

/* The minimal valid file, to which each bad case adds or changes a line. */
#define BASE_SOURCE \
  "source --type=https --server=esx --user=root --password-file=%s\n"
#define VS_SOURCE \
  "source --type=vsphere --server=vc --user=u --password-file=%s\n"
#define BASE_REST \
  "disk --path=/d.img\nvm --name=v\ndestination --type=local --dir=/tmp\n"

static const struct {
  const char *text;             /* %s is the password file */
  const char *want;             /* expected in the messages */
} bad[] = {
  { BASE_SOURCE BASE_REST "frobnicate --x\n", "test.ks:5:1: unknown command 'frobnicate'" },
  { BASE_SOURCE BASE_REST "dsik --path=/x\n", "test.ks:5:1: unknown command 'dsik' (did you mean 'disk'?)" },
  /* a bad options line frees the strings it had set (LeakSanitizer) */
  { BASE_SOURCE BASE_REST "options --virtio-win=/x --nope\n", "test.ks:5:25: options: unknown option --nope" },
  { "source --type=https --server=esx --user=root --pasword-file=%s\n" BASE_REST,
    "test.ks:1:46: source: unknown option --pasword-file (did you mean --password-file?)" },
  { BASE_SOURCE BASE_REST "vm --name=v2\n", "test.ks:2:1: disk: this file has several vm commands: put each disk after the vm" },
  { BASE_SOURCE BASE_REST "vm --name=v2\n", "test.ks:5:1: vm: no disk: give the VM's .vmx" },
  { BASE_SOURCE BASE_REST "vm --name=v\ndisk --path=/e.img\n", "test.ks:5:1: vm: --name=v is already the name of the VM on line 3" },
  { BASE_SOURCE "vm --vmx=\"[ds] a/a.vmx\"\nvm --vmx=\"[ds] a/a.vmx\"\ndestination --type=local --dir=/tmp\n",
    "test.ks:3:1: vm: --vmx=[ds] a/a.vmx twice (line 2): give each a different --name" },
  { BASE_SOURCE "disk --path=/d.img\nvm --name=v --memory=lots\ndestination --type=local --dir=/tmp\n",
    "test.ks:3:13: vm: --memory=lots: expected a whole number from 64 to 4194304" },
  { BASE_SOURCE "disk --path=/d.img\nvm --name=v --memory=8\ndestination --type=local --dir=/tmp\n",
    "--memory=8: expected a whole number from 64" },
  { BASE_SOURCE "disk --path=/d.img\nvm --name=v --vcpus=0\ndestination --type=local --dir=/tmp\n",
    "--vcpus=0: expected a whole number from 1 to 512" },
  { BASE_SOURCE "disk --path=/d.img\nvm --name=v --vcpus=-1\ndestination --type=local --dir=/tmp\n",
    "--vcpus=-1: expected a whole number" },
  { BASE_SOURCE "disk --path=/d.img\nvm --name=v --vcpus=99999999999999999999\ndestination --type=local --dir=/tmp\n",
    "--vcpus=99999999999999999999: expected a whole number" },
  { BASE_SOURCE "disk --path=/d.img\nvm --name\ndestination --type=local --dir=/tmp\n",
    "test.ks:3:4: vm: --name needs a value (--name=NAME)" },
  { BASE_SOURCE "disk --path=/d.img\nvm --name=\ndestination --type=local --dir=/tmp\n",
    "test.ks:3:4: vm: --name: empty value" },
  { BASE_SOURCE "disk --path=/d.img\nvm --name=\"a b\"\ndestination --type=local --dir=/tmp\n",
    "vm: --name=a b: use letters, digits" },
  { BASE_SOURCE "disk --path=/d.img\nvm --name=v\ndestination --type=local --dir=/tmp --format=vmdk\n",
    "test.ks:4:37: destination: --format=vmdk: expected qcow2|raw" },
  { BASE_SOURCE "disk --path=/d.img\nvm --name=v\ndestination --type=nfs --dir=/tmp\n",
    "destination: --type=nfs: expected local|libvirt" },
  { BASE_SOURCE "disk --path=/d.img\nvm --name=v\ndestination --type=libvirt --pool=p\n",
    "destination: --type=libvirt needs --uri=qemu+ssh://USER@HOST/system" },
  { BASE_SOURCE "disk --path=/d.img\nvm --name=v\ndestination --type=libvirt --uri=qemu+ssh://root@kvm/system\n",
    "destination: --type=libvirt needs --pool=POOL" },
  { BASE_SOURCE "disk --path=/d.img\nvm --name=v\ndestination --type=libvirt --uri=esx://h --pool=p\n",
    "--uri=esx://h: expected qemu+ssh://USER@HOST/system" },
  { BASE_SOURCE "disk --path=/d.img\nvm --name=v\ndestination --type=libvirt --uri=qemu+ssh://h/system?keyfile=/k --pool=p\n",
    "give the key and known hosts as --identity and --known-hosts" },
  { BASE_SOURCE "disk --path=/d.img\nvm --name=v\ndestination --type=libvirt --uri=qemu+ssh://h/system --pool=p --format=qcow2\n",
    "a libvirt pool receives raw volumes" },
  { BASE_SOURCE "disk --path=/d.img\nvm --name=v\ndestination --type=local --dir=/tmp --pool=p\n",
    "--uri, --pool, --identity and --known-hosts are for --type=libvirt" },
  { BASE_SOURCE "disk --path=/d.img\nvm --name=v\ndestination --type=local\n",
    "test.ks:4:1: destination: --dir=DIR is required" },
  { BASE_SOURCE "disk --path=/d.img\nvm --name=v\n", "no destination command" },
  { BASE_SOURCE "disk --path=/d.img\ndestination --type=local --dir=/tmp\n", "test.ks:2:1: disk: no vm command: add one (vm --name=NAME) for these disks" },
  { BASE_SOURCE "destination --type=local --dir=/tmp\n", "test.ks: no vm command: say which VM to convert" },
  { BASE_REST, "no source command" },
  { "source --server=esx\n" BASE_REST, "test.ks:1:1: source: --type=https|ssh|vsphere is required" },
  { "source --type=https\n" BASE_REST, "test.ks:1:1: source: --server=HOST[:PORT] is required" },
  { "source --type=https --server=esx:99999\n" BASE_REST, "port must be from 1 to 65535" },
  { "source --type=https --server=esx:0\n" BASE_REST, "port must be from 1 to 65535" },
  { "source --type=https --server=esx:https\n" BASE_REST, "port must be from 1 to 65535" },
  { "source --type=https --server=https://esx/\n" BASE_REST, "expected HOST or HOST:PORT" },
  { "source --type=https --server=fe80::1\n" BASE_REST, "write IPv6 addresses as [ADDR]:PORT" },
  { "source --type=https --server=[fe80::1\n" BASE_REST, "expected [IPV6]:PORT" },
  { "source --type=https --server=esx --user=root\n" BASE_REST, "source: --user needs --password-file=FILE" },
  { "source --type=https --server=esx --user=root --password-file=/nonexistent/pw\n" BASE_REST,
    "--password-file=/nonexistent/pw: No such file or directory" },
  { "source --type=https --server=esx --insecure --thumbprint=AA\n" BASE_REST,
    "give only one of --cacert, --thumbprint and --insecure" },
  { "source --type=https --server=esx --insecure=yes\n" BASE_REST, "source: --insecure takes no value" },
  { "source --type=https --server=esx --cacert=/nonexistent.pem\n" BASE_REST,
    "--cacert=/nonexistent.pem: No such file or directory" },
  { "source --type=https --type=ssh --server=esx\n" BASE_REST, "test.ks:1:21: source: --type given twice" },
  { "source --type=https --server=esx --server=esx2\n" BASE_REST, "source: --server given twice" },
  { BASE_SOURCE BASE_REST "source --type=https --server=esx2\n", "test.ks:5:1: source: given twice (first on line 1)" },
  { BASE_SOURCE "disk --path=relative.img\nvm --name=v\ndestination --type=local --dir=/tmp\n",
    "disk --path=relative.img: expected \"[DATASTORE] DIR/FILE\" or an absolute path" },
  { BASE_SOURCE "disk --path=\"[ds] x.vmdk\nvm --name=v\ndestination --type=local --dir=/tmp\n",
    "test.ks:2:6: unterminated \" quote" },
  { BASE_SOURCE BASE_REST "network --map=novalue\n", "test.ks:5:1: network: --map=\"novalue\": expected" },
  { BASE_SOURCE BASE_REST "network\n", "test.ks:5:1: network: give --map=\"SOURCE NETWORK=DESTINATION\", or --bootproto" },
  { BASE_SOURCE BASE_REST "poweroff\nreboot\n", "test.ks:6:1: only one of poweroff, reboot and shell" },
  { BASE_SOURCE BASE_REST "disk stray\n", "test.ks:5:6: disk: unexpected 'stray'" },
  { BASE_SOURCE BASE_REST "%%pre\necho hi\n", "test.ks:5:1: section not closed: add a line %%end" },
  { BASE_SOURCE BASE_REST "%%post --erroronfail\n%%end\n", "test.ks:5:7: %%post: takes no options" },
  { BASE_SOURCE BASE_REST "%%packages\n%%end\n", "test.ks:5:1: unknown section '%%packages' (expected %%pre, %%post or %%onerror)" },
  { BASE_SOURCE BASE_REST "%%end\n", "test.ks:5:1: %%end without a section to end" },
  { BASE_SOURCE BASE_REST "%%pre\n%%end\n%%pre\n%%end\n", "test.ks:7:1: %%pre: given twice" },
  { BASE_SOURCE BASE_REST "options --parallel=0\n", "test.ks:5:9: options: --parallel=0: expected a whole number from 1 to 16" },
  { BASE_SOURCE BASE_REST "options --block-driver=ide\n", "options: --block-driver=ide: expected virtio-blk|virtio-scsi" },
  { BASE_SOURCE BASE_REST "options --hard-power-off\n", "test.ks:5:1: options: --hard-power-off only goes with --shutdown-source" },
  { BASE_SOURCE BASE_REST "options --shutdown-timeout=60\n", "test.ks:5:1: options: --shutdown-timeout only goes with --shutdown-source" },
  { BASE_SOURCE BASE_REST "options --shutdown-source --shutdown-timeout=5\n", "options: --shutdown-timeout=5: expected a whole number from 10 to 86400" },
  { BASE_SOURCE BASE_REST "options --no-fstrim\noptions --keep-vmware-tools\n", "test.ks:6:1: options: given twice (first on line 5)" },
  { BASE_SOURCE BASE_REST "options --no-trim\n", "options: unknown option --no-trim (did you mean --no-fstrim?)" },
  { BASE_SOURCE BASE_REST "log\n", "test.ks:5:1: log: give --file=PATH and/or --remote" },
  { BASE_SOURCE BASE_REST "log --file=v2v.log\n", "log: --file=v2v.log: expected an absolute path" },
  { BASE_SOURCE BASE_REST "log --remote=udp://10.0.0.1\n", "log: --remote=udp://10.0.0.1: expected syslog://HOST[:PORT]" },
  { BASE_SOURCE BASE_REST "network --bootproto=static --ip=10.0.0.5\n", "network: --bootproto=static needs --ip=ADDRESS and --netmask=MASK" },
  { BASE_SOURCE BASE_REST "network --bootproto=static --ip=10.0.0.256 --netmask=255.0.0.0\n", "network: --ip=10.0.0.256: expected an IPv4 address" },
  { BASE_SOURCE BASE_REST "network --bootproto=dhcp --ip=10.0.0.5\n", "network: --ip, --netmask and --gateway go with --bootproto=static" },
  { BASE_SOURCE BASE_REST "network --device=eth0\n", "network: --bootproto=dhcp|static is required" },
  { BASE_SOURCE BASE_REST "network --bootproto=bootp\n", "network: --bootproto=bootp: expected dhcp|static" },
  { BASE_SOURCE BASE_REST "network --map=\"a=b\" --device=eth0\n", "network: --map is for the converted VM's NICs" },
  { BASE_SOURCE BASE_REST "include https://ks.example.com/common.ks\n", "test.ks:5:1: include https://ks.example.com/common.ks: including is not possible here" },
  { BASE_SOURCE BASE_REST "include\n", "test.ks:5:1: include: give the URL" },
  { BASE_SOURCE BASE_REST "reboot --now\n", "test.ks:5:8: reboot: takes no options" },
  { "source --type=https --server=esx --user=root --password=x --password-file=%s\n" BASE_REST,
    "source: give --password-file or --password, not both" },
  { "source --type=https --server=esx --password=x\n" BASE_REST, "source: a password needs --user=USER" },
  { "source --type=ssh --server=esx\n" BASE_REST, "test.ks:1:1: source: --type=ssh needs --user=USER" },
  { "source --type=ssh --server=esx --user=root\n" BASE_REST,
    "source: --type=ssh needs one of --identity=FILE and --password-file=FILE" },
  { "source --type=ssh --server=esx --user=root --password-file=%s --identity=%s\n" BASE_REST,
    "source: --type=ssh needs one of --identity=FILE and --password-file=FILE" },
  { "source --type=ssh --server=esx --user=root --password-file=%s --insecure\n" BASE_REST,
    "--cacert, --thumbprint and --insecure are for --type=https" },
  { "source --type=https --server=esx --identity=/x\n" BASE_REST,
    "--identity and --known-hosts are for --type=ssh" },
  { "source --type=ssh --server=esx --user=root --identity=/nonexistent/id\n" BASE_REST,
    "--identity=/nonexistent/id: No such file or directory" },
  { BASE_SOURCE "vm --vmx=web01.vmx\ndestination --type=local --dir=/tmp\n",
    "vm: --vmx=web01.vmx: expected \"[DATASTORE] DIR/NAME.vmx\"" },
  { BASE_SOURCE "disk --path=/d.img\nvm --vmx=\"[ds] a/a.vmx\"\ndestination --type=local --dir=/tmp\n",
    "vm: --vmx gives the disks: remove the disk commands" },
  { BASE_SOURCE "disk --path=/d.img\nvm --name=v --datacenter=DC\ndestination --type=local --dir=/tmp\n",
    "vm: --datacenter goes with --vmx" },
  { BASE_SOURCE "disk --path=/d.img\nvm --name=v\ndestination --type=libvirt --dir=/x\n",
    "destination: --dir is for --type=local" },
  /* vsphere and vm --inventory */
  { BASE_SOURCE "vm --inventory=/DC0/vm/a\ndestination --type=local --dir=/tmp\n",
    "test.ks:2:1: vm: --inventory needs source --type=vsphere" },
  { "source --type=vsphere --server=vc\nvm --inventory=a\ndestination --type=local --dir=/tmp\n",
    "source: --type=vsphere needs --user=USER and --password-file=FILE" },
  { VS_SOURCE "vm --inventory=/DC0/vm/a --vmx=\"[ds] a/a.vmx\"\ndestination --type=local --dir=/tmp\n",
    "vm: --inventory gives the .vmx and its datacenter: remove --vmx" },
  { VS_SOURCE "vm --inventory=/DC0/vm/prod/ --name=x\ndestination --type=local --dir=/tmp\n",
    "vm: --name names one VM, --inventory=/DC0/vm/prod/ is a folder of them" },
  { VS_SOURCE "vm --inventory=DC0/vm/a\ndestination --type=local --dir=/tmp\n",
    "vm: --inventory=DC0/vm/a: expected /DC/vm/FOLDER/NAME" },
  { VS_SOURCE "vm --inventory=/DC0/vm/a --identity=/x\ndestination --type=local --dir=/tmp\n",
    "vm: unknown option --identity" },
};

static void
bad_inputs (void)
{
  size_t i;

  for (i = 0; i < sizeof bad / sizeof bad[0]; ++i) {
    struct ks_file cfg;
    char *text = with_pw (bad[i].text), *want = with_pw (bad[i].want);
    char *msgs;
    int r;

    msgs = parse (text, strlen (text), &cfg, &r);
    CHECK (r == -1);
    CHECK_CONTAINS (msgs, want);
    if (r != -1 || !strstr (msgs, want))
      fprintf (stderr, "  (bad input %zu)\n", i);
    ks_free (&cfg);
    free (msgs);
    free (text);
    free (want);
  }
}

static void
limits (void)
{
  struct ks_file cfg;
  char *msgs, *big;
  size_t n;
  int r;
  static const char nul[] = "vm --name=a\0b\n";

  /* a NUL byte */
  msgs = parse (nul, sizeof nul - 1, &cfg, &r);
  CHECK (r == -1);
  CHECK_CONTAINS (msgs, "test.ks:1:1: NUL byte or invalid UTF-8");
  ks_free (&cfg);
  free (msgs);

  /* an overlong line */
  n = KS_MAX_LINE + 100;
  big = malloc (n + 1);
  memset (big, 'x', n);
  memcpy (big, "vm --name=", 10);
  big[n] = '\0';
  msgs = parse (big, n, &cfg, &r);
  CHECK (r == -1);
  CHECK_CONTAINS (msgs, "test.ks:1:1: line longer than 4096 bytes");
  ks_free (&cfg);
  free (msgs);
  free (big);

  /* a 10 MB file */
  n = 10 * 1024 * 1024;
  big = malloc (n);
  memset (big, '\n', n);
  msgs = parse (big, n, &cfg, &r);
  CHECK (r == -1);
  CHECK_CONTAINS (msgs, "test.ks: larger than 1048576 bytes");
  ks_free (&cfg);
  free (msgs);
  free (big);

  /* non-UTF-8 */
  msgs = parse ("vm --name=caf\xe9\n", 15, &cfg, &r);
  CHECK (r == -1);
  CHECK_CONTAINS (msgs, "test.ks:1:1: NUL byte or invalid UTF-8");
  ks_free (&cfg);
  free (msgs);

  /* files a %pre section may write are checked by the run, not here */
  {
    static const char pre[] =
      "source --type=https --server=esx --user=root "
      "--password-file=/nonexistent/pw\n"
      "vm --name=a\ndisk --path=/a\n"
      "destination --type=libvirt --uri=qemu+ssh://root@kvm/system "
      "--pool=default --identity=/tmp/nonexistent-key\n"
      "%pre\necho secret >/nonexistent/pw\n%end\n";
    msgs = parse (pre, sizeof pre - 1, &cfg, &r);
    CHECK (r == 0);
    CHECK (msgs == NULL || strstr (msgs, "No such file") == NULL);
    ks_free (&cfg);
    free (msgs);
  }

  /* a %pre of the largest size, in short lines: linear time (it took
   * 15 s when each line was appended after a strlen of the body)
   */
  {
    double t;
    n = KS_MAX_FILE;
    big = malloc (n);
    memcpy (big, "%pre\n", 5);
    for (size_t i = 5; i < n - 5; i += 2)
      memcpy (big + i, "x\n", 2);
    memcpy (big + n - 5, "%end\n", 5);
    t = now ();
    msgs = parse (big, n, &cfg, &r);
    t = now () - t;
    printf ("kickstart: 1 MiB %%pre of short lines parsed in %.3f s\n", t);
    CHECK (cfg.pre && strlen (cfg.pre) == n - 10);
    CHECK (t < 1.0);
    ks_free (&cfg);
    free (msgs);
    free (big);
  }

  /* control bytes are just unknown words, not a crash */
  msgs = parse ("\x01\x02 --x\n", 7, &cfg, &r);
  CHECK (r == -1);
  CHECK_CONTAINS (msgs, "test.ks:1:1: unknown command");
  ks_free (&cfg);
  free (msgs);
}

/* ---- includes, from memory ---- */

struct files {
  const char *const *names;     /* name, text, name, text, ..., NULL */
  unsigned fetches;
};

static int
fetch_mem (const char *url, char **text, size_t *len, char **error,
           void *opaque)
{
  struct files *f = opaque;
  size_t i;

  f->fetches++;
  for (i = 0; f->names[i]; i += 2)
    if (strcmp (f->names[i], url) == 0) {
      *text = strdup (f->names[i + 1]);
      *len = strlen (f->names[i + 1]);
      return 0;
    }
  *error = strdup ("not found");
  return -1;
}

/* Parse the first of files as main.ks; returns the messages (caller
 * frees), *r and how long it took.
 */
static char *
parse_files (struct files *f, struct ks_file *ks, int *r, double *secs)
{
  struct ks_parse_opts opts = { fetch_mem, f, false };
  char *msgs = NULL, *text = with_pw (f->names[1]);
  size_t msglen = 0;
  FILE *errs = open_memstream (&msgs, &msglen);
  double t = now ();

  memset (ks, 0, sizeof *ks);
  *r = ks_parse_string (f->names[0], text, strlen (text), &opts, ks, errs);
  *secs = now () - t;
  fclose (errs);
  free (text);
  return msgs ? msgs : strdup ("");
}

/* Every message names the file and line of its command, in an include
 * too; messages about the whole name the main file.
 */
static void
include_locations (void)
{
  static const char *const names[] = {
    "main.ks", "include inc.ks\n"
               "disk --path=/d.img\n"
               "vm --name=v\n"
               "destination --type=local --dir=/tmp\n",
    "inc.ks", "# shared lines\n"
              "vm --name=-v\n"
              "source --type=https --server=a/b\n"
              "vm --name=v\n"
              "disk --path=/e.img\n"
              "destination --type=local --dir=/tmp\n",
    NULL
  };
  static const char *const whole[] = {
    "main.ks", "include inc.ks\n",
    "inc.ks", "# nothing\n",
    NULL
  };
  struct files f = { names, 0 };
  struct ks_file ks;
  char *msgs;
  double t;
  int r;

  msgs = parse_files (&f, &ks, &r, &t);
  CHECK (r == -1);
  CHECK_CONTAINS (msgs, "inc.ks:3:1: source: --server=a/b: expected HOST");
  CHECK_CONTAINS (msgs, "inc.ks:2:1: vm: --name=-v: use letters");
  CHECK_CONTAINS (msgs, "inc.ks:2:1: vm: no disk");
  CHECK_CONTAINS (msgs, "main.ks:3:1: vm: --name=v is already the name of "
                  "the VM on line 4 of inc.ks");
  CHECK_CONTAINS (msgs, "main.ks:3:1: vm: no disk");
  CHECK_CONTAINS (msgs, "main.ks:4:1: destination: given twice (first on "
                  "line 6 of inc.ks)");
  CHECK (strstr (msgs, "main.ks:3:1: source") == NULL);
  CHECK (strstr (msgs, "main.ks:2:1: vm") == NULL);
  ks_free (&ks);
  free (msgs);

  f.names = whole;
  msgs = parse_files (&f, &ks, &r, &t);
  CHECK (r == -1);
  CHECK_CONTAINS (msgs, "main.ks: no source command");
  CHECK_CONTAINS (msgs, "main.ks: no vm command");
  CHECK_CONTAINS (msgs, "main.ks: no destination command");
  CHECK (strstr (msgs, "inc.ks") == NULL);
  ks_free (&ks);
  free (msgs);
}

#define TWENTY(line) line line line line line line line line line line \
  line line line line line line line line line line

/* Includes are bounded in depth, in number and in bytes, so that no
 * kickstart costs more than a moment (20 self-includes once made 168,000
 * fetches and took 24 s).
 */
static void
include_limits (void)
{
  static const char *const self[] = {
    "main.ks", BASE_SOURCE BASE_REST TWENTY ("include self.ks\n"),
    "self.ks", TWENTY ("include self.ks\n"),
    NULL
  };
  static const char *const fan[] = {
    "main.ks", BASE_SOURCE BASE_REST TWENTY ("include mid.ks\n"),
    "mid.ks", TWENTY ("include leaf.ks\n"),
    "leaf.ks", "# a shared line\n",
    NULL
  };
  static const char *const big[] = {
    "main.ks", BASE_SOURCE BASE_REST "include big.ks\ninclude big.ks\n",
    "big.ks", NULL,               /* 600 KiB, made below */
    NULL
  };
  const char *bignames[5];
  struct files f = { self, 0 };
  struct ks_file ks;
  char *msgs, *bigtext;
  double t;
  int r;

  msgs = parse_files (&f, &ks, &r, &t);
  printf ("kickstart: 20 self-includes: %u fetches, %.3f s\n", f.fetches, t);
  CHECK (r == -1);
  CHECK_CONTAINS (msgs, "self.ks:1:1: include self.ks: more than 4 includes "
                  "deep");
  CHECK (f.fetches <= KS_MAX_INCLUDE_DEPTH + 1);
  CHECK (t < 1.0);
  ks_free (&ks);
  free (msgs);

  f.names = fan;
  f.fetches = 0;
  msgs = parse_files (&f, &ks, &r, &t);
  printf ("kickstart: 20 x 20 includes: %u fetches, %.3f s\n", f.fetches, t);
  CHECK (r == -1);
  CHECK_CONTAINS (msgs, "include leaf.ks: more than 64 files included in "
                  "all, nested ones counted");
  CHECK (f.fetches == 64);          /* KS_MAX_INCLUDES */
  CHECK (t < 1.0);
  ks_free (&ks);
  free (msgs);

  bigtext = malloc (600 * 1024 + 1);
  memset (bigtext, '#', 600 * 1024);
  for (size_t i = 99; i < 600 * 1024; i += 100)
    bigtext[i] = '\n';
  bigtext[600 * 1024] = '\0';
  memcpy (bignames, big, sizeof bignames);
  bignames[3] = bigtext;
  f.names = bignames;
  f.fetches = 0;
  msgs = parse_files (&f, &ks, &r, &t);
  CHECK (r == -1);
  CHECK_CONTAINS (msgs, "main.ks:6:1: include big.ks: the included files "
                  "would pass 1048576 bytes in all");
  CHECK (strstr (msgs, "big.ks:1") == NULL);
  ks_free (&ks);
  free (msgs);
  free (bigtext);
}

/* A URL's password never shows in a message: neither the kickstart's
 * own name (v2v.ks=https://user:pass@...) nor an include's URL.
 */
static void
masked_urls (void)
{
  const char *text = "bogus-command\ninclude https://u:s3cret@h/inc.ks\n";
  char *msgs = NULL, *m;
  size_t msglen = 0;
  struct ks_file ks;
  FILE *errs = open_memstream (&msgs, &msglen);
  int r;

  memset (&ks, 0, sizeof ks);
  r = ks_parse_string ("https://root:pw0rd@esx/ks.cfg", text, strlen (text),
                       NULL, &ks, errs);
  fclose (errs);
  CHECK (r == -1);
  CHECK (msgs && strstr (msgs, "pw0rd") == NULL);
  CHECK (msgs && strstr (msgs, "s3cret") == NULL);
  CHECK_CONTAINS (msgs, "https://root:********@esx/ks.cfg:1:1: ");
  CHECK_CONTAINS (msgs, "include https://u:********@h/inc.ks");
  free (msgs);
  ks_free (&ks);

  m = ks_mask_urls ("a http://x:y@h/p, 'ftp://user:p:w@h2' https://h3/q?u=a:b@c "
                    "tftp://no-password@h4 :// https://bob:it's@m/v.iso end");
  CHECK_STR (m, "a http://x:********@h/p, 'ftp://user:********@h2' "
             "https://h3/q?u=a:b@c tftp://no-password@h4 :// "
             "https://bob:********@m/v.iso end");
  free (m);
}

int
main (void)
{
  int fd = mkstemp (pwfile);

  if (fd == -1 || write (fd, "secret\n", 7) != 7)
    return 1;
  close (fd);
  good ();
  batch ();
  bad_inputs ();
  limits ();
  include_locations ();
  include_limits ();
  masked_urls ();
  unlink (pwfile);
  return unit_done ("kickstart");
}
