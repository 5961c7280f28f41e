/* Old disk names are replaced exactly where they stand, nowhere else. */
#include "internal.h"
#include "unit.h"

static const struct v2v_devmap map[] = {
  { (char *) "/dev/sda1", (char *) "UUID=1111" },
  { (char *) "/dev/hda1", (char *) "UUID=1111" },
  { (char *) "/dev/sda2", (char *) "UUID=2222" },
  { (char *) "/dev/sdb1", (char *) "UUID=3333" },
  { (char *) "/dev/sda", (char *) "/dev/vda" },
};
#define NR (sizeof map / sizeof map[0])

static void
rewrite (const char *in, const char *want, size_t want_changes)
{
  size_t changes = 99;
  char *out = v2v_rewrite_devices (in, map, NR, &changes);

  CHECK_STR (out, want);
  CHECK (changes == want_changes);
  free (out);
}

int
main (void)
{
  char buf[64];
  char *s;
  bool changed;

  /* fstab */
  rewrite ("/dev/sda1 / ext4 errors=remount-ro 0 1\n"
           "/dev/sdb1 /var ext4 defaults 0 2\n"
           "UUID=abcd /home ext4 defaults 0 2\n",
           "UUID=1111 / ext4 errors=remount-ro 0 1\n"
           "UUID=3333 /var ext4 defaults 0 2\n"
           "UUID=abcd /home ext4 defaults 0 2\n", 2);
  /* kernel command lines, quoted and not */
  rewrite ("GRUB_CMDLINE_LINUX=\"root=/dev/sda1 resume=/dev/sda2 quiet\"\n",
           "GRUB_CMDLINE_LINUX=\"root=UUID=1111 resume=UUID=2222 quiet\"\n",
           2);
  rewrite ("\tlinux /vmlinuz root=/dev/sda1 ro\n",
           "\tlinux /vmlinuz root=UUID=1111 ro\n", 1);
  /* old IDE names map to the same UUID */
  rewrite ("/dev/hda1 / ext3 defaults 1 1\n",
           "UUID=1111 / ext3 defaults 1 1\n", 1);
  /* whole disks: by name, not UUID; LVM filter syntax */
  rewrite ("filter = [ \"a|^/dev/sda$|\", \"r|.*|\" ]\n",
           "filter = [ \"a|^/dev/vda$|\", \"r|.*|\" ]\n", 1);
  /* not a whole token: untouched */
  rewrite ("/dev/sda10 /dev/sdab1 /dev/sdc1 x/dev/sda1 /dev/sda1x\n",
           "/dev/sda10 /dev/sdab1 /dev/sdc1 x/dev/sda1 /dev/sda1x\n", 0);
  rewrite ("/dev/disk/by-uuid/1111 /mnt/dev/sda1\n",
           "/dev/disk/by-uuid/1111 /mnt/dev/sda1\n", 0);
  rewrite ("", "", 0);
  rewrite ("/dev/sda1", "UUID=1111", 1);

  CHECK (v2v_find_old_devname ("root=UUID=1 /dev/hdc3 x", buf, sizeof buf));
  CHECK_STR (buf, "/dev/hdc3");
  CHECK (v2v_find_old_devname ("root=UUID=1 /dev/vda1 /dev/sda1x", buf,
                               sizeof buf) == NULL);

  s = v2v_virtio_name ("/dev/sdb3", V2V_BLOCK_VIRTIO_BLK);
  CHECK_STR (s, "/dev/vdb3");
  free (s);
  s = v2v_virtio_name ("/dev/hda", V2V_BLOCK_VIRTIO_BLK);
  CHECK_STR (s, "/dev/vda");
  free (s);
  s = v2v_virtio_name ("/dev/hda2", V2V_BLOCK_VIRTIO_SCSI);
  CHECK_STR (s, "/dev/sda2");
  free (s);
  s = v2v_virtio_name ("/dev/sdc", V2V_BLOCK_VIRTIO_SCSI);
  CHECK_STR (s, "/dev/sdc");
  free (s);

  /* GRUB_DISABLE_LINUX_UUID=true is turned off, in any spelling */
  s = v2v_grub_enable_uuid ("GRUB_TIMEOUT=0\nGRUB_DISABLE_LINUX_UUID=true\n"
                            "GRUB_CMDLINE_LINUX=\"\"\n", &changed);
  CHECK (changed);
  CHECK_CONTAINS (s, "\nGRUB_DISABLE_LINUX_UUID=false\nGRUB_CMDLINE_LINUX");
  CHECK (strstr (s, "=true") == NULL);
  free (s);
  s = v2v_grub_enable_uuid ("  GRUB_DISABLE_LINUX_UUID=\"true\"", &changed);
  CHECK (changed);
  CHECK_CONTAINS (s, "GRUB_DISABLE_LINUX_UUID=false");
  free (s);
  s = v2v_grub_enable_uuid ("GRUB_DISABLE_LINUX_UUID=false\n", &changed);
  CHECK (!changed);
  CHECK_STR (s, "GRUB_DISABLE_LINUX_UUID=false\n");
  free (s);
  s = v2v_grub_enable_uuid ("#GRUB_DISABLE_LINUX_UUID=true\n", &changed);
  CHECK (!changed);
  free (s);

  return unit_done ("devname");
}
