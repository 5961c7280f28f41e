/* Kickstart parsing: a good file fills the config and survives a
 * dump-config round trip; each bad input gives its FILE:LINE message.
 */
#include <unistd.h>

#include "kickstart.h"
#include "internal.h"
#include "unit.h"

static char pwfile[] = "/tmp/v2vboot-unit-pw.XXXXXX";

/* Parse text; returns the parser's messages (caller frees). */
static char *
parse (const char *text, size_t len, struct v2v_config *cfg, int *r)
{
  char *msgs = NULL;
  size_t msglen = 0;
  FILE *errs = open_memstream (&msgs, &msglen);

  memset (cfg, 0, sizeof *cfg);
  *r = ks_parse_string ("test.ks", text, len, cfg, errs);
  fclose (errs);
  return msgs;
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
  struct v2v_config cfg, cfg2;
  char *text = with_pw (GOOD), *msgs, *dump = NULL, *dump2 = NULL;
  size_t dlen;
  FILE *f;
  int r;

  msgs = parse (text, strlen (text), &cfg, &r);
  CHECK (r == 0);
  CHECK_STR (msgs, "");
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
  f = open_memstream (&dump, &dlen);
  ks_dump_config (&cfg, f);
  fclose (f);
  free (msgs);
  msgs = parse (dump, strlen (dump), &cfg2, &r);
  CHECK (r == 0);
  f = open_memstream (&dump2, &dlen);
  ks_dump_config (&cfg2, f);
  fclose (f);
  CHECK_STR (dump2, dump);
  CHECK_CONTAINS (dump, "disk --path=\"[datastore1] web 01/web 01-flat.vmdk\""
                  " --datacenter=DC1\n");
  v2v_config_free (&cfg);
  v2v_config_free (&cfg2);
  free (msgs);
  free (dump);
  free (dump2);
  free (text);
}

/* The minimal valid file, to which each bad case adds or changes a line. */
#define BASE_SOURCE \
  "source --type=https --server=esx --user=root --password-file=%s\n"
#define BASE_REST \
  "disk --path=/d.img\nvm --name=v\ndestination --type=local --dir=/tmp\n"

static const struct {
  const char *text;             /* %s is the password file */
  const char *want;             /* expected in the messages */
} bad[] = {
  { BASE_SOURCE BASE_REST "frobnicate --x\n", "test.ks:5: unknown command 'frobnicate'" },
  { BASE_SOURCE BASE_REST "dsik --path=/x\n", "test.ks:5: unknown command 'dsik' (did you mean 'disk'?)" },
  { "source --type=https --server=esx --user=root --pasword-file=%s\n" BASE_REST,
    "test.ks:1: source: unknown option --pasword-file (did you mean --password-file?)" },
  { BASE_SOURCE BASE_REST "vm --name=v2\n", "test.ks:5: vm: given twice (first on line 3)" },
  { BASE_SOURCE "disk --path=/d.img\nvm --name=v --memory=lots\ndestination --type=local --dir=/tmp\n",
    "test.ks:3: vm: --memory=lots: expected a whole number from 64 to 4194304" },
  { BASE_SOURCE "disk --path=/d.img\nvm --name=v --memory=8\ndestination --type=local --dir=/tmp\n",
    "--memory=8: expected a whole number from 64" },
  { BASE_SOURCE "disk --path=/d.img\nvm --name=v --vcpus=0\ndestination --type=local --dir=/tmp\n",
    "--vcpus=0: expected a whole number from 1 to 512" },
  { BASE_SOURCE "disk --path=/d.img\nvm --name=v --vcpus=-1\ndestination --type=local --dir=/tmp\n",
    "--vcpus=-1: expected a whole number" },
  { BASE_SOURCE "disk --path=/d.img\nvm --name=v --vcpus=99999999999999999999\ndestination --type=local --dir=/tmp\n",
    "--vcpus=99999999999999999999: expected a whole number" },
  { BASE_SOURCE "disk --path=/d.img\nvm --name\ndestination --type=local --dir=/tmp\n",
    "test.ks:3: vm: --name needs a value (--name=NAME)" },
  { BASE_SOURCE "disk --path=/d.img\nvm --name=\ndestination --type=local --dir=/tmp\n",
    "test.ks:3: vm: --name: empty value" },
  { BASE_SOURCE "disk --path=/d.img\nvm --name=\"a b\"\ndestination --type=local --dir=/tmp\n",
    "vm: --name=a b: use letters, digits" },
  { BASE_SOURCE "disk --path=/d.img\nvm --name=v\ndestination --type=local --dir=/tmp --format=vmdk\n",
    "test.ks:4: destination: --format=vmdk: expected qcow2|raw" },
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
    "test.ks:4: destination: --dir=DIR is required" },
  { BASE_SOURCE "disk --path=/d.img\nvm --name=v\n", "no destination command" },
  { BASE_SOURCE "vm --name=v\ndestination --type=local --dir=/tmp\n", "no disk command" },
  { BASE_REST, "no source command" },
  { "source --server=esx\n" BASE_REST, "test.ks:1: source: --type=https|ssh is required" },
  { "source --type=https\n" BASE_REST, "test.ks:1: source: --server=HOST[:PORT] is required" },
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
  { "source --type=https --type=ssh --server=esx\n" BASE_REST, "test.ks:1:" },
  { "source --type=https --server=esx --server=esx2\n" BASE_REST, "source: --server given twice" },
  { BASE_SOURCE BASE_REST "source --type=https --server=esx2\n", "test.ks:5: source: given twice (first on line 1)" },
  { BASE_SOURCE "disk --path=relative.img\nvm --name=v\ndestination --type=local --dir=/tmp\n",
    "disk --path=relative.img: expected \"[DATASTORE] DIR/FILE\" or an absolute path" },
  { BASE_SOURCE "disk --path=\"[ds] x.vmdk\nvm --name=v\ndestination --type=local --dir=/tmp\n",
    "test.ks:2: unterminated \" quote" },
  { BASE_SOURCE BASE_REST "network --map=novalue\n", "test.ks:5: network: --map=\"novalue\": expected" },
  { BASE_SOURCE BASE_REST "network\n", "test.ks:5: network: --map=\"SOURCE NETWORK=DESTINATION\" is required" },
  { BASE_SOURCE BASE_REST "poweroff\nreboot\n", "test.ks:6: only one of poweroff, reboot and shell" },
  { BASE_SOURCE BASE_REST "disk stray\n", "test.ks:5: disk: unexpected 'stray'" },
  { BASE_SOURCE BASE_REST "%%pre\necho hi\n%%end\n", "test.ks:5: %%pre: sections are not supported" },
  { "source --type=ssh --server=esx\n" BASE_REST, "test.ks:1: source: --type=ssh needs --user=USER" },
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
};

static void
bad_inputs (void)
{
  size_t i;

  for (i = 0; i < sizeof bad / sizeof bad[0]; ++i) {
    struct v2v_config cfg;
    char *text = with_pw (bad[i].text), *want = with_pw (bad[i].want);
    char *msgs;
    int r;

    msgs = parse (text, strlen (text), &cfg, &r);
    CHECK (r == -1);
    CHECK_CONTAINS (msgs, want);
    if (r != -1 || !strstr (msgs, want))
      fprintf (stderr, "  (bad input %zu)\n", i);
    v2v_config_free (&cfg);
    free (msgs);
    free (text);
    free (want);
  }
}

static void
limits (void)
{
  struct v2v_config cfg;
  char *msgs, *big;
  size_t n;
  int r;
  static const char nul[] = "vm --name=a\0b\n";

  /* a NUL byte */
  msgs = parse (nul, sizeof nul - 1, &cfg, &r);
  CHECK (r == -1);
  CHECK_CONTAINS (msgs, "test.ks:1: NUL byte in line");
  v2v_config_free (&cfg);
  free (msgs);

  /* an overlong line */
  n = KS_MAX_LINE + 100;
  big = malloc (n + 1);
  memset (big, 'x', n);
  memcpy (big, "vm --name=", 10);
  big[n] = '\0';
  msgs = parse (big, n, &cfg, &r);
  CHECK (r == -1);
  CHECK_CONTAINS (msgs, "test.ks:1: line longer than 4096 bytes");
  v2v_config_free (&cfg);
  free (msgs);
  free (big);

  /* a 10 MB file */
  n = 10 * 1024 * 1024;
  big = malloc (n);
  memset (big, '\n', n);
  msgs = parse (big, n, &cfg, &r);
  CHECK (r == -1);
  CHECK_CONTAINS (msgs, "test.ks: file is larger than");
  v2v_config_free (&cfg);
  free (msgs);
  free (big);

  /* non-UTF-8 and control bytes are just unknown words, not a crash */
  msgs = parse ("\xff\xfe\x01 --x\n", 7, &cfg, &r);
  CHECK (r == -1);
  CHECK_CONTAINS (msgs, "test.ks:1: unknown command");
  v2v_config_free (&cfg);
  free (msgs);
}

int
main (void)
{
  int fd = mkstemp (pwfile);

  if (fd == -1 || write (fd, "secret\n", 7) != 7)
    return 1;
  close (fd);
  good ();
  bad_inputs ();
  limits ();
  unlink (pwfile);
  return unit_done ("kickstart");
}
